"""BK208 undocumented-error: responses merged along the include chain, and a message that
names every missing code and the dependency raising it."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from backendkit.rules.errors import _DEPENDENCY, _ROUTER_DEPENDENCY
from helpers import write_project

ITEMS = """\
from fastapi import APIRouter, HTTPException

router = APIRouter()


@router.get("/items/{item_id}")
def read(item_id: int) -> int:
    if item_id < 0:
        raise HTTPException(status_code=404)
    return item_id
"""

MAIN = """\
from fastapi import FastAPI

from app import items

app = FastAPI()
admin = FastAPI()
app.include_router(items.router, responses={404: {"description": "No item"}})
admin.include_router(items.router)
"""


def _findings(tmp_path: Path, files: dict[str, str]) -> list:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", **files}, select=["BK208"])
    return analyze([root]).findings


def test_message_names_all_codes_and_the_dependency(tmp_path: Path) -> None:
    (finding,) = _findings(tmp_path, {"app/main.py": _DEPENDENCY})
    assert "raises HTTP 404 (from dependency get_item), 409 but" in finding.message
    assert "responses={404: {'description': ...}, 409: {'description': ...}}" in finding.message


def test_router_documented_on_one_include_only_is_reported(tmp_path: Path) -> None:
    """FastAPI merges an include's responses only into the routes of that include."""
    assert len(_findings(tmp_path, {"app/items.py": ITEMS, "app/main.py": MAIN})) == 1
    both = MAIN.replace(
        "admin.include_router(items.router)",
        "admin.include_router(items.router, responses={404: {}})",
    )
    assert _findings(tmp_path / "b", {"app/items.py": ITEMS, "app/main.py": both}) == []


def test_router_and_include_dependencies_are_collected(tmp_path: Path) -> None:
    """Statuses raised by a router's ``dependencies=`` and by an ``include_router(...,
    dependencies=...)`` are the route's too; the message names the dependency raising each."""
    (finding,) = _findings(tmp_path, {"app/main.py": _ROUTER_DEPENDENCY})
    assert "HTTP 404 (from dependency check_tenant), 429 (from dependency check_quota)" in (
        finding.message
    )


def test_app_dependencies_reach_routes_of_included_routers(tmp_path: Path) -> None:
    """``FastAPI(dependencies=...)`` runs before every route of the routers it includes."""
    main = _ROUTER_DEPENDENCY.replace("app = FastAPI()", "").replace(
        "router = APIRouter(dependencies=[Depends(check_tenant)])",
        "router = APIRouter()\napp = FastAPI(dependencies=[Depends(check_tenant)])",
    )
    main = main.replace(", dependencies=[Depends(check_quota)]", "")
    (finding,) = _findings(tmp_path, {"app/main.py": main})
    assert "HTTP 404 (from dependency check_tenant)" in finding.message
    assert "429" not in finding.message
