"""A router factory called with static arguments (``make_crud_router("items")``) builds a new
router at each call: each include gets that call's prefix, route paths and dependencies
(trial 6 repro 12). An argument that is not static keeps the one router with its computed
prefix. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import fastapi_truth

CRUD = """\
from fastapi import APIRouter


def make_crud_router(name: str, dependencies: list | None = None) -> APIRouter:
    prefix = f"/{name}"
    router = APIRouter(prefix=prefix, tags=[name], dependencies=dependencies)

    @router.get("/")
    def list_all() -> list[str]:
        return []

    @router.delete("/{item_id}")
    def delete_one(item_id: int) -> None:
        return None

    return router


def make_status_router(name: str) -> APIRouter:
    router = APIRouter()

    @router.get(f"/{name}/status")
    def status() -> dict:
        return {}

    return router
"""

MAIN = """\
import os

from fastapi import Depends, FastAPI
from fastapi.security import HTTPBearer

from app.crud import make_crud_router, make_status_router

bearer = HTTPBearer()
app = FastAPI()
app.include_router(make_crud_router("items"), prefix="/api/v1")
orders = make_crud_router("orders", dependencies=[Depends(bearer)])
app.include_router(orders, prefix="/api/v1")
for kind in ("jobs", "runs"):
    app.include_router(make_status_router(kind))
"""

# one call whose argument is not static: today's computed prefix, no invented paths
DYNAMIC = """\
import os

from fastapi import FastAPI

from app.crud import make_crud_router

app = FastAPI()
app.include_router(make_crud_router(os.environ["RESOURCE"]))
"""

NONE = "none"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {"app/__init__.py": "", "app/main.py": MAIN, "app/crud.py": CRUD}
    return write_project(tmp_path_factory.mktemp("appfix2") / "p", files, select=["BK101"])


def test_one_router_per_factory_call(project: Path) -> None:
    result = analyze([project])
    rows = {(r.methods[0], r.path, r.app, r.auth) for r in result.routes}
    assert rows == {
        ("GET", "/api/v1/items/", "app.main:app", NONE),
        ("DELETE", "/api/v1/items/{item_id}", "app.main:app", NONE),
        ("GET", "/api/v1/orders/", "app.main:app", "required"),
        ("DELETE", "/api/v1/orders/{item_id}", "app.main:app", "required"),
        ("GET", "/jobs/status", "app.main:app", NONE),
        ("GET", "/runs/status", "app.main:app", NONE),
    }
    assert all(r.path_resolved for r in result.routes)


def test_open_routes_are_reported_once_per_declaration(project: Path) -> None:
    result = analyze([project])
    assert sorted((f.code, f.path, f.line) for f in result.findings) == [
        ("BK101", "app/crud.py", 8),
        ("BK101", "app/crud.py", 12),
        ("BK101", "app/crud.py", 22),
    ]


def test_against_fastapi(project: Path) -> None:
    result = analyze([project])
    mine = {(r.methods[0], r.path, r.auth != NONE) for r in result.routes}
    assert mine == fastapi_truth(project, "app.main:app")


def test_argument_not_static_keeps_the_computed_prefix(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/main.py": DYNAMIC, "app/crud.py": CRUD}
    result = analyze([write_project(tmp_path / "p", files)])
    paths = sorted((r.path, r.path_resolved) for r in result.routes if r.app == "app.main:app")
    assert paths == [("{?prefix}/", False), ("{?prefix}/{item_id}", False)]
