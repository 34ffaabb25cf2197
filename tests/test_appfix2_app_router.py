"""``app.router`` of a ``FastAPI()`` is the app's own root router (``FastAPI.include_router``
is ``self.router.include_router``): includes, decorators and ``add_api_route`` on it are the
app's registrations (trial 6 repro 11). Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import fastapi_truth

MAIN = """\
from fastapi import FastAPI

from app.admin import router

app = FastAPI()
app.router.include_router(router, prefix="/admin")


@app.router.get("/stats")
def stats() -> dict:
    return {}


def version() -> dict:
    return {}


app.router.add_api_route("/version", version, methods=["GET"])
"""

ADMIN = """\
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="/token")
router = APIRouter()


@router.post("/reindex")
def reindex(token: Annotated[str, Depends(oauth2)]) -> dict:
    return {}


@router.post("/purge")
def purge() -> dict:
    return {}
"""

# ``other.router`` of something that is no app stays an include the analysis cannot follow
OTHER = """\
from fastapi import FastAPI

import somelib
from app.admin import router

app = FastAPI()
somelib.thing.router.include_router(router, prefix="/x")
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {"app/__init__.py": "", "app/main.py": MAIN, "app/admin.py": ADMIN}
    return write_project(tmp_path_factory.mktemp("appfix2") / "p", files, select=["BK101"])


def test_registrations_on_app_router_are_the_apps(project: Path) -> None:
    result = analyze([project])
    rows = {(r.methods[0], r.path, r.app, r.auth, r.notes) for r in result.routes}
    assert rows == {
        ("POST", "/admin/purge", "app.main:app", "none", ()),
        ("POST", "/admin/reindex", "app.main:app", "required", ()),
        ("GET", "/stats", "app.main:app", "none", ()),
        ("GET", "/version", "app.main:app", "none", ()),
    }
    assert sorted((f.code, f.path, f.line) for f in result.findings) == [
        ("BK101", "app/admin.py", 15),
        ("BK101", "app/main.py", 9),
        ("BK101", "app/main.py", 18),
    ]


def test_against_fastapi(project: Path) -> None:
    result = analyze([project])
    mine = {(r.methods[0], r.path, r.auth != "none") for r in result.routes}
    assert mine == fastapi_truth(project, "app.main:app")


def test_router_attribute_of_something_else_is_not_the_app(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/main.py": OTHER, "app/admin.py": ADMIN}
    result = analyze([write_project(tmp_path / "p", files, select=["BK101"])])
    rows = {(r.path, r.app, r.auth) for r in result.routes}
    assert rows == {("/purge", "", "unknown"), ("/reindex", "", "required")}
    assert not result.findings
