"""The summary keeps the body of each ``if isinstance(name, T):`` (``Scope.narrowed``): BK304
reads a ``get`` there, on a receiver a container test has shown to be a ``dict``, as a mapping
read, not a query (hayhooks' paging cursors). Only the body: not the ``elif`` or ``else``."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from backendkit import analyze
from backendkit.summary.collector import build_summary
from backendkit.summary.model import Narrowing
from helpers import write_project

SOURCE = """\
def f(db, rows, cursor):
    if isinstance(db, dict):
        a = db.get("x")
    elif isinstance(db, (list, tuple)) and rows:
        b = 1
    else:
        c = 2
    if rows and isinstance(self.cursor, typing.Mapping):
        d = 3
    if isinstance(cursor, dict) or rows:
        e = 4
    if not isinstance(cursor, dict):
        f = 5
"""


def test_the_bodies_of_isinstance_tests_are_kept() -> None:
    summary = build_summary("m.py", "m", False, cst.parse_module(SOURCE))
    narrowed = summary.scope.functions["f"].scope.narrowed
    assert sorted(narrowed) == [
        Narrowing(2, 4, "db", ("dict",)),
        Narrowing(4, 6, "db", ("list", "tuple")),
        Narrowing(8, 10, "self.cursor", ("Mapping",)),
    ]
    assert summary.scope.narrowed == ()


PAGES = """\
def pages(names: list[str], db, session) -> list:
    out = []
    for name in names:
        if isinstance(db, dict):
            out.append(db.get(name))
        if isinstance(session, dict):
            continue
        else:
            out.append(session.get(name))
        if isinstance(session, dict) or name:
            out.append(session.get(name))
    return out
"""


def test_bk304_reads_a_get_under_a_container_test_as_a_mapping(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/pages.py": PAGES})
    result = analyze([root], use_cache=False, select=["BK304"])
    assert [f.line for f in result.findings] == [9, 11]
