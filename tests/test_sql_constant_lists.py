"""BK110 and clauses built in a loop over a constant: ``conditions.append(f"id LIKE
'{mode}:%'")`` for each ``mode`` of a module-level UPPER_CASE list, then ``" OR
".join(conditions)``, is constant text (lightrag's cache cleanup); the same over a parameter
is data."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

DB = """\
from sqlalchemy import text

QUERY_MODES = ["mix", "hybrid", "local"]


def clean(conn, cleanup_type: str) -> None:
    conditions = []
    for mode in QUERY_MODES:
        if cleanup_type == "all":
            conditions.append(f"id LIKE '{mode}:query:%'")
        else:
            conditions.append(f"id LIKE '{mode}:keywords:%'")
    where_clause = " OR ".join(conditions)
    conn.execute(text(f"DELETE FROM cache WHERE ({where_clause})"))


def clean_modes(conn, modes: list[str]) -> None:
    conditions = []
    for mode in modes:
        conditions.append(f"id LIKE '{mode}:query:%'")
    where_clause = " OR ".join(conditions)
    conn.execute(text(f"DELETE FROM cache WHERE ({where_clause})"))
"""


def test_clauses_from_a_constant_list_are_constant(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/db.py": DB})
    found = [f.line for f in analyze([root], use_cache=False).findings if f.code == "BK110"]
    assert found == [22]


PRAGMA = """\
import os
import sqlite3

BUSY_TIMEOUT = os.getenv("BUSY_TIMEOUT", "5000")
CACHE_PAGES = int(os.environ.get("CACHE_PAGES", "100"))
PASSWORD = os.getenv("DB_PASSWORD")
table = os.getenv("TABLE")


def configure(conn: sqlite3.Connection, name: str) -> None:
    if BUSY_TIMEOUT:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT}")
    conn.execute(f"PRAGMA cache_size={CACHE_PAGES}")
    password = PASSWORD
    conn.execute(f"PRAGMA key = '{password}'")
    conn.execute(f"SELECT * FROM {table}")
    conn.execute(f"SELECT * FROM t WHERE name = '{name}'")
"""


def test_settings_from_the_environment_are_configuration(tmp_path: Path) -> None:
    """A module-level UPPER_CASE setting read from the environment (open-webui's
    ``DATABASE_SQLITE_PRAGMA_BUSY_TIMEOUT = os.getenv(...)`` in ``PRAGMA`` text, which no
    driver can bind) is the operator's configuration, not request data; a lower-case module
    variable and a parameter are still data."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/db.py": PRAGMA})
    found = [f.line for f in analyze([root], use_cache=False).findings if f.code == "BK110"]
    assert found == [16, 17]
