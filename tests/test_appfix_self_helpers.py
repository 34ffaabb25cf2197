"""Routes added by a helper that a method hands ``self`` to (xinference's
``register_all_routes(self)`` -> ``models.register_routes(api)`` -> ``router = api._router;
router.add_api_route(...)``): the helper's parameter is the instance, so ``api._router`` is the
``APIRouter`` the class holds in ``self._router``, and ``api.list_models`` its method. One hop
and two hops; an attribute the class does not set, and a helper given an object without one,
add no route. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.result import Route
from helpers import write_project
from truth import fastapi_truth

API = """\
from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import HTTPBearer

from pkg.admin import register_admin
from pkg.routers import register_all_routes


class RESTfulAPI:
    extra_enabled = False

    def __init__(self) -> None:
        self._app = FastAPI()
        self._router = APIRouter()
        self._admin = APIRouter(dependencies=[Depends(HTTPBearer())])

    async def status(self) -> dict:
        return {}

    async def list_models(self) -> list[str]:
        return []

    async def terminate_model(self, model_uid: str) -> None:
        return None

    def serve(self) -> FastAPI:
        self._router.add_api_route("/status", self.status, methods=["GET"])
        register_all_routes(self)
        register_admin(self)
        self._app.include_router(self._router)
        self._app.include_router(self._admin, prefix="/admin")
        return self._app
"""

ROUTERS = """\
from __future__ import annotations

from typing import TYPE_CHECKING

from pkg.routers import models

if TYPE_CHECKING:
    from pkg.api import RESTfulAPI


def register_all_routes(api: RESTfulAPI) -> None:
    models.register_routes(api)
"""

MODELS = """\
def register_routes(api: "RESTfulAPI") -> None:
    router = api._router
    router.add_api_route("/v1/models", api.list_models, methods=["GET"])
    router.add_api_route("/v1/models/{model_uid}", api.terminate_model, methods=["DELETE"])
    if api.extra_enabled:  # False: FastAPI never runs it; the class sets no _missing
        api._missing.add_api_route("/ghost", api.list_models, methods=["GET"])
"""

ADMIN = """\
def register_admin(api) -> None:
    api._admin.add_api_route("/models/{model_uid}", api.terminate_model, methods=["DELETE"])
"""

# a class without a router hands itself to a helper: nothing to register on
PLAIN = """\
class Plain:
    def go(self) -> None:
        register_extra(self)


def register_extra(api) -> None:
    api._router.add_api_route("/extra", api.go, methods=["GET"])
"""

LIVE = """\
from pkg.api import RESTfulAPI

app = RESTfulAPI().serve()
"""

APP = "pkg.api:RESTfulAPI.self._app"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {
        "pkg/__init__.py": "",
        "pkg/api.py": API,
        "pkg/admin.py": ADMIN,
        "pkg/routers/__init__.py": ROUTERS,
        "pkg/routers/models.py": MODELS,
        "pkg/plain.py": PLAIN,
        "pkg/live.py": LIVE,
    }
    return write_project(tmp_path_factory.mktemp("appfix") / "p", files, select=["BK101"])


def _rows(routes: list[Route]) -> set[tuple[str, str, str, str]]:
    return {(r.methods[0], r.path, r.app, r.auth) for r in routes}


def test_routes_of_helpers_given_self_are_on_the_app(project: Path) -> None:
    result = analyze([project])
    assert _rows(result.routes) == {
        ("GET", "/status", APP, "none"),
        ("GET", "/v1/models", APP, "none"),
        ("DELETE", "/v1/models/{model_uid}", APP, "none"),
        ("DELETE", "/admin/models/{model_uid}", APP, "required"),
    }
    assert all(not r.notes for r in result.routes)
    handlers = {r.path: r.handler for r in result.routes}
    assert handlers["/v1/models"] == "pkg.api:RESTfulAPI.list_models"
    assert handlers["/admin/models/{model_uid}"] == "pkg.api:RESTfulAPI.terminate_model"


def test_open_routes_are_reported(project: Path) -> None:
    result = analyze([project])
    assert sorted((f.code, f.path, f.line) for f in result.findings) == [
        ("BK101", "pkg/api.py", 26),
        ("BK101", "pkg/routers/models.py", 3),
        ("BK101", "pkg/routers/models.py", 4),
    ]


def test_against_fastapi(project: Path) -> None:
    result = analyze([project])
    mine = {(r.methods[0], r.path, r.auth != "none") for r in result.routes}
    assert mine == fastapi_truth(project, "pkg.live:app")


ONE_HOP = {
    "app/__init__.py": "",
    "app/api.py": """\
from fastapi import APIRouter, FastAPI

from app.routes import register_routes


class RESTfulAPI:
    def __init__(self) -> None:
        self._app = FastAPI()
        self._router = APIRouter()

    async def list_models(self) -> list[str]:
        return []

    async def terminate_model(self, model_uid: str) -> None:
        return None

    def serve(self) -> FastAPI:
        self._router.add_api_route("/status", self.list_models, methods=["GET"])
        register_routes(self)
        self._app.include_router(self._router)
        return self._app
""",
    "app/routes.py": """\
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.api import RESTfulAPI


def register_routes(api: RESTfulAPI) -> None:
    router = api._router
    router.add_api_route("/v1/models", api.list_models, methods=["GET"])
    router.add_api_route("/v1/models/{model_uid}", api.terminate_model, methods=["DELETE"])
""",
}


def test_trial_reproduction(tmp_path: Path) -> None:
    """/tmp/trial6/repro/04: the two routes of ``register_routes(self)`` were missing."""
    root = write_project(tmp_path / "p", ONE_HOP, select=["BK101"])
    result = analyze([root])
    app = "app.api:RESTfulAPI.self._app"
    assert _rows(result.routes) == {
        ("GET", "/status", app, "none"),
        ("GET", "/v1/models", app, "none"),
        ("DELETE", "/v1/models/{model_uid}", app, "none"),
    }
    assert sorted((f.path, f.line) for f in result.findings) == [
        ("app/api.py", 18),
        ("app/routes.py", 11),
        ("app/routes.py", 12),
    ]


ATTRIBUTE_HANDED = {
    "pkg/__init__.py": "",
    "pkg/a.py": """\
from fastapi import APIRouter, FastAPI

router = APIRouter()


@router.get("/r")
def r() -> dict:
    return {}


def attach(app):
    app.include_router(router)


def decorate(app: FastAPI):
    @app.get("/d")
    def d() -> dict:
        return {}


class Server:
    def __init__(self) -> None:
        self._app = FastAPI()

    def setup(self) -> FastAPI:
        attach(self._app)
        decorate(app=self._app)
        return self._app
""",
}


def test_attribute_of_self_handed_to_helpers(tmp_path: Path) -> None:
    """``attach(self._app)``, ``decorate(app=self._app)``: the helpers' parameter is the app
    the class holds (the router was an orphan and ``/d`` was missing)."""
    root = write_project(tmp_path / "p", ATTRIBUTE_HANDED)
    result = analyze([root])
    app = "pkg.a:Server.self._app"
    assert _rows(result.routes) == {("GET", "/r", app, "none"), ("GET", "/d", app, "none")}
