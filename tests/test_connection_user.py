"""A dependency that rejects with a 401 when Starlette's authenticated user is missing
(``request.user``, ``conn.user`` of a parameter typed ``Request``, ``HTTPConnection`` or
``WebSocket``: what ``AuthenticationMiddleware`` put there) authenticates, also through a
helper it hands the request to (arize-phoenix's ``authenticated_claims(conn)``); ``.user`` of
anything else (a request body) does not. A conditionally appended dependency in a router
factory called with a literal is a configuration switch, reported once."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel
from starlette.requests import HTTPConnection


class AppUser:
    pass


class Body(BaseModel):
    user: str = ""


async def authenticated_claims(conn: HTTPConnection) -> object:
    if not isinstance((user := conn.user), AppUser):
        raise HTTPException(status_code=401, detail="Invalid token")
    return user


async def is_authenticated(request: Request) -> None:
    await authenticated_claims(request)


async def is_user(request: Request) -> None:
    if not request.user.is_authenticated:
        raise HTTPException(status_code=401)


async def body_user(body: Body) -> None:
    if not body.user:
        raise HTTPException(status_code=401)


def guard() -> None:
    return None


def create_router(authentication_enabled: bool) -> APIRouter:
    dependencies = [Depends(guard)]
    if authentication_enabled:
        dependencies.append(Depends(is_authenticated))
    router = APIRouter(prefix="/v1", dependencies=dependencies)

    @router.post("/sessions")
    async def create_session() -> dict:
        return {}

    return router


app = FastAPI()
app.include_router(create_router(True))


@app.get("/a", dependencies=[Depends(is_authenticated)])
def a() -> dict:
    return {}


@app.get("/b", dependencies=[Depends(is_user)])
def b() -> dict:
    return {}


@app.post("/c", dependencies=[Depends(body_user)])
def c() -> dict:
    return {}
"""


def test_the_authenticated_user_of_a_connection(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = analyze([root], use_cache=False)
    routes = {route.path: route for route in result.routes}
    assert {path: r.auth for path, r in routes.items()} == {
        "/a": "required",
        "/b": "required",
        "/c": "none",
        "/v1/sessions": "none",
    }
    assert routes["/a"].auth_chain[-1] == "app.main:is_authenticated (checks conn.user)"
    assert routes["/b"].auth_chain[-1] == "app.main:is_user (checks request.user)"
    switch = 1 + next(n for n, line in enumerate(MAIN.splitlines()) if 'prefix="/v1"' in line)
    found = {f.line: f.message for f in result.findings if f.code == "BK101"}
    assert sorted(found) == sorted([switch, routes["/c"].line])
    assert found[switch].startswith("Configuration switch")
    assert "POST /v1/sessions" in found[switch]
