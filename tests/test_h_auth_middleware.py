"""Authentication done by middleware (prefect's ``@app.middleware("http")`` token check, a
``BaseHTTPMiddleware`` subclass, a pure ASGI middleware) makes the routes of the app, and of the
apps mounted under it, ``unknown`` with the middleware in the auth chain, not ``none``: the
middleware must read a credential header or cookie and answer 401/403. A middleware that
reads none, or never rejects, changes nothing. Checked against FastAPI: the anonymous request
is refused exactly where the middleware authenticates."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

MAIN = """\
import hmac

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from app.compat import status

API_TOKEN = "change-me"

app = FastAPI()
router = APIRouter(prefix="/items")
sub = FastAPI()


@app.middleware("http")
async def token_validation(request: Request, call_next):
    header = request.headers.get("Authorization")
    if request.url.path == "/health":
        return await call_next(request)
    if header is None or not hmac.compare_digest(header, f"Bearer {API_TOKEN}"):
        return JSONResponse(status_code=status.HTTP_401_UNAUTHORIZED, content={"detail": "No"})
    return await call_next(request)


@router.delete("/{item_id}", status_code=204)
async def delete_item(item_id: int) -> None:
    return None


@sub.post("/jobs")
async def create_job() -> int:
    return 1


app.include_router(router)
app.mount("/sub", sub)
"""

#: prefect re-exports Starlette's ``status`` from a compatibility module the index cannot follow
COMPAT = """\
try:
    from starlette import status
except ImportError:
    status = None
"""

KEYED = """\
from fastapi import FastAPI, Request, Response
from starlette.middleware.base import BaseHTTPMiddleware


class ApiKeyMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        if request.headers.get("X-API-Key") != "secret":
            return Response("Forbidden", 403)
        return await call_next(request)


app = FastAPI()
app.add_middleware(ApiKeyMiddleware)


@app.post("/orders")
async def create_order() -> int:
    return 1
"""

PURE = """\
from fastapi import FastAPI
from fastapi.middleware import Middleware
from starlette.datastructures import Headers


class SessionCookieAuth:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            cookie = Headers(scope=scope).get("cookie")
            session = scope.get("session")
            headers = Headers(scope=scope)
            token = headers.get("authorization")
            if not token:
                await send({"type": "http.response.start", "status": 401, "headers": []})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)


app = FastAPI(middleware=[Middleware(SessionCookieAuth)])


@app.put("/settings")
async def update_settings() -> int:
    return 1
"""

PLAIN = """\
import time

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


@app.middleware("http")
async def timing(request: Request, call_next):
    start = time.monotonic()
    response = await call_next(request)
    response.headers["X-Time"] = str(time.monotonic() - start)
    return response


@app.middleware("http")
async def log_user(request: Request, call_next):
    print(request.headers.get("Authorization"))
    return await call_next(request)


@app.middleware("http")
async def allow_list(request: Request, call_next):
    if request.client and request.client.host == "10.0.0.1":
        return JSONResponse(status_code=403, content={"detail": "blocked"})
    return await call_next(request)


@app.delete("/cache", status_code=204)
async def clear_cache() -> None:
    return None
"""

#: (app, method, path) -> status the engine gives, and whether FastAPI refuses anonymous callers
EXPECTED = {
    ("app.main:app", "DELETE", "/items/{item_id}"): ("unknown", True),
    ("app.main:app", "POST", "/sub/jobs"): ("unknown", True),
    ("app.keyed:app", "POST", "/orders"): ("unknown", True),
    ("app.pure:app", "PUT", "/settings"): ("unknown", True),
    ("app.plain:app", "DELETE", "/cache"): ("none", False),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four apps: three authenticate in middleware, one has middleware that does not."""
    files = {
        "app/__init__.py": "",
        "app/main.py": MAIN,
        "app/compat.py": COMPAT,
        "app/keyed.py": KEYED,
        "app/pure.py": PURE,
        "app/plain.py": PLAIN,
    }
    root = tmp_path_factory.mktemp("middleware") / "p"
    return write_project(root, files, select=["BK101"])


def test_middleware_refuses_anonymous_callers(project: Path) -> None:
    refused = {}
    for (ref, method, path), _ in EXPECTED.items():
        with imported_app(project, ref) as application:
            client = TestClient(application, raise_server_exceptions=False)
            code = client.request(method, path.replace("{item_id}", "1")).status_code
        refused[(ref, method, path)] = code in (401, 403)
    assert refused == {key: rejected for key, (_, rejected) in EXPECTED.items()}


def test_routes_behind_auth_middleware_are_unknown(project: Path) -> None:
    result = analyze([project])
    routes = {(r.app, r.methods[0], r.path): r for r in result.routes if r.kind == "http"}
    assert {key: r.auth for key, r in routes.items()} == {
        key: status for key, (status, _) in EXPECTED.items()
    }
    chains = {key[2]: r.auth_chain[-1] for key, r in routes.items() if r.auth_chain}
    assert chains == {
        "/items/{item_id}": "app.main:token_validation (middleware, checks header authorization)",
        "/sub/jobs": "app.main:token_validation (middleware, checks header authorization)",
        "/orders": "app.keyed:ApiKeyMiddleware (middleware, checks header x-api-key)",
        "/settings": "app.pure:SessionCookieAuth (middleware, checks header authorization)",
    }
    reported = [(f.path, f.line) for f in result.findings if f.code == "BK101"]
    assert reported == [("app/plain.py", routes[("app.plain:app", "DELETE", "/cache")].line)]
