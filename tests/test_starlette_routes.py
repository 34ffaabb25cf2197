"""Starlette routes in a FastAPI app (``add_route``, ``@router.route``, ``Route(...)``,
``add_websocket_route``): FastAPI resolves no dependencies for them, so the ``dependencies=``
of their router, includes and app protect nothing (a false-negative review's case: each
answered 200 without a credential under FastAPI's TestClient). FastAPI's own routes beside
them keep those dependencies; a Starlette endpoint's own check still counts."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

AUTH = """\
from fastapi import Header, HTTPException


def get_user(authorization: str | None = Header(None)) -> str:
    if not authorization:
        raise HTTPException(status_code=401)
    return authorization
"""

MAIN = """\
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.auth import get_user

app = FastAPI(dependencies=[Depends(get_user)])


async def export(request: Request) -> JSONResponse:
    return JSONResponse({"all": "data"})


app.add_route("/export", export)

router = APIRouter()


async def dump(request: Request) -> JSONResponse:
    return JSONResponse({"x": 1})


router.add_route("/dump", dump)
router.routes.append(Route("/dump2", dump))


@router.route("/dump3")
async def dump3(request: Request) -> JSONResponse:
    return JSONResponse({"x": 3})


@router.websocket_route("/feed")
async def feed(websocket) -> None:
    await websocket.accept()
    await websocket.send_text("all the data")


async def checked(request: Request) -> JSONResponse:
    if request.headers.get("x-token") != "expected":
        raise HTTPException(status_code=401)
    return JSONResponse({"ok": True})


router.add_route("/checked", checked)


def stats() -> dict[str, int]:
    return {}


router.add_api_route("/stats", stats)
app.include_router(router, prefix="/r", dependencies=[Depends(get_user)])


@app.get("/items")
def items() -> list[str]:
    return []
"""


def test_dependencies_do_not_reach_starlette_routes(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/auth.py": AUTH, "app/main.py": MAIN}
    root = write_project(tmp_path / "p", files, select=["BK101"])
    result = analyze([root], use_cache=False)
    auth = {(r.methods, r.path): r.auth for r in result.routes}
    assert auth == {
        (("GET",), "/export"): "none",
        (("GET",), "/r/dump"): "none",
        (("GET",), "/r/dump2"): "none",
        (("GET",), "/r/dump3"): "none",
        (("WEBSOCKET",), "/r/feed"): "none",
        (("GET",), "/r/checked"): "required",
        (("GET",), "/r/stats"): "required",
        (("GET",), "/items"): "required",
    }
    found = [(f.line, f.message) for f in result.findings]
    assert [line for line, _ in found] == [14, 23, 24, 27, 32]
    assert all("a Starlette route (add_route, route, websocket_route)" in m for _, m in found)


GRAPHQL = """\
from ariadne import make_executable_schema
from ariadne.asgi import GraphQL
from fastapi import Depends, FastAPI

from app.auth import get_user

schema = make_executable_schema("type Query { users: [String!]! }")
app = FastAPI(dependencies=[Depends(get_user)])
app.add_route("/graphql", GraphQL(schema), methods=["GET", "POST"])
"""


def test_a_graphql_app_on_a_starlette_route_is_unknown_not_protected(tmp_path: Path) -> None:
    """What an ASGI app served as a route checks is out of sight: ``unknown``, as a library's
    authenticator, not ``required`` by the app's dependencies it never runs."""
    files = {"app/__init__.py": "", "app/auth.py": AUTH, "app/main.py": GRAPHQL}
    root = write_project(tmp_path / "p", files, select=["BK101"])
    result = analyze([root], use_cache=False)
    assert [(r.path, r.auth) for r in result.routes] == [("/graphql", "unknown")]
