"""HTTP-only middleware does not guard WebSocket routes (trial 6, openhands' ``/ws``):
``@app.middleware("http")`` and ``BaseHTTPMiddleware`` never see a WebSocket handshake, so a
WebSocket route behind them alone is ``none`` and BK101 reports it; a pure ASGI middleware
that checks every scope still makes it ``unknown``, one that checks only ``http`` scopes does
not."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project

ROUTES = """

@app.get("/api/files")
async def list_files() -> list[str]:
    return []


@app.websocket("/ws")
async def channel(websocket: WebSocket) -> None:
    await websocket.accept()
"""

FUNCTION = """\
from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse

app = FastAPI()


@app.middleware("http")
async def check_token(request: Request, call_next):
    if not request.headers.get("Authorization"):
        return JSONResponse(status_code=401, content={"error": "Missing Authorization header"})
    return await call_next(request)
"""

DISPATCH = """\
from fastapi import FastAPI, WebSocket
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse


class TokenMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        if not request.headers.get("Authorization"):
            return JSONResponse(status_code=401, content={})
        return await call_next(request)


app = FastAPI()
app.add_middleware(TokenMiddleware)
"""

ASGI = """\
from fastapi import FastAPI, WebSocket
from starlette.datastructures import Headers


class TokenMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        headers = Headers(scope=scope)
        token = headers.get("authorization")
        if not token:
            await send({"type": "http.response.start", "status": 401, "headers": []})
            return
        await self.app(scope, receive, send)


app = FastAPI()
app.add_middleware(TokenMiddleware)
"""

ASGI_HTTP_ONLY = ASGI.replace(
    "        headers = Headers(scope=scope)\n",
    '        if scope["type"] != "http":\n'
    "            await self.app(scope, receive, send)\n"
    "            return\n"
    "        headers = Headers(scope=scope)\n",
)


@pytest.mark.parametrize(
    ("source", "socket"),
    [(FUNCTION, "none"), (DISPATCH, "none"), (ASGI, "unknown"), (ASGI_HTTP_ONLY, "none")],
    ids=["function", "dispatch", "asgi", "asgi-http-only"],
)
def test_websocket_routes_behind_http_middleware(tmp_path: Path, source: str, socket: str) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": source + ROUTES})
    result = analyze([root], use_cache=False)
    auth = {(route.methods, route.path): route.auth for route in result.routes}
    assert auth == {(("GET",), "/api/files"): "unknown", (("WEBSOCKET",), "/ws"): socket}
    reported = [f.message.split(" has ")[0] for f in result.findings if f.code == "BK101"]
    assert reported == (["Route WEBSOCKET /ws"] if socket == "none" else [])
