"""Which calls may not run when their scope does (``CallSite.conditional``): those in an
``if``/``elif``/``else``, ``while`` or ``match`` ``case`` body (``guarded``), and those in a
``for`` body (``async for`` too) or comprehension (``loops``). A ``for`` loop's iterable is
evaluated once, before the loop: neither in the loop nor conditional, so a query there is no
N+1 pattern. ``TryBlock.holds`` / ``IfBlock.holds`` / ``Scope.in_try`` tell whether a line is
in a block."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from backendkit import analyze
from backendkit.summary.collector import build_summary
from backendkit.summary.model import IfBlock, Scope, TryBlock
from helpers import write_project

SOURCE = """\
async def f(xs, mode):
    for x in items():
        g(x)
    else:
        h()
    k()
    match mode:
        case 1:
            m()
        case _:
            o()
    n()
    async for q in xs:
        w()
    while xs:
        v()
    try:
        t()
    except ValueError:
        e()
    return [c(y) for y in ys()]
"""


def test_loop_and_case_bodies_are_conditional() -> None:
    summary = build_summary("a.py", "a", False, cst.parse_module(SOURCE))
    scope = summary.scope.functions["f"].scope
    sites = {site.call.func.dotted: site for site in scope.calls}  # type: ignore[union-attr]
    conditional = {name for name, site in sites.items() if site.conditional}
    assert conditional == {"g", "h", "m", "o", "w", "v", "c"}
    assert {name for name, site in sites.items() if site.guarded} == {"h", "m", "o", "v"}
    assert sites["g"].loops == (2,)
    assert sites["w"].loops == (13,)
    assert sites["items"].loops == ()
    assert sites["ys"].loops == ()
    assert [scope.in_try(line) for line in (16, 18, 19, 20)] == [False, True, False, False]


QUERIES = """\
from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

app = FastAPI()


def get_db() -> Session:
    raise NotImplementedError


@app.get("/rows")
def rows(db: Session = Depends(get_db)) -> int:
    total = 0
    for row in db.query(int).all():
        total += db.query(int).count()
    return total
"""


def test_a_loops_iterable_is_no_n_plus_one(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/main.py": QUERIES}
    result = analyze([write_project(tmp_path / "p", files, select=["BK304"])])
    assert [(f.code, f.line) for f in result.findings] == [("BK304", 15)]


def test_block_holds() -> None:
    assert [TryBlock(3, 5, ()).holds(line) for line in (2, 3, 4, 5)] == [False, True, True, False]
    assert IfBlock(3, 5, ("token",)).holds(4)
    assert not Scope().in_try(1)
