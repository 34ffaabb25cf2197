"""A dependency that reads a credential itself (the Authorization header, an API-key or token
header, a session cookie: ``Header()`` / ``Cookie()`` parameters, ``request.headers.get(...)``,
``websocket.headers.get(...)``, ``request.headers[...]``) and raises 401/403 afterwards under an
``if`` or in an ``except`` handler, itself or in a helper it always calls, authenticates the
route (open-webui's SCIM routes, litellm's websocket routes). One that hands a missing
credential on as ``None`` (an optional user), one that reads something else (a User-Agent, a
CSRF token), that never rejects, or that calls the checking helper only under an ``if`` stays
``none``.
Each status is checked against FastAPI itself where an anonymous request tells: 401/403 means
required."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import route_per_name
from truth import anonymous_statuses

MAIN = """\
import hmac
from typing import Annotated, Optional

from fastapi import Cookie, Depends, FastAPI, Header, HTTPException, Request, WebSocket, status

KEY = "secret"
app = FastAPI()


def scim(authorization: Optional[str] = Header(None)) -> bool:
    if not authorization:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="required")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token, KEY):
        raise HTTPException(status_code=401, detail="Invalid token")
    return True


def api_key(x_api_key: Annotated[str | None, Header()] = None) -> None:
    if x_api_key != KEY:
        raise HTTPException(403, "bad key")


def aliased(key: str | None = Header(None, alias="X-Auth-Token")) -> str:
    if key is None:
        raise HTTPException(status_code=401)
    return key


def from_request(request: Request) -> str:
    header = request.headers.get("Authorization")
    if header != f"Bearer {KEY}":
        raise HTTPException(status_code=401)
    return header


def subscript(request: Request) -> str:
    try:
        token = request.headers["x-api-key"]
    except KeyError:
        raise HTTPException(status_code=401) from None
    return token


def session(session_id: str | None = Cookie(None)) -> str:
    if session_id is None:
        raise HTTPException(status_code=401)
    return session_id


def optional_user(authorization: Optional[str] = Header(None)) -> str:
    if not authorization:
        return None
    if authorization != KEY:
        raise HTTPException(status_code=401)
    return authorization


def optional_annotated(authorization: str = Header("")) -> Optional[str]:
    if authorization and authorization != KEY:
        raise HTTPException(status_code=401)
    return authorization or None


def user_agent(request: Request) -> None:
    if request.headers.get("User-Agent") == "bad-bot":
        raise HTTPException(status_code=403)


def no_rejection(authorization: Optional[str] = Header(None)) -> str:
    return authorization or "anonymous"


def csrf(x_csrf_token: Optional[str] = Header(None)) -> None:
    if not x_csrf_token:
        raise HTTPException(status_code=403, detail="CSRF token missing")


async def verify_request(request: Request) -> str:
    token = request.headers.get("X-API-Key")
    if token != KEY:
        raise HTTPException(status_code=401)
    return token


async def delegating(request: Request) -> str:
    return await verify_request(request)


async def delegating_if(request: Request) -> str:
    if request.method == "POST":
        return await verify_request(request)
    return "anonymous"


async def ws_auth(websocket: WebSocket) -> str:
    authorization = websocket.headers.get("authorization")
    if not authorization:
        raise HTTPException(status_code=403, detail="No API key provided")
    return authorization


@app.websocket("/ws")
async def ws(websocket: WebSocket, key: str = Depends(ws_auth)) -> None:
    await websocket.accept()
"""

ROUTE = """

@app.get("/{name}", dependencies=[Depends({name})])
async def {name}_route() -> int:
    return 1
"""

#: the status FastAPI gives an anonymous request tells the truth for these
CHECKED = {
    "/scim": "required",
    "/api_key": "required",
    "/aliased": "required",
    "/from_request": "required",
    "/subscript": "required",
    "/session": "required",
    "/optional_user": "none",
    "/optional_annotated": "none",
    "/user_agent": "none",
    "/no_rejection": "none",
    "/delegating": "required",
    "/delegating_if": "none",
}
#: an anonymous request is refused, but not for want of a credential
EXPECTED = {**CHECKED, "/csrf": "none", "/ws": "required"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One route per dependency."""
    names = [path[1:] for path in EXPECTED if path != "/ws"]
    root = tmp_path_factory.mktemp("credentials") / "p"
    return route_per_name(root, MAIN, ROUTE, names)


def test_statuses_match_fastapi(project: Path) -> None:
    codes = anonymous_statuses(project, [*CHECKED, "/csrf"])
    real = {path: "required" if codes[path] in (401, 403) else "none" for path in CHECKED}
    assert real == CHECKED
    assert codes["/csrf"] == 403


def test_credential_checks(project: Path) -> None:
    result = analyze([project])
    assert {r.path: r.auth for r in result.routes} == EXPECTED
    chains = {r.path: r.auth_chain[-1] for r in result.routes if r.auth_chain}
    assert chains["/scim"] == "app.main:scim (checks header authorization)"
    assert chains["/aliased"] == "app.main:aliased (checks header x-auth-token)"
    assert chains["/session"] == "app.main:session (checks cookie session_id)"
    assert chains["/ws"] == "app.main:ws_auth (checks header authorization)"
    assert chains["/delegating"] == "app.main:delegating (checks header x-api-key)"
    reported = sorted(f.line for f in result.findings if f.code == "BK101")
    assert reported == sorted(r.line for r in result.routes if r.auth == "none")
    assert len(reported) == 6
