"""Facts the per-file pass records beyond names: type-only imports, loops, guards."""

from __future__ import annotations

import libcst as cst

from backendkit.summary.collector import build_summary

SOURCE = """\
from __future__ import annotations

import typing
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pkg.b import B
else:
    import os
if typing.TYPE_CHECKING:
    import pkg.c
import sys

for router, prefix in ROUTERS:
    app.include_router(router, prefix=prefix)
if DEBUG:
    app.include_router(debug)
"""


def test_type_checking_imports_loops_and_guards_are_recorded() -> None:
    """Imports under ``if TYPE_CHECKING:`` are flagged; calls know their loops and guards."""
    summary = build_summary("m.py", "m", False, cst.parse_module(SOURCE))
    flagged = {r.module: r.type_checking for r in summary.imports}
    assert flagged == {
        "__future__": False,
        "typing": False,
        "pkg.b": True,
        "os": False,
        "pkg.c": True,
        "sys": False,
    }
    calls = {s.line: (s.loops, s.guarded) for s in summary.scope.calls}
    assert calls[15] == ((14,), False)
    assert calls[17] == ((), True)


FACTS = """\
def dep():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


async def other(x):
    async with Factory() as s, s.begin():
        pass
    try:
        Session(e).execute(q)
    except (ValueError, KeyError) as problem:
        payload["exp"] = x
    q = "SELECT"
    q += f" WHERE id = {x}"
    return make() if a == b != None else None
"""


def test_with_finally_yield_compare_except_and_item_facts() -> None:
    """Statement facts: call uses, finally blocks, with items, yields, comparisons, except
    bindings and ``x[key] = value``."""
    summary = build_summary("m.py", "m", False, cst.parse_module(FACTS))
    dep = summary.scope.functions["dep"].scope
    assert [(s.call.func.dotted, s.use, s.in_finally) for s in dep.calls] == [
        ("SessionLocal", "=db", False),
        ("db.close", "", True),
    ]
    assert [(expr.dotted, line) for expr, line in dep.yields] == [("db", 4)]
    other = summary.scope.functions["other"].scope
    assert [line for _, line in other.withs] == [10, 10]
    uses = {s.call.func.dotted: s.use for s in other.calls if hasattr(s.call.func, "dotted")}
    assert uses["Factory"] == "with=s"  # bound by ``as s``
    assert uses["s.begin"] == "with"
    assert uses["Session"] == "attr"
    assert set(other.caught) == {"problem"}
    assert [(k.value, line) for k, line in other.item_assigns["payload"]] == [("exp", 15)]
    (augmented,) = other.aug_assigns["q"]
    assert (augmented.line, augmented.value.op, augmented.value.left.dotted) == (17, "Add", "q")
    assert [(c.op, c.left.dotted, getattr(c.right, "value", "?")) for c in other.compares] == [
        ("==", "a", "?"),
        ("!=", "b", None),
    ]
