"""An endpoint served at several paths (a sub-app mounted in either branch of an ``if``, a
router included twice): ``routes`` lists each path with a note naming the others, and a route
rule reports the endpoint once per problem, naming the other paths."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import fastapi_routes

ITEMS = """\
from fastapi import APIRouter

router = APIRouter(prefix="/items")


@router.delete("/{item_id}", status_code=204)
async def delete_item(item_id: int) -> None:
    return None


@router.post("/{item_id}/create-copy", status_code=204)
async def copy_item(item_id: int) -> None:
    return None
"""

ADMIN = """\
from fastapi import APIRouter

router = APIRouter(prefix="/admin")


@router.get("/stats")
async def stats() -> dict:
    return {}
"""

MAIN = """\
import os

from fastapi import Depends, FastAPI
from fastapi.security import HTTPBearer

from app import admin, items

BASE_PATH = os.environ.get("BASE_PATH")
bearer = HTTPBearer()

api_app = FastAPI()
api_app.include_router(items.router)
api_app.include_router(admin.router, prefix="/secure", dependencies=[Depends(bearer)])
api_app.include_router(admin.router, prefix="/open")

app = FastAPI()
if BASE_PATH:
    app.mount(BASE_PATH, app=api_app)
else:
    app.mount("/api", app=api_app)
"""


def _project(tmp_path: Path) -> Path:
    files = {
        "app/__init__.py": "",
        "app/items.py": ITEMS,
        "app/admin.py": ADMIN,
        "app/main.py": MAIN,
    }
    return write_project(tmp_path / "p", files, select=["BK101", "BK205"])


def test_routes_list_each_alternative_with_a_note(tmp_path: Path) -> None:
    """Both mount points are listed (FastAPI serves one or the other), each noting the
    other path and the condition."""
    root = _project(tmp_path)
    result = analyze([root])
    served = {r.triple for r in fastapi_routes(root, "app.main:app")}
    served_at_base = {
        r.triple for r in fastapi_routes(root, "app.main:app", env={"BASE_PATH": "/base"})
    }
    assert ("DELETE", "/api/items/{item_id}", False) in served
    assert ("DELETE", "/base/items/{item_id}", False) in served_at_base
    deletes = [r for r in result.routes if r.methods == ("DELETE",)]
    assert [(r.path, r.notes) for r in deletes] == [
        (
            "/api/items/{item_id}",
            (
                "included under a condition; reported as if the condition holds",
                "same endpoint also at {?BASE_PATH}/items/{item_id}",
            ),
        ),
        (
            "{?BASE_PATH}/items/{item_id}",
            (
                "part of the path is computed at run time",
                "included under a condition; reported as if the condition holds",
                "same endpoint also at /api/items/{item_id}",
            ),
        ),
    ]


def test_lint_reports_an_endpoint_once_per_problem(tmp_path: Path) -> None:
    """One BK101 per open endpoint naming its other path; the admin endpoint, protected at
    /secure and open at /open, is reported once for its open paths only; BK205 once."""
    result = analyze([_project(tmp_path)])
    found = [(f.code, f.path, f.line, f.message.split(" has ")[0]) for f in result.findings]
    assert found == [
        (
            "BK101",
            "app/admin.py",
            6,
            "Route GET /api/open/admin/stats (also at {?BASE_PATH}/open/admin/stats)",
        ),
        (
            "BK101",
            "app/items.py",
            6,
            "Route DELETE /api/items/{item_id} (also at {?BASE_PATH}/items/{item_id})",
        ),
        (
            "BK101",
            "app/items.py",
            11,
            "Route POST /api/items/{item_id}/create-copy (also at "
            "{?BASE_PATH}/items/{item_id}/create-copy)",
        ),
        (
            "BK205",
            "app/items.py",
            11,
            "Path /api/items/{item_id}/create-copy contains the "
            "verb 'create' (in 'create-copy'): let the HTTP method say what happens (POST on the "
            "resource's noun path)",
        ),
    ]
