"""Routes declared as route objects (``APIRoute("/path", handler, methods=["POST"])``, and
``APIWebSocketRoute``, Starlette's ``Route``, ``WebSocketRoute`` and ``Mount``) given to an app
or router in its ``routes=`` list, or added to its route list (``app.router.routes.append``),
are routes of the inventory, with their auth status, and BK101 reports the open ones (mlserver
served 22 routes this way that the inventory did not list). Each form is checked against what
FastAPI serves: a route object is built before the object holding it has it, so that object's
own ``prefix=`` and ``dependencies=`` do not apply to it, while those of the includes, routers
and apps above it do."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from backendkit.result import AnalysisResult
from helpers import write_project
from truth import fastapi_routes, imported_app

APP = "app.main:app"
#: (method, path, auth)
Row = tuple[str, str, str]

AUTH = """\
from fastapi.security import HTTPBearer

bearer = HTTPBearer()
"""

HANDLERS = """\
from fastapi import WebSocket
from pydantic import BaseModel


class Item(BaseModel):
    name: str


async def wipe() -> dict:
    return {"deleted": True}


async def read_item(item_id: int) -> dict:
    return {"id": item_id}


def create_item(item: Item) -> Item:
    return item


async def feed(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.close()


class Endpoints:
    async def infer(self, model_name: str) -> dict:
        return {"model": model_name}

    async def live(self) -> dict:
        return {}

    async def load(self, model_name: str) -> dict:
        return {"loaded": model_name}
"""

# a project ``route_class`` as mlserver's, and one whose ``__init__`` adds a dependency
ROUTING = """\
from fastapi import Depends
from fastapi.routing import APIRoute as FastAPIRoute

from app.auth import bearer


class APIRoute(FastAPIRoute):
    def __init__(self, *args, response_model_exclude_none=True, **kwargs):
        super().__init__(*args, response_model_exclude_none=response_model_exclude_none, **kwargs)


class GuardedRoute(FastAPIRoute):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, dependencies=[Depends(bearer)], **kwargs)
"""

INLINE = """\
from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute

from app.auth import bearer
from app.handlers import Item, create_item, feed, read_item, wipe

app = FastAPI(
    dependencies=[Depends(bearer)],
    routes=[
        APIRoute("/admin/wipe", wipe, methods=["POST"]),
        APIRoute("/items/{item_id}", read_item, dependencies=[Depends(bearer)]),
        APIRoute(
            path="/items",
            endpoint=create_item,
            methods=["POST"],
            status_code=201,
            response_model=Item,
            dependencies=[Depends(bearer)],
        ),
        APIWebSocketRoute("/feed", feed),
    ],
)


@app.get("/me")
def me() -> dict:
    return {}
"""

FACTORY = """\
from fastapi import FastAPI

from app.handlers import Endpoints, wipe
from app.routing import APIRoute, GuardedRoute


def create_app() -> FastAPI:
    endpoints = Endpoints()
    routes = [
        APIRoute("/v2/models/{model_name}/infer", endpoints.infer, methods=["POST"]),
        APIRoute("/v2/health/live", endpoints.live),
    ]
    routes += [
        GuardedRoute("/v2/repository/models/{model_name}/load", endpoints.load, methods=["POST"]),
    ]
    routes.append(APIRoute("/admin/wipe", wipe, methods=["POST"]))
    return FastAPI(routes=routes)


app = create_app()
"""

URLS = """\
from fastapi import Depends
from fastapi.routing import APIRoute

from app.auth import bearer
from app.handlers import read_item, wipe

ROUTES = [
    APIRoute("/admin/wipe", wipe, methods=["POST"]),
    APIRoute("/items/{item_id}", read_item, dependencies=[Depends(bearer)]),
]
"""

MODULE_LIST = """\
from fastapi import FastAPI

from app.urls import ROUTES

app = FastAPI(routes=ROUTES)
"""

API = """\
from fastapi import APIRouter, Depends

from app.auth import bearer
from app.urls import ROUTES

router = APIRouter(prefix="/ignored", dependencies=[Depends(bearer)], routes=ROUTES)
inner = APIRouter(routes=ROUTES)
outer = APIRouter(prefix="/outer", dependencies=[Depends(bearer)])
outer.include_router(inner, prefix="/in")
"""

ROUTERS = """\
from fastapi import Depends, FastAPI

from app.api import outer, router
from app.auth import bearer

app = FastAPI()
app.include_router(router, prefix="/open")
app.include_router(router, prefix="/guarded", dependencies=[Depends(bearer)])
app.include_router(outer)
"""

APPENDS = """\
from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute

from app.auth import bearer
from app.handlers import feed, read_item, wipe

