"""Apps and routers created or used inside class methods: ``self.router = APIRouter()`` in
``__init__`` with routes added in another method, an app handed from one method to another,
``@app.get`` inside a factory method or a staticmethod. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import engine_triples, fastapi_truth

SECURITY = """\
from fastapi.security import HTTPBearer

bearer = HTTPBearer()
"""

SERVER = """\
import fastapi
from fastapi import APIRouter, Depends

from app.security import bearer


class Server:
    def __init__(self) -> None:
        self._app = fastapi.FastAPI()
        self.router = APIRouter(prefix="/api", dependencies=[Depends(bearer)])
        self.open_router = APIRouter()
        self.setup_routes()
        self._app.include_router(self.router)
        self._configure(self._app, "/extra")

    def setup_routes(self) -> None:
        self.router.add_api_route("/reset", self.reset, methods=["POST"])
        self.open_router.add_api_route("/version", self.version, methods=["GET"])

    def _configure(self, app: fastapi.FastAPI, prefix: str) -> None:
        app.include_router(self.open_router, prefix=prefix)

        @app.delete("/items/{item_id}")
        async def delete_item(item_id: int) -> None:
            return None

    async def reset(self) -> bool:
        return True

    async def version(self) -> str:
        return "1"


server = Server()
"""

FACTORY = """\
from fastapi import APIRouter, Depends, FastAPI

from app.security import bearer


class App(FastAPI):
    @staticmethod
    def create_app() -> "App":
        app = App()
        router = APIRouter(prefix="/gradio_api")

        @router.post("/upload", dependencies=[Depends(bearer)])
        async def upload() -> dict:
            return {}

        @router.post("/queue")
        async def queue() -> dict:
            return {}

        app.include_router(router)
        return app


class AppFactory:
    def build(self) -> FastAPI:
        app = FastAPI()

        @app.get("/things")
        async def things() -> list:
            return []

        return app


gradio_app = App.create_app()
factory_app = AppFactory().build()
"""


def _project(tmp_path: Path) -> Path:
    files = {
        "app/__init__.py": "",
        "app/security.py": SECURITY,
        "app/server.py": SERVER,
        "app/factory.py": FACTORY,
    }
    return write_project(tmp_path / "p", files)


def test_self_attributes_and_method_parameters(tmp_path: Path) -> None:
    """``self.router`` set in ``__init__`` and filled in ``setup_routes``, included into
    ``self._app``; ``_configure`` receives the app and a prefix from ``self._configure(...)``:
    every route has FastAPI's path and auth, the open ones are reported."""
    root = _project(tmp_path)
    result = analyze([root])
    key = "app.server:Server.self._app"
    engine = engine_triples(result.routes, key)
    assert engine == fastapi_truth(root, "app.server:server._app")
    assert engine == {
        ("POST", "/api/reset", True),
        ("GET", "/extra/version", False),
        ("DELETE", "/items/{item_id}", False),
    }
    bk101 = sorted(f.line for f in result.findings if f.code == "BK101" and "server" in f.path)
    assert bk101 == [18, 23]  # the route under self.router's Depends(bearer) is not reported


def test_factory_method_and_staticmethod(tmp_path: Path) -> None:
    """``@app.get`` and ``app.include_router`` inside a method and a staticmethod."""
    root = _project(tmp_path)
    result = analyze([root])
    gradio = engine_triples(result.routes, "app.factory:gradio_app")
    assert gradio == fastapi_truth(root, "app.factory:gradio_app")
    assert gradio == {("POST", "/gradio_api/upload", True), ("POST", "/gradio_api/queue", False)}
    factory = engine_triples(result.routes, "app.factory:factory_app")
    assert factory == fastapi_truth(root, "app.factory:factory_app")
    assert factory == {("GET", "/things", False)}
    bk101 = sorted(f.line for f in result.findings if f.code == "BK101" and "factory" in f.path)
    assert bk101 == [16, 28]
