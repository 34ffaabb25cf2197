"""One router included into one app at the same prefix more than once (in both branches of an
``if``, or twice in a row) serves the same routes: the inventory lists each route once, and
when the includes add different dependencies, each include's dependencies are an alternative
of the other's (as a conditional dependency list's branches are): the route gets the weakest
status, so a branch that leaves it public is reported by BK101 (once, at the switch)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from backendkit import analyze
from backendkit.result import AnalysisResult
from helpers import write_project
from truth import fastapi_routes, imported_app

ITEMS = """\
from fastapi import APIRouter

router = APIRouter(prefix="/items")


@router.delete("/{item_id}")
def delete_item(item_id: int) -> int:
    return item_id
"""

HEAD = """\
import os

from fastapi import Depends, FastAPI
from fastapi.security import HTTPBearer

from app import items

auth = HTTPBearer()
app = FastAPI()
"""

NOTE = "included under a condition; reported as if the condition holds"


def _project(tmp_path: Path, main: str) -> tuple[Path, AnalysisResult]:
    files = {"app/__init__.py": "", "app/items.py": ITEMS, "app/main.py": HEAD + main}
    root = write_project(tmp_path / "p", files)
    return root, analyze([root], use_cache=False)


def _routes(result: AnalysisResult) -> list[tuple[str, str]]:
    return [(r.path, r.auth) for r in result.routes if r.app == "app.main:app"]


def _bk101(result: AnalysisResult) -> list[tuple[str, int]]:
    return [(f.path, f.line) for f in result.findings if f.code == "BK101"]


IF_ELSE = """\
if os.environ.get("PUBLIC") == "1":
    app.include_router(items.router)
else:
    app.include_router(items.router, dependencies=[Depends(auth)])
"""


def test_public_in_one_branch_is_one_route_reported_by_bk101(tmp_path: Path) -> None:
    """One route, not two; its status is the weakest branch's (``none``: FastAPI serves it
    without authentication when PUBLIC is set), with the conditional include's note; BK101
    reports it once."""
    root, result = _project(tmp_path, IF_ELSE)
    public = fastapi_routes(root, "app.main:app", {"PUBLIC": "1"})
    private = fastapi_routes(root, "app.main:app", {"PUBLIC": "0"})
    assert [(r.path, r.auth) for r in public] == [("/items/{item_id}", "none")]
    assert [(r.path, r.auth) for r in private] == [("/items/{item_id}", "required")]
    assert _routes(result) == [("/items/{item_id}", "none")]
    (route,) = [r for r in result.routes if r.app]
    assert route.notes == (NOTE,)
    assert route.dependencies == ("[] if ... else [Depends(auth)]",)
    # a configuration switch: reported once, at the include that decides it, naming the route
    assert _bk101(result) == [("app/main.py", 11)]
    assert "DELETE /items/{item_id}" in next(
        f.message for f in result.findings if f.code == "BK101"
    )


SAME_IN_BOTH = """\
if os.environ.get("V") == "1":
    app.include_router(items.router, dependencies=[Depends(auth)])
else:
    app.include_router(items.router, dependencies=[Depends(auth)])
"""


def test_the_same_include_in_both_branches_is_listed_once(tmp_path: Path) -> None:
    _root, result = _project(tmp_path, SAME_IN_BOTH)
    assert _routes(result) == [("/items/{item_id}", "required")]
    assert _bk101(result) == []


PROTECTED_BOTH = """\
if os.environ.get("V") == "1":
    app.include_router(items.router, dependencies=[Depends(auth)])
else:
    app.include_router(items.router, dependencies=[Depends(HTTPBearer())])
"""


def test_protected_in_each_branch_stays_required(tmp_path: Path) -> None:
    """Different dependencies, both authenticating: the alternatives do not weaken it."""
    _root, result = _project(tmp_path, PROTECTED_BOTH)
    assert _routes(result) == [("/items/{item_id}", "required")]
    assert _bk101(result) == []


OTHER_PREFIXES = """\
if os.environ.get("V") == "1":
    app.include_router(items.router, prefix="/v1")
else:
    app.include_router(items.router, prefix="/v2", dependencies=[Depends(auth)])
"""


def test_different_prefixes_stay_two_routes(tmp_path: Path) -> None:
    """Two paths are two routes, each with its own status; the public one is reported."""
    _root, result = _project(tmp_path, OTHER_PREFIXES)
    assert _routes(result) == [("/v1/items/{item_id}", "none"), ("/v2/items/{item_id}", "required")]
    assert _bk101(result) == [("app/items.py", 6)]


UNCONDITIONAL_THEN_GUARDED = """\
app.include_router(items.router)
if os.environ.get("V") == "1":
    app.include_router(items.router, dependencies=[Depends(auth)])
"""


def test_an_unconditional_include_keeps_the_route_unconditional(tmp_path: Path) -> None:
    """The route exists whatever the condition: no conditional note; public (FastAPI matches
    the first registration, which has no dependencies)."""
    root, result = _project(tmp_path, UNCONDITIONAL_THEN_GUARDED)
    truth = fastapi_routes(root, "app.main:app", {"V": "1"})
    assert [r.auth for r in truth] == ["none", "required"]
    assert _routes(result) == [("/items/{item_id}", "none")]
    (route,) = [r for r in result.routes if r.app]
    assert route.notes == ()
    assert _bk101(result) == [("app/items.py", 6)]


PROTECTED_THEN_PUBLIC = """\
app.include_router(items.router, dependencies=[Depends(auth)])
app.include_router(items.router)
"""


def test_an_unconditional_first_include_is_the_one_served(tmp_path: Path) -> None:
    """FastAPI registers both, but matches the first: the later, public one is never
    reached (an anonymous call is refused), and the route is listed once as ``required``."""
    root, result = _project(tmp_path, PROTECTED_THEN_PUBLIC)
    truth = fastapi_routes(root, "app.main:app")
    assert [r.auth for r in truth] == ["required", "none"]
    with imported_app(root, "app.main:app") as app:
        assert TestClient(app).delete("/items/1").status_code in (401, 403)
    assert _routes(result) == [("/items/{item_id}", "required")]
    assert _bk101(result) == []


GUARDED_THEN_PUBLIC = """\
if os.environ.get("V") == "1":
    app.include_router(items.router, dependencies=[Depends(auth)])
app.include_router(items.router)
"""


def test_a_conditional_first_include_leaves_the_later_one_serving(tmp_path: Path) -> None:
    """Without the condition the public include serves the route: ``none``, and the route
    exists either way (no conditional note)."""
    root, result = _project(tmp_path, GUARDED_THEN_PUBLIC)
    truth = fastapi_routes(root, "app.main:app", {"V": "0"})
    assert [(r.path, r.auth) for r in truth] == [("/items/{item_id}", "none")]
    assert _routes(result) == [("/items/{item_id}", "none")]
    (route,) = [r for r in result.routes if r.app]
    assert route.notes == ()
    # a configuration switch: reported once, at the include that decides it, naming the route
    assert _bk101(result) == [("app/main.py", 11)]
    assert "DELETE /items/{item_id}" in next(
        f.message for f in result.findings if f.code == "BK101"
    )
