"""A helper that rejects anonymous callers (401) and only then may return ``None`` (for an
internal, already authenticated principal) is an authentication check: arize-phoenix's
``authenticated_claims``, which its ``is_authenticated`` guard calls for 125 routes. A helper
that returns ``None`` for a missing credential before any 401 is an optional user, and the
route it guards is not authenticated. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

AUTH = """\
from typing import Optional, cast

from fastapi import Header, HTTPException, Request, WebSocket
from starlette.authentication import SimpleUser
from starlette.requests import HTTPConnection


class PhoenixUser(SimpleUser):
    claims: str = "valid"


class PhoenixSystemUser(PhoenixUser):
    pass


async def authenticated_claims(conn: HTTPConnection) -> Optional[str]:
    if not isinstance((user := conn.user), PhoenixUser):
        raise HTTPException(status_code=401, detail="Invalid token")
    if isinstance(user, PhoenixSystemUser):
        return None
    return user.claims


async def is_authenticated(
    request: Request = cast(Request, None),
    websocket: WebSocket = cast(WebSocket, None),
) -> None:
    conn: HTTPConnection = request if request is not None else websocket
    claims = await authenticated_claims(conn)
    if claims is not None and claims == "expired":
        raise HTTPException(status_code=401, detail="Token is not valid")


def token_claims(authorization: Optional[str]) -> Optional[str]:
    if authorization is None:
        return None
    if authorization != "Bearer secret":
        raise HTTPException(status_code=401)
    return "claims"


async def maybe_claims(authorization: Optional[str] = Header(None)) -> None:
    token_claims(authorization)
"""

MAIN = """\
from fastapi import APIRouter, Depends, FastAPI
from starlette.authentication import AuthCredentials, AuthenticationBackend, UnauthenticatedUser
from starlette.middleware.authentication import AuthenticationMiddleware

from app.auth import is_authenticated, maybe_claims

router = APIRouter(dependencies=[Depends(is_authenticated)])


@router.get("/v1/projects")
async def projects() -> list[str]:
    return []


@router.get("/v1/spans")
async def spans() -> list[str]:
    return []


class Backend(AuthenticationBackend):
    async def authenticate(self, conn):
        return AuthCredentials(), UnauthenticatedUser()


app = FastAPI()
app.add_middleware(AuthenticationMiddleware, backend=Backend())
app.include_router(router)


@app.get("/v1/feed", dependencies=[Depends(maybe_claims)])
async def feed() -> list[str]:
    return []
"""

FILES = {"app/__init__.py": "", "app/auth.py": AUTH, "app/main.py": MAIN}
FEED_LINE = MAIN.splitlines().index('@app.get("/v1/feed", dependencies=[Depends(maybe_claims)])')


def test_fastapi_behaviour(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES)
    statuses = anonymous_statuses(root, ["/v1/projects", "/v1/spans", "/v1/feed"])
    assert statuses == {"/v1/projects": 401, "/v1/spans": 401, "/v1/feed": 200}


def test_a_none_after_the_check_is_no_optional_user(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES, select=["BK101", "BK102"])
    result = analyze([root], use_cache=False)
    routes = {r.path: r for r in result.routes}
    assert {path: r.auth for path, r in routes.items()} == {
        "/v1/projects": "required",
        "/v1/spans": "required",
        "/v1/feed": "none",
    }
    assert routes["/v1/projects"].auth_chain[-1] == "app.auth:is_authenticated (checks conn.user)"
    assert [(f.code, f.path, f.line) for f in result.findings] == [
        ("BK101", "app/main.py", FEED_LINE + 1)
    ]
