"""BK304 types a comprehension's variable from its iterable (``Scope.comp_binds``), as it
types a ``for`` loop's: the items of an annotated ``list[dict]`` are no database client
(a ``get`` with a variable key reads the dict), the items of a ``list[Session]`` are, and
an untyped iterable keeps the name heuristic."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
from typing import Any

from sqlmodel import Session


def by_key(connections: list[dict[str, Any]], key: str) -> list[Any]:
    return [connection.get(key) for connection in connections]


def nested(connections: list[dict[str, Any]], keys: list[str]) -> list[Any]:
    return [connection.get(key) for connection in connections for key in keys]


def per_session(sessions: list[Session], ids: list[int]) -> list[Any]:
    return [session.get(dict, i) for session in sessions for i in ids]


def untyped(connections, key: str) -> list[Any]:
    return [connection.get(key) for connection in connections]


def for_loop(connections: list[dict[str, Any]], key: str) -> list[Any]:
    out = []
    for connection in connections:
        out.append(connection.get(key))
    return out
"""


def test_comprehension_items_are_typed(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    root = write_project(tmp_path / "p", files, select=["BK304"])
    found = [(f.line, f.message.split("()")[0]) for f in analyze([root]).findings]
    assert found == [(15, "session.get"), (19, "connection.get")]
