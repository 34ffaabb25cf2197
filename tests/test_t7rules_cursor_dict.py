"""BK304 and a receiver named like a cursor that is a dict (hayhooks' per-deployment paging
cursors): a DB-API cursor has no ``get``, so ``cursor.get(key)`` of an unknown type reads a
mapping; an ``isinstance(x, dict)`` test guarding the call on its line (a conditional
expression, ``and``/``or``) shows the receiver is a container. A real cursor's ``execute`` in
a loop stays reported, and so does a session's ``get`` outside the guard."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

PAGER = """\
from typing import Any


def fetch(name: str, cursor: Any) -> dict:
    return {"items": [], "next": None}


def fetch_all(names: list[str], query: tuple) -> list[Any]:
    search, cursor = query
    pages = []
    for name in names:
        pages.append(fetch(name, cursor=cursor.get(name) if isinstance(cursor, dict) else cursor))
    return pages


def next_cursors(names: list[str], page_cursor) -> list[Any]:
    return [page_cursor.get(name) for name in names]


def rows(cursor, ids: list[int]) -> list[Any]:
    out = []
    for i in ids:
        cursor.execute("SELECT * FROM item WHERE id = ?", (i,))
        out.append(cursor.fetchone())
    return out


def guarded(session, ids: list[int]) -> list[Any]:
    return [isinstance(session, dict) and session.get(i) for i in ids]


def mapping_guard(db, ids: list[int]) -> list[Any]:
    from collections.abc import Mapping

    return [db.get(i) if isinstance(db, (Mapping, list)) else None for i in ids]


def other_branch(session, ids: list[int]) -> list[Any]:
    out = []
    for i in ids:
        value = None if isinstance(session, dict) else session.get(i)
        out.append(value)
    return out


def other_name(session, other, ids: list[int]) -> list[Any]:
    return [session.get(i) if isinstance(other, dict) else None for i in ids]


def other_type(session, ids: list[int]) -> list[Any]:
    return [session.get(i) if isinstance(session, Session) else None for i in ids]
"""


def test_cursor_dicts_are_not_queries(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/pager.py": PAGER}
    root = write_project(tmp_path / "p", files, select=["BK304"])
    found = [(f.line, f.message.split("()")[0]) for f in analyze([root]).findings]
    assert found == [
        (23, "cursor.execute"),  # a real cursor's query per item
        (41, "session.get"),  # the branch where the receiver is not a dict
        (47, "session.get"),  # the test is of another name
        (51, "session.get"),  # the test is of another type
    ]
