"""An authenticating middleware may read the credential through a project helper: ``user =
await authenticate_request(request)`` (a module function, or a method of an auth manager
handed to the middleware, autogenstudio's ``self.auth_manager.authenticate_request``) that
reads the Authorization header and returns it or a user made from it, with the 401 in the
``except`` around the call or under an ``if`` testing what the helper returned. Its app's
routes are ``unknown`` through the middleware, as with the read written inline. A middleware
that only logs what the helper returns stays no authentication. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

AUTH = """\
from typing import Optional

from fastapi import Request


class AuthException(Exception):
    pass


async def authenticate_request(request: Request) -> str:
    token = request.headers.get("Authorization")
    if not token:
        raise AuthException("missing token")
    return token


def current_user(request: Request) -> Optional[dict]:
    token = request.headers.get("Authorization")
    if token != "Bearer secret":
        return None
    return {"token": token}


class AuthManager:
    def __init__(self, secret: str) -> None:
        self.secret = secret

    async def authenticate_request(self, request: Request) -> dict:
        header = request.headers.get("Authorization")
        if header != f"Bearer {self.secret}":
            raise AuthException("bad token")
        return {"sub": header}
"""

HEAD = """\
from fastapi import FastAPI, Request, Response
from starlette.middleware.base import BaseHTTPMiddleware

from app.auth import AuthException, AuthManager, authenticate_request, current_user

app = FastAPI()


@app.get("/sessions")
async def sessions() -> dict:
    return {}

"""

APPS = {
    "function": """
class AuthMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        try:
            request.state.user = await authenticate_request(request)
        except AuthException:
            return Response(status_code=401, content="Not authenticated")
        return await call_next(request)


app.add_middleware(AuthMiddleware)
""",
    "manager": """
class AuthMiddleware(BaseHTTPMiddleware):
    def __init__(self, app, auth_manager: AuthManager):
        super().__init__(app)
        self.auth_manager = auth_manager

    async def dispatch(self, request: Request, call_next):
        try:
            user = await self.auth_manager.authenticate_request(request)
            request.state.user = user
            return await call_next(request)
        except AuthException:
            return Response(status_code=401, content="Not authenticated")


app.add_middleware(AuthMiddleware, auth_manager=AuthManager("secret"))
""",
    "returned": """
@app.middleware("http")
async def check(request: Request, call_next):
    user = current_user(request)
    if user is None:
        return Response(status_code=401, content="Not authenticated")
    return await call_next(request)
""",
    "logged": """
@app.middleware("http")
async def log(request: Request, call_next):
    user = current_user(request)
    print(user)
    return await call_next(request)
""",
}

EXPECTED = {"function": "unknown", "manager": "unknown", "returned": "unknown", "logged": "none"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One app per middleware."""
    files = {"app/__init__.py": "", "app/auth.py": AUTH}
    files |= {f"app/{name}.py": HEAD + code for name, code in APPS.items()}
    root = tmp_path_factory.mktemp("middleware_helpers") / "p"
    return write_project(root, files, select=["BK101"])


def test_fastapi_behaviour(project: Path) -> None:
    for name, status in EXPECTED.items():
        with imported_app(project, f"app.{name}:app") as application:
            client = TestClient(application)
            anonymous = client.get("/sessions").status_code
            signed = client.get("/sessions", headers={"Authorization": "Bearer secret"})
        assert (anonymous == 401) == (status == "unknown"), name
        assert signed.status_code == 200, name


def test_a_middleware_checking_through_a_helper_authenticates(project: Path) -> None:
    result = analyze([project], use_cache=False)
    found = {r.file.split("/")[-1][:-3]: r for r in result.routes}
    assert {name: route.auth for name, route in found.items()} == EXPECTED
    chains = {name: found[name].auth_chain[-1] for name in ("function", "manager", "returned")}
    assert chains == {
        "function": "app.function:AuthMiddleware (middleware, checks header authorization)",
        "manager": "app.manager:AuthMiddleware (middleware, checks header authorization)",
        "returned": "app.returned:check (middleware, checks header authorization)",
    }
    reported = [(f.code, f.path, f.line) for f in result.findings]
    assert reported == [
        ("BK101", "app/logged.py", HEAD.splitlines().index('@app.get("/sessions")') + 1)
    ]
