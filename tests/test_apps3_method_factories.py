"""An app returned by a method is an app, as one returned by a function is: ``app =
self._make_app()`` inside the class (agno's ``AgentOS.get_app``), ``Builder().build()`` and
``builder.build()`` for an instance of a project class. The returned ``FastAPI()`` keeps what the
method registered on it and is named after the variable it is bound to. Checked against
FastAPI's own ``app.routes`` and TestClient."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from backendkit.result import Route
from helpers import write_project
from truth import fastapi_truth, imported_app

MAIN = """\
from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import HTTPBearer

r1 = APIRouter()


@r1.get("/one")
def one() -> int:
    return 1


def get_session_router() -> APIRouter:
    router = APIRouter(dependencies=[Depends(HTTPBearer())])

    @router.delete("/sessions/{session_id}")
    def delete_session(session_id: str) -> None: ...

    return router


def get_info_router() -> APIRouter:
    router = APIRouter()

    @router.get("/info")
    def get_info() -> int:
        return 1

    return router


class OS:
    def _make_app(self) -> FastAPI:
        return FastAPI(title="os")

    def get_app(self) -> FastAPI:
        app = self._make_app()
        app.include_router(r1, prefix="/m")
        return app


class AgentOS:
    def _new(self) -> FastAPI:
        return FastAPI(title="agent")

    def _make_app(self) -> FastAPI:
        return self._new()

    def get_app(self) -> FastAPI:
        fastapi_app = self._make_app()
        routers = [get_session_router(), get_info_router()]
        for router in routers:
            self._add_router(fastapi_app, router)
        return fastapi_app

    def _add_router(self, fastapi_app: FastAPI, router: APIRouter) -> None:
        fastapi_app.include_router(router)


class Builder:
    def build(self) -> FastAPI:
        app = FastAPI()
        app.include_router(r1, prefix="/b")
        return app


app = OS().get_app()
agent_app = AgentOS().get_app()
built = Builder().build()
"""

INSTANCE = """\
from fastapi import APIRouter, FastAPI

r2 = APIRouter()


@r2.post("/two")
def two() -> int:
    return 2


class Factory:
    def __init__(self, title: str) -> None:
        self.title = title

    def make(self) -> FastAPI:
        return FastAPI(title=self.title)


factory = Factory("x")
served = factory.make()
served.include_router(r2, prefix="/v1")
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {"app/__init__.py": "", "app/main.py": MAIN, "app/inst.py": INSTANCE}
    return write_project(tmp_path_factory.mktemp("apps3") / "p", files, select=["BK101"])


def _rows(routes: list[Route]) -> set[tuple[str, str, str, str]]:
    return {(r.methods[0], r.path, r.app, r.auth) for r in routes}


def _triples(routes: list[Route], app: str) -> set[tuple[str, str, bool]]:
    return {(r.methods[0], r.path, r.auth != "none") for r in routes if r.app == app}


def test_apps_returned_by_methods(project: Path) -> None:
    """Every route belongs to the app its method returned, with FastAPI's paths."""
    result = analyze([project])
    assert _rows(result.routes) == {
        ("GET", "/m/one", "app.main:app", "none"),
        ("GET", "/b/one", "app.main:built", "none"),
        ("DELETE", "/sessions/{session_id}", "app.main:agent_app", "required"),
        ("GET", "/info", "app.main:agent_app", "none"),
        ("POST", "/v1/two", "app.inst:served", "none"),
    }
    assert all(not r.notes for r in result.routes)
    for ref in ("app.main:app", "app.main:agent_app", "app.main:built", "app.inst:served"):
        assert _triples(result.routes, ref) == fastapi_truth(project, ref), ref


def test_method_apps_against_fastapi(project: Path) -> None:
    with imported_app(project, "app.main:agent_app") as application:
        client = TestClient(application)
        assert application.title == "agent"
        assert client.get("/info").status_code == 200
        assert client.delete("/sessions/1").status_code in (401, 403)
    with imported_app(project, "app.main:app") as application:
        assert TestClient(application).get("/m/one").status_code == 200


def test_unprotected_routes_of_method_apps_are_reported(project: Path) -> None:
    """The open routes are reported (``/one`` once, for both paths it is served at); the
    DELETE behind the router's HTTPBearer is not."""
    result = analyze([project])
    found = sorted((f.code, f.path, f.line) for f in result.findings)
    assert found == [
        ("BK101", "app/inst.py", 6),
        ("BK101", "app/main.py", 7),
        ("BK101", "app/main.py", 24),
    ]
