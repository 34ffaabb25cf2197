"""A middleware authenticates by the rule a dependency does (``credentials.rejected_read``):
its 401/403 must be under an ``if`` testing the credential (or a value derived from it), in an
``except`` handler, or come after an ``if`` testing it that passes the request on. A 401 under
an unrelated test (``if MAINTENANCE:``) after reading the header, or one a missing credential
skips (``if token is None: ...; return``), is no authentication: the routes stay ``none``.
Checked against FastAPI: the anonymous request is refused exactly where the middleware
authenticates."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

HEAD = """\
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers

KEY = "secret"
MAINTENANCE = False
app = FastAPI()


@app.get("/items")
async def items() -> int:
    return 1

"""

APPS = {
    "checked": """
@app.middleware("http")
async def check(request: Request, call_next):
    token = request.headers.get("Authorization")
    if token != f"Bearer {KEY}":
        return JSONResponse(status_code=401, content={"detail": "no"})
    return await call_next(request)
""",
    "accepted": """
@app.middleware("http")
async def accept(request: Request, call_next):
    token = request.headers.get("Authorization")
    if token == f"Bearer {KEY}":
        return await call_next(request)
    return JSONResponse(status_code=401, content={"detail": "no"})
""",
    "unrelated": """
@app.middleware("http")
async def maintenance(request: Request, call_next):
    token = request.headers.get("Authorization")
    request.state.token = token
    if MAINTENANCE:
        return JSONResponse(status_code=401, content={"detail": "down"})
    return await call_next(request)
""",
    "optional": """
class OptionalToken:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        headers = Headers(scope=scope)
        token = headers.get("authorization")
        if token is None:
            await self.app(scope, receive, send)
            return
        if token != f"Bearer {KEY}":
            response = JSONResponse({"detail": "no"}, status_code=401)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


app.add_middleware(OptionalToken)
""",
    "inline": """
class InlineToken:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        token = Headers(scope=scope).get("authorization")
        if token != f"Bearer {KEY}":
            response = JSONResponse({"detail": "no"}, status_code=401)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


app.add_middleware(InlineToken)
""",
}

EXPECTED = {
    "checked": "unknown",
    "accepted": "unknown",
    "unrelated": "none",
    "optional": "none",
    "inline": "unknown",  # Headers(scope=scope).get(...) read in place
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One app per middleware."""
    files = {"app/__init__.py": ""} | {f"app/{name}.py": HEAD + code for name, code in APPS.items()}
    root = tmp_path_factory.mktemp("middleware") / "p"
    return write_project(root, files, select=["BK101"])


def test_fastapi_behaviour(project: Path) -> None:
    for name, status in EXPECTED.items():
        with imported_app(project, f"app.{name}:app") as application:
            code = TestClient(application).get("/items").status_code
        assert (code == 401) == (status == "unknown"), name


def test_middleware_authenticates_by_the_guard_rule(project: Path) -> None:
    result = analyze([project])
    found = {r.file.split("/")[-1][:-3]: r for r in result.routes}
    assert {name: route.auth for name, route in found.items()} == EXPECTED
    checked, accepted = found["checked"].auth_chain, found["accepted"].auth_chain
    assert checked[-1] == "app.checked:check (middleware, checks header authorization)"
    assert accepted[-1] == "app.accepted:accept (middleware, checks header authorization)"
    reported = {f.path.split("/")[-1][:-3] for f in result.findings if f.code == "BK101"}
    assert reported == {"unrelated", "optional"}
