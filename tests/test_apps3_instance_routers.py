"""A router held in an instance attribute of a project class: ``self.router = APIRouter()`` in
``__init__`` (routes added in another method) and ``app.include_router(obj.router,
prefix="/api")`` for ``obj = OllamaAPI(...)`` (LightRAG's Ollama API). It is the router the
class's methods register on, included under the app's prefix; attributes the class does not
set, and those of library objects, stay opaque. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from backendkit.result import Route
from helpers import write_project
from truth import fastapi_truth, imported_app

OLLAMA = """\
from fastapi import APIRouter, Depends
from fastapi.security import HTTPBearer


class OllamaAPI:
    def __init__(self, top_k: int = 60):
        self.top_k = top_k
        self.router = APIRouter(tags=["ollama"])
        self.admin = APIRouter(dependencies=[Depends(HTTPBearer())])
        self.setup_routes()

    def setup_routes(self):
        @self.router.post("/chat")
        async def chat():
            return {"ok": True}

        @self.router.delete("/models/{name}")
        async def delete_model(name: str) -> None: ...

        @self.admin.delete("/admin/{name}")
        async def delete_admin(name: str) -> None: ...
"""

MAIN = """\
from fastapi import FastAPI

from pkg.ollama import OllamaAPI


def create_app() -> FastAPI:
    app = FastAPI()
    ollama_api = OllamaAPI(top_k=5)
    app.include_router(ollama_api.router, prefix="/api")
    app.include_router(ollama_api.admin)
    return app


app = create_app()
"""

# a library object's attribute (never imported: OrderedDict has no router)
OTHER = """\
from collections import OrderedDict

from fastapi import FastAPI

other = FastAPI()
store = OrderedDict()
other.include_router(store.router)
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {
        "pkg/__init__.py": "",
        "pkg/ollama.py": OLLAMA,
        "pkg/main.py": MAIN,
        "pkg/other.py": OTHER,
    }
    return write_project(tmp_path_factory.mktemp("apps3") / "p", files, select=["BK101"])


def _rows(routes: list[Route]) -> set[tuple[str, str, str, str]]:
    return {(r.methods[0], r.path, r.app, r.auth) for r in routes if r.kind != "mount"}


def test_instance_router_is_included_with_its_prefix(project: Path) -> None:
    result = analyze([project])
    assert _rows(result.routes) == {
        ("POST", "/api/chat", "pkg.main:app", "none"),
        ("DELETE", "/api/models/{name}", "pkg.main:app", "none"),
        ("DELETE", "/admin/{name}", "pkg.main:app", "required"),
        ("*", "/", "pkg.other:other", "none"),
    }
    mine = [r for r in result.routes if r.app == "pkg.main:app"]
    assert all(not r.notes for r in mine)
    triples = {(r.methods[0], r.path, r.auth != "none") for r in mine}
    assert triples == fastapi_truth(project, "pkg.main:app")


def test_library_attribute_stays_opaque(project: Path) -> None:
    """``store.router`` of a library object is still a router the analysis cannot see."""
    result = analyze([project])
    [row] = [r for r in result.routes if r.app == "pkg.other:other"]
    assert row.notes == (
        "router from a library call or computed at run time: its routes are not analysed",
    )


def test_only_the_open_routes_are_reported(project: Path) -> None:
    """``/api/chat`` and ``/api/models/{name}`` are open; the admin DELETE is not."""
    result = analyze([project])
    assert sorted((f.code, f.path, f.line) for f in result.findings) == [
        ("BK101", "pkg/ollama.py", 13),
        ("BK101", "pkg/ollama.py", 17),
    ]


def test_instance_router_against_fastapi(project: Path) -> None:
    with imported_app(project, "pkg.main:app") as application:
        client = TestClient(application)
        assert client.post("/api/chat").status_code == 200
        assert client.post("/chat").status_code == 404
        assert client.delete("/admin/x").status_code in (401, 403)
