"""Path joining as Starlette does it (``app.mount("/", sub)`` serves ``/items``, not
``//items``), and the public-route conventions past a prefix computed at run time (argilla's
``app.mount(settings.base_url, api)``): a ``{?...}`` prefix is a mount point, not a path
parameter. What follows it must still be conventional (``/token/revoke-all`` is not), and a
placeholder after the conventional segment cancels it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

SLASH = """\
from fastapi import FastAPI

api = FastAPI()


@api.get("/items")
def items() -> list[int]:
    return []


@api.get("/")
def root() -> int:
    return 1


app = FastAPI()
app.mount("/", api)
"""

PREFIX = """\
import os

from fastapi import APIRouter, FastAPI

api = FastAPI()
router = APIRouter()


@api.post("/api/v1/token")
def login() -> int:
    return 1


@api.get("/docs")
def docs() -> int:
    return 1


@api.post("/api/v1/token/revoke-all")
def revoke_all() -> int:
    return 1


@router.get("/health")
def health() -> int:
    return 1


api.include_router(router, prefix="/admin")
api.include_router(router, prefix="/login" + os.environ["SUFFIX"])
app = FastAPI()
app.mount(os.environ["BASE_URL"], api)
"""


def test_mount_at_root_joins_as_starlette(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": SLASH})
    with imported_app(root, "app.main:app") as application:
        assert TestClient(application).get("/items").status_code == 200
        assert application.routes[-1].path == ""  # Starlette strips the mount's '/'
        assert asyncio.run(_status(application, "//items")) == 404  # httpx would drop '//'
    paths = sorted(r.path for r in analyze([root]).routes)
    assert paths == ["/", "/items"]


def test_conventions_past_a_runtime_prefix(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/main.py": PREFIX}
    root = write_project(tmp_path / "p", files, select=["BK101"])
    result = analyze([root])
    base = "{?os.environ['BASE_URL']}"
    public = {r.path.removeprefix(base): r.public_reason for r in result.routes}
    assert public == {
        "/api/v1/token": "conventional: token",
        "/docs": "conventional: docs",
        "/api/v1/token/revoke-all": "",
        "/admin/health": "",
        "/{?login{os.environ['SUFFIX']}}/health": "conventional: health",
    }
    assert sorted(f.line for f in result.findings) == [19, 24]


async def _status(application: Any, path: str) -> int:
    """The status ``application`` answers a GET of ``path`` with, as an ASGI server asks."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("testclient", 1),
        "asgi": {"version": "3.0"},
    }
    await application(scope, receive, send)
    return sent[0]["status"]
