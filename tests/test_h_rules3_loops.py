"""BK110 and BK304 and a loop over a literal sequence: the loop variable only takes constant
values (``for table in ["a", "b"]``, or a local bound only to a list of literals), and a query
per item of a fixed list is no N+1 (the count does not grow with the data)."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

DB = """\
import sqlite3

TABLES = ("users", "groups")


def clear(conn: sqlite3.Connection):
    cursor = conn.cursor()
    for table in ["sections", "documents", "objects"]:
        cursor.execute(f"DELETE FROM {table}")


def clear2(conn: sqlite3.Connection):
    cursor = conn.cursor()
    tables = ["sections", "documents"]
    for table in tables:
        cursor.execute(f"DELETE FROM {table}")


def pairs(conn: sqlite3.Connection):
    cursor = conn.cursor()
    for table, column in [("a", "x"), ("b", "y")]:
        cursor.execute(f"UPDATE {table} SET {column} = NULL")


def module_tuple(conn: sqlite3.Connection):
    cursor = conn.cursor()
    for table in TABLES:
        cursor.execute(f"DELETE FROM {table}")


def grown(conn: sqlite3.Connection, name: str):
    cursor = conn.cursor()
    tables = ["sections"]
    tables.append(name)
    for table in tables:
        cursor.execute(f"DELETE FROM {table}")


def data(conn: sqlite3.Connection, names: list[str]):
    cursor = conn.cursor()
    for table in names:
        cursor.execute(f"DELETE FROM {table}")


def mixed(conn: sqlite3.Connection, name: str):
    cursor = conn.cursor()
    for table in ["sections", name]:
        cursor.execute(f"DELETE FROM {table}")


def nested(conn: sqlite3.Connection, ids: list[int]):
    cursor = conn.cursor()
    for i in ids:
        for table in ["a", "b"]:
            cursor.execute(f"DELETE FROM {table} WHERE id = ?", (i,))
"""


def _found(tmp_path: Path) -> list[tuple[int, str]]:
    files = {"app/__init__.py": "", "app/db.py": DB}
    root = write_project(tmp_path / "p", files, select=["BK110", "BK304"])
    return [(f.line, f.code) for f in analyze([root]).findings]


def test_loop_over_literals_is_constant(tmp_path: Path) -> None:
    assert _found(tmp_path) == [
        (36, "BK110"),  # a list that also receives a parameter
        (36, "BK304"),
        (42, "BK110"),  # a parameter's items
        (42, "BK304"),
        (48, "BK110"),  # a literal list with a parameter in it
        (55, "BK304"),  # the outer loop runs over data: N+1
    ]


MIGRATION = """\
from sqlalchemy import text


def up(db, table_name: str) -> bool:
    with db.Session() as sess:
        sess.execute(text(f"ALTER TABLE {table_name} ADD COLUMN created_at BIGINT"))
    return True


def down(db, table_name: str) -> bool:
    with db.Session() as sess:
        sess.execute(text(f"ALTER TABLE {table_name} DROP COLUMN created_at"))
    return True
"""


def test_migration_scripts_are_skipped(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/db/__init__.py": "",
        "app/db/migrations/__init__.py": "",
        "app/db/migrations/versions/__init__.py": "",
        "app/db/migrations/versions/v2_3_0.py": MIGRATION,
        # the same functions outside a migrations directory: reported
        "app/db/scaling.py": MIGRATION,
    }
    root = write_project(tmp_path / "p", files, select=["BK110"])
    found = [(f.path, f.line) for f in analyze([root]).findings]
    assert found == [("app/db/scaling.py", 6), ("app/db/scaling.py", 12)]