app = FastAPI(dependencies=[Depends(bearer)])
app.router.routes.append(APIRoute("/admin/wipe", wipe, methods=["POST"]))
app.routes.append(APIRoute("/items/{item_id}", read_item, dependencies=[Depends(bearer)]))

router = APIRouter(prefix="/ignored", dependencies=[Depends(bearer)])
router.routes.extend(
    [
        APIRoute("/reports", wipe, methods=["DELETE"]),
        APIRoute("/reports/{item_id}", read_item, dependencies=[Depends(bearer)]),
    ]
)
router.routes.insert(0, APIWebSocketRoute("/feed", feed))
app.include_router(router, prefix="/r")


def attach(target: FastAPI) -> None:
    target.router.routes.append(APIRoute("/attached", wipe, methods=["DELETE"]))


attach(app)
"""

STARLETTE = """\
from fastapi import FastAPI
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from app.handlers import feed

sub = FastAPI()


@sub.delete("/cache")
def clear_cache() -> dict:
    return {}


async def hello(request) -> PlainTextResponse:
    return PlainTextResponse("hello")


app = FastAPI(
    routes=[
        Route("/hello", hello),
        WebSocketRoute("/ws", feed),
        Mount("/sub", app=sub),
        Mount("/static", app=StaticFiles(directory="static", check_dir=False)),
    ]
)
"""

# route objects in lists no app or router is given: no routes
UNUSED = """\
from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.handlers import wipe
from app.urls import ROUTES

spare = []
spare.append(APIRoute("/admin/drop", wipe, methods=["POST"]))
spare.extend(ROUTES)
app = FastAPI()
"""


def _write(tmp_path: Path, main: str, **extra: str) -> Path:
    files = {
        "app/__init__.py": "",
        "app/auth.py": AUTH,
        "app/handlers.py": HANDLERS,
        "app/routing.py": ROUTING,
        "app/urls.py": URLS,
        "app/main.py": main,
        **{f"app/{name}.py": text for name, text in extra.items()},
    }
    return write_project(tmp_path / "p", files, select=["BK101"])


def _truth(root: Path) -> set[Row]:
    """What FastAPI serves (APIRoute and APIWebSocketRoute routes, mounted apps included)."""
    return {(r.method, r.path, r.auth) for r in fastapi_routes(root, APP)}


def _engine(result: AnalysisResult) -> set[Row]:
    """backendkit's routes of the app, one row per method (mounted ASGI apps left out)."""
    return {
        (method, r.path, r.auth)
        for r in result.routes
        if r.app == APP and r.kind in ("http", "websocket")
        for method in r.methods
    }


def _bk101(result: AnalysisResult) -> set[tuple[str, int]]:
    return {(f.path, f.line) for f in result.findings if f.code == "BK101"}


def _line(root: Path, rel: str, text: str) -> int:
    """The line of ``rel`` that holds ``text`` (once)."""
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    (found,) = [number for number, line in enumerate(lines, 1) if text in line]
    return found


@pytest.fixture(scope="module")
def inline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AnalysisResult]:
    root = _write(tmp_path_factory.mktemp("inline"), INLINE)
    return root, analyze([root], use_cache=False)


def test_inline_route_objects_are_routes(inline: tuple[Path, AnalysisResult]) -> None:
    """Positional and keyword arguments, a websocket route; the app's own ``dependencies=``
    guard only the route it builds (``@app.get``), not the route objects it is given."""
    root, result = inline
    expected = {
        ("POST", "/admin/wipe", "none"),
        ("GET", "/items/{item_id}", "required"),
        ("POST", "/items", "required"),
        ("WEBSOCKET", "/feed", "none"),
        ("GET", "/me", "required"),
    }
    assert _truth(root) == expected
    assert _engine(result) == expected
    (created,) = [r for r in result.routes if r.path == "/items"]
    assert (created.status_code, created.response_model) == (201, "Item")
    assert created.handler == "app.handlers:create_item"
    # reported at the line of ``APIRoute(``, the one before its first keyword
    assert created.line == _line(root, "app/main.py", 'path="/items"') - 1


def test_a_note_says_the_apps_dependencies_do_not_apply(
    inline: tuple[Path, AnalysisResult],
) -> None:
    _root, result = inline
    (wiped,) = [r for r in result.routes if r.path == "/admin/wipe"]
    assert wiped.notes == (
        "a route object given whole: the dependencies= of app.main:app do not apply to it "
        "(FastAPI adds them only to the routes it builds)",
    )
    (me,) = [r for r in result.routes if r.path == "/me"]
    assert me.notes == ()


def test_bk101_reports_open_route_objects(inline: tuple[Path, AnalysisResult]) -> None:
    root, result = inline
    assert _bk101(result) == {
        ("app/main.py", _line(root, "app/main.py", '"/admin/wipe"')),
        ("app/main.py", _line(root, "app/main.py", '"/feed"')),
    }


