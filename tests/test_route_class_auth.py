"""Authentication in a router's custom route class (``APIRouter(route_class=AuthRoute)``, whose
``get_route_handler`` returns a handler that checks a credential before the endpoint runs), the
pattern of FastAPI's "Custom Request and APIRoute class" docs that mlflow's assistant API uses
for its 11 routes. Nothing read ``route_class=``: the routes were ``none`` with a false BK101.
Checked against FastAPI: anonymous callers get the route class's 401."""

from __future__ import annotations

from pathlib import Path

from helpers import write_project
from truth import agrees_with_fastapi

MAIN = """\
import time
from typing import Callable

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.routing import APIRoute


class AuthRoute(APIRoute):
    def get_route_handler(self) -> Callable:
        original = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            if request.headers.get("Authorization") != "Bearer k":
                raise HTTPException(status_code=401)
            return await original(request)

        return route_handler


class AuditedAuthRoute(AuthRoute):
    pass


class TimedRoute(APIRoute):
    def get_route_handler(self) -> Callable:
        original = super().get_route_handler()

        async def timed(request: Request) -> Response:
            started = time.time()
            response = await original(request)
            response.headers["X-Time"] = str(time.time() - started)
            return response

        return timed


class ResponseRoute(APIRoute):
    def get_route_handler(self) -> Callable:
        original = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            token = request.headers.get("X-Token")
            if not token:
                return Response(status_code=403)
            return await original(request)

        return guarded


api = APIRouter(prefix="/api", route_class=AuthRoute)
audited = APIRouter(prefix="/audited", route_class=AuditedAuthRoute)
timed = APIRouter(prefix="/timed", route_class=TimedRoute)
answered = APIRouter(prefix="/answered", route_class=ResponseRoute)
plain = APIRouter(prefix="/plain")


@api.get("/items")
async def items() -> list:
    return []


@audited.get("/items")
async def audited_items() -> list:
    return []


@timed.get("/items")
async def timed_items() -> list:
    return []


@answered.get("/items")
async def answered_items() -> list:
    return []


@plain.get("/items")
async def plain_items() -> list:
    return []


app = FastAPI()
for router in (api, audited, timed, answered, plain):
    app.include_router(router)
"""

EXPECTED = {
    "/api/items": (401, "required"),
    "/audited/items": (401, "required"),
    "/timed/items": (200, "none"),
    "/answered/items": (403, "required"),
    "/plain/items": (200, "none"),
}


def test_a_route_class_that_checks_a_credential_authenticates_its_routes(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = agrees_with_fastapi(root, EXPECTED)
    chains = {route.path: route.auth_chain for route in result.routes}
    assert any("AuthRoute (route class, checks" in link for link in chains["/api/items"])
    assert any("AuditedAuthRoute (route class" in link for link in chains["/audited/items"])
    routes = {route.line: route.path for route in result.routes}
    open_paths = sorted(routes[f.line] for f in result.findings if f.code == "BK101")
    assert open_paths == ["/plain/items", "/timed/items"]


PATHS = """\
from typing import Callable

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.routing import APIRoute


class SomePathsRoute(APIRoute):
    def get_route_handler(self) -> Callable:
        original = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            if request.url.path.startswith("/api/public"):
                return await original(request)
            if request.headers.get("Authorization") != "Bearer k":
                raise HTTPException(status_code=401)
            return await original(request)

        return route_handler


api = APIRouter(prefix="/api", route_class=SomePathsRoute)


@api.get("/public/status")
async def status() -> dict:
    return {}


app = FastAPI()
app.include_router(api)
"""


def test_a_route_class_that_lets_some_paths_through_changes_no_status(tmp_path: Path) -> None:
    """Which paths the handler lets through is decided at run time, as for a middleware's
    allow-list: the public route stays ``none`` (not a false ``required``)."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": PATHS})
    agrees_with_fastapi(root, {"/api/public/status": (200, "none")})


NOT_EVERY_REQUEST = """\
import os
from typing import Callable

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.routing import APIRoute

AUTH_DISABLED = os.environ.get("AUTH_DISABLED", "1") == "1"


def token_ok(request: Request) -> bool:
    return request.headers.get("Authorization") == "Bearer k"


class WritesOnly(APIRoute):
    def get_route_handler(self) -> Callable:
        original = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            if request.method != "GET":
                if request.headers.get("Authorization") != "Bearer k":
                    raise HTTPException(status_code=401)
            return await original(request)

        return route_handler


class PublicPaths(APIRoute):
    def get_route_handler(self) -> Callable:
        original = super().get_route_handler()
        if self.path.startswith("/paths/public"):
            return original

        async def route_handler(request: Request) -> Response:
            if request.headers.get("Authorization") != "Bearer k":
                raise HTTPException(status_code=401)
            return await original(request)

        return route_handler


class Switched(APIRoute):
    def get_route_handler(self) -> Callable:
        original = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            if not AUTH_DISABLED:
                if request.headers.get("Authorization") != "Bearer k":
                    raise HTTPException(status_code=401)
            return await original(request)

        return route_handler


class Swallowed(APIRoute):
    def get_route_handler(self) -> Callable:
        original = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            try:
                if request.headers.get("Authorization") != "Bearer k":
                    raise HTTPException(status_code=401)
            except HTTPException:
                pass
            return await original(request)

        return route_handler


writes = APIRouter(prefix="/writes", route_class=WritesOnly)
paths = APIRouter(prefix="/paths", route_class=PublicPaths)
switched = APIRouter(prefix="/switched", route_class=Switched)
swallowed = APIRouter(prefix="/swallowed", route_class=Swallowed)


@writes.get("/x")
async def w() -> dict:
    return {}


@paths.get("/public/x")
async def p() -> dict:
    return {}


@switched.get("/x")
async def s() -> dict:
    return {}


@swallowed.get("/x")
async def sw() -> dict:
    return {}


app = FastAPI()
for router in (writes, paths, switched, swallowed):
    app.include_router(router)
"""


def test_a_route_class_that_does_not_check_every_request_changes_nothing(
    tmp_path: Path,
) -> None:
    """A check for some methods only, a handler left unwrapped for some paths, a check under a
    setting, or one whose 401 the handler catches itself: the routes keep their status (the
    review's cases, where a first version said ``required``)."""
    files = {"app/__init__.py": "", "app/main.py": NOT_EVERY_REQUEST}
    root = write_project(tmp_path / "p", files)
    paths = ["/writes/x", "/paths/public/x", "/switched/x", "/swallowed/x"]
    agrees_with_fastapi(root, dict.fromkeys(paths, (200, "none")))
