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
