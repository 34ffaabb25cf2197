"""Starlette's ``@requires(scopes)`` on an endpoint answers 403 (or redirects) when the
request lacks the scopes (``request.auth``, set by ``AuthenticationMiddleware``): a route
whose handler is decorated with it is ``required``, the chain naming the decorator (khoj).
Above the route decorator it wraps nothing the route serves, and ``requires([])`` asks for
nothing: both stay ``none``. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

MAIN = """\
from fastapi import FastAPI, Request
from starlette.authentication import AuthCredentials, AuthenticationBackend, SimpleUser
from starlette.authentication import requires
from starlette.middleware.authentication import AuthenticationMiddleware


class TokenBackend(AuthenticationBackend):
    async def authenticate(self, conn):
        if conn.headers.get("Authorization") == "Bearer good":
            return AuthCredentials(["authenticated"]), SimpleUser("alice")
        return None


app = FastAPI()
app.add_middleware(AuthenticationMiddleware, backend=TokenBackend())


@app.delete("/api/self")
@requires(["authenticated"])
def delete_self(request: Request) -> dict:
    return {"status": "ok"}


@app.get("/api/login-page")
@requires("authenticated", redirect="delete_self")
def login_page(request: Request) -> dict:
    return {"status": "ok"}


@requires("authenticated")
@app.get("/api/outer")
def outer(request: Request) -> dict:
    return {"status": "ok"}


@app.get("/api/nothing")
@requires([])
def nothing(request: Request) -> dict:
    return {"status": "ok"}
"""

EXPECTED = {
    "/api/self": "required",
    "/api/login-page": "required",
    "/api/outer": "none",
    "/api/nothing": "none",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Routes with ``requires`` below, above the route decorator, and with no scope."""
    root = tmp_path_factory.mktemp("requires") / "p"
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    return write_project(root, files, select=["BK101"])


def test_requires_rejects_anonymous_callers(project: Path) -> None:
    good = {"Authorization": "Bearer good"}
    with imported_app(project, "app.main:app") as application:
        client = TestClient(application, follow_redirects=False)
        assert client.delete("/api/self").status_code == 403
        assert client.delete("/api/self", headers=good).status_code == 200
        assert client.get("/api/login-page").status_code in (302, 303, 307)
        assert client.get("/api/outer").status_code == 200
        assert client.get("/api/nothing").status_code == 200


def test_requires_counts_as_authentication(project: Path) -> None:
    result = analyze([project])
    assert {r.path: r.auth for r in result.routes} == EXPECTED
    route = next(r for r in result.routes if r.path == "/api/self")
    assert route.auth_chain == ("app.main:delete_self", "@requires(['authenticated'])")
    assert sorted(f.line for f in result.findings if f.code == "BK101") == [31, 36]
