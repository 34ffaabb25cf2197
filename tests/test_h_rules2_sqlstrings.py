"""BK110 and SQL text made only of constants: constant suffixes appended to a statement that
was not built here (a query builder's output), ``len()`` / ``int()`` of anything (a number),
arithmetic of constants and numeric module constants; a value put into the text is still
reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

DB = """\
import sqlite3
from typing import Any, Tuple

ENCODED_PREFIX = "enc:"
PAGE_SIZE = 50


def get_sql(q: Any) -> Tuple[str, tuple]:
    return q.get_sql(), ()


def delete_database(cur: sqlite3.Cursor, q: Any) -> None:
    sql, params = get_sql(q)
    sql = sql + " RETURNING id"
    cur.execute(sql, params)


def strip_prefix(cur: sqlite3.Cursor) -> None:
    cur.execute(f"UPDATE users SET token = SUBSTR(token, {len(ENCODED_PREFIX) + 1})")
    cur.execute(f"SELECT * FROM users LIMIT {PAGE_SIZE * 2 - 1}")


def suffixed(cur: sqlite3.Cursor, statement: str) -> None:
    cur.execute(statement + " RETURNING id")


def prefixed(cur: sqlite3.Cursor, where: str) -> None:
    cur.execute("SELECT * FROM users WHERE " + where)


def suffix_of_built(cur: sqlite3.Cursor, name: str) -> None:
    sql = "SELECT * FROM users WHERE name = '" + name + "'"
    sql = sql + " LIMIT 1"
    cur.execute(sql)


def length_of_value(cur: sqlite3.Cursor, token: str, timeout: str) -> None:
    cur.execute(f"UPDATE users SET token = SUBSTR(token, {len(token) + 1})")
    cur.execute(f"PRAGMA busy_timeout = {int(timeout) * 1000}")
    cur.execute(f"SELECT * FROM t WHERE name = '{str(token)}'")


def fragment(cur: sqlite3.Cursor, column: str) -> None:
    order = column + " DESC"
    cur.execute("SELECT * FROM users ORDER BY " + order)
"""


def test_constant_only_text_is_not_built(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/db.py": DB}
    root = write_project(tmp_path / "p", files, select=["BK110"])
    found = [(f.line, f.message.split(":")[0]) for f in analyze([root]).findings]
    assert found == [
        # a parameter is no query builder's output: the suffix is appended to a value
        (24, "SQL built from strings reaches cur.execute()"),
        (28, "SQL built from strings reaches cur.execute()"),  # "... WHERE " + where
        (
            34,
            "SQL built from strings reaches cur.execute() (through the variable built on line 32)",
        ),
        # len() and int() of a parameter are numbers: no SQL can come in; str() can
        (40, "SQL built from strings reaches cur.execute()"),
        # "... ORDER BY " + fragment, the fragment built from the parameter column
        (
            45,
            "SQL built from strings reaches cur.execute() (through the variable built on line 44)",
        ),
    ]