def test_a_list_built_in_a_factory_with_project_route_classes(tmp_path: Path) -> None:
    """mlserver's shape: a local list grown with ``+=`` and ``append``, a project subclass of
    ``APIRoute`` (one adding a dependency in its ``__init__``), methods of an instance as
    endpoints, ``return FastAPI(routes=routes)``."""
    root = _write(tmp_path, FACTORY)
    result = analyze([root], use_cache=False)
    expected = {
        ("POST", "/v2/models/{model_name}/infer", "none"),
        ("GET", "/v2/health/live", "none"),
        ("POST", "/v2/repository/models/{model_name}/load", "required"),
        ("POST", "/admin/wipe", "none"),
    }
    assert _truth(root) == expected
    assert _engine(result) == expected
    handlers = {r.path: r.handler for r in result.routes}
    assert handlers["/v2/models/{model_name}/infer"] == "app.handlers:Endpoints.infer"
    assert ("app/main.py", _line(root, "app/main.py", '"/admin/wipe"')) in _bk101(result)


def test_a_module_list_from_another_module(tmp_path: Path) -> None:
    root = _write(tmp_path, MODULE_LIST)
    result = analyze([root], use_cache=False)
    expected = {("POST", "/admin/wipe", "none"), ("GET", "/items/{item_id}", "required")}
    assert _truth(root) == expected
    assert _engine(result) == expected
    assert _bk101(result) == {("app/urls.py", _line(root, "app/urls.py", '"/admin/wipe"'))}


def test_router_given_routes_then_included(tmp_path: Path) -> None:
    """The router's own ``prefix=`` and ``dependencies=`` do not apply to its route objects;
    the include's, and those of a router above it, do."""
    root = _write(tmp_path, ROUTERS, api=API)
    result = analyze([root], use_cache=False)
    expected = {
        ("POST", "/open/admin/wipe", "none"),
        ("GET", "/open/items/{item_id}", "required"),
        ("POST", "/guarded/admin/wipe", "required"),
        ("GET", "/guarded/items/{item_id}", "required"),
        ("POST", "/outer/in/admin/wipe", "required"),
        ("GET", "/outer/in/items/{item_id}", "required"),
    }
    assert _truth(root) == expected
    assert _engine(result) == expected
    # the endpoint is reported once, at its route object, naming its other paths
    (finding,) = [f for f in result.findings if f.code == "BK101"]
    assert (finding.path, finding.line) == ("app/urls.py", _line(root, "app/urls.py", "wipe,"))
    assert "/open/admin/wipe" in finding.message


def test_route_lists_appended_to(tmp_path: Path) -> None:
    """``app.router.routes.append``, ``app.routes.append``, ``router.routes.extend`` and
    ``.insert``, and an append on the app a helper is given."""
    root = _write(tmp_path, APPENDS)
    result = analyze([root], use_cache=False)
    expected = {
        ("POST", "/admin/wipe", "none"),
        ("GET", "/items/{item_id}", "required"),
        ("DELETE", "/r/reports", "required"),
        ("GET", "/r/reports/{item_id}", "required"),
        ("WEBSOCKET", "/r/feed", "required"),
        ("DELETE", "/attached", "none"),
    }
    assert _truth(root) == expected
    assert _engine(result) == expected
    main = "app/main.py"
    assert _bk101(result) == {
        (main, _line(root, main, '"/admin/wipe"')),
        (main, _line(root, main, '"/attached"')),
    }


def test_starlette_route_classes(tmp_path: Path) -> None:
    """Starlette's ``Route`` and ``WebSocketRoute`` as ``add_route`` and
    ``add_websocket_route`` are read; ``Mount`` as ``mount``: a FastAPI app's routes under its
    path, another ASGI app one entry."""
    root = _write(tmp_path, STARLETTE)
    result = analyze([root], use_cache=False)
    assert _truth(root) == {("DELETE", "/sub/cache", "none")}  # FastAPI's own routes only
    with imported_app(root, APP) as app:
        assert TestClient(app).get("/hello").status_code == 200
        with TestClient(app).websocket_connect("/ws"):
            pass
    assert _engine(result) == {
        ("GET", "/hello", "none"),
        ("WEBSOCKET", "/ws", "none"),
        ("DELETE", "/sub/cache", "none"),
    }
    mounts = [(r.path, r.kind) for r in result.routes if r.kind == "mount"]
    assert mounts == [("/static", "mount")]


def test_route_lists_no_app_is_given_are_no_routes(tmp_path: Path) -> None:
    root = _write(tmp_path, UNUSED)
    result = analyze([root], use_cache=False)
    assert _truth(root) == set()
    assert result.routes == []
    assert _bk101(result) == set()
