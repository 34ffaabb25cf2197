"""A dependency authenticates when it rejects (401/403) under an ``if`` whose test reads the
credential it read, or a value derived from it (``user = await verify(token)``; ``if not
user: raise ...``), in the ``if``, an ``elif`` or the ``else``: ``Scope.ifs``. A 401 raised under
an unrelated test (``if settings.maintenance:``) after reading the header is no check. Where
the guard is unknown (a ``while`` body) a rejection after the read still counts. A dependency
that returns a value on one path and nothing on another (a bare ``return``, the end of its
body) hands a missing credential on as ``None``: an optional user, as ``return None`` is.
Each status is checked against FastAPI itself: 401/403 for an anonymous request means
required."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import route_per_name
from truth import anonymous_statuses

MAIN = """\
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Request

KEY = "secret"
app = FastAPI()


class Settings:
    maintenance = False


settings = Settings()


async def verify(token: Optional[str]) -> Optional[str]:
    return token if token == KEY else None


def if_token(request: Request) -> str:
    token = request.headers.get("Authorization")
    if not token:
        raise HTTPException(status_code=401)
    return token


def unrelated(request: Request) -> str:
    token = request.headers.get("Authorization")
    if settings.maintenance:
        raise HTTPException(status_code=401)
    return token or "anonymous"


async def derived(authorization: Optional[str] = Header(None)) -> str:
    user = await verify(authorization)
    if not user:
        raise HTTPException(status_code=401)
    return user


def derived_chain(request: Request) -> str:
    header = request.headers.get("Authorization") or ""
    scheme, _, value = header.partition(" ")
    claims = {"sub": value} if scheme == "Bearer" else {}
    subject = claims.get("sub")
    if subject != KEY:
        raise HTTPException(status_code=403)
    return subject


def in_place(request: Request) -> None:
    if request.headers.get("X-API-Key") != KEY:
        raise HTTPException(status_code=401)


def in_else(x_api_key: Optional[str] = Header(None)) -> str:
    if x_api_key == KEY:
        return x_api_key
    else:
        raise HTTPException(status_code=401)


def in_elif(request: Request) -> str:
    token = request.headers.get("X-API-Key")
    if settings.maintenance:
        raise HTTPException(status_code=503)
    elif token != KEY:
        raise HTTPException(status_code=401)
    return token


def in_while(request: Request) -> str:
    token = request.headers.get("X-API-Key")
    while token != KEY:
        raise HTTPException(status_code=401)
    return token


def bare_return(authorization: Optional[str] = Header(None)) -> str:
    if not authorization:
        return
    if authorization != KEY:
        raise HTTPException(status_code=401)
    return authorization


def falls_off(authorization: Optional[str] = Header(None)) -> str:
    if authorization:
        if authorization != KEY:
            raise HTTPException(status_code=401)
        return authorization


def guard(authorization: Optional[str] = Header(None)) -> None:
    if authorization != KEY:
        raise HTTPException(status_code=401)
"""

ROUTE = """

@app.get("/{name}", dependencies=[Depends({name})])
async def {name}_route() -> int:
    return 1
"""

EXPECTED = {
    "/if_token": "required",
    "/unrelated": "none",
    "/derived": "required",
    "/derived_chain": "required",
    "/in_place": "required",
    "/in_else": "required",
    "/in_elif": "required",
    "/in_while": "required",
    "/bare_return": "none",
    "/falls_off": "none",
    "/guard": "required",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One route per dependency."""
    root = tmp_path_factory.mktemp("guards") / "p"
    return route_per_name(root, MAIN, ROUTE, (path[1:] for path in EXPECTED))


def test_statuses_match_fastapi(project: Path) -> None:
    codes = anonymous_statuses(project, EXPECTED)
    real = {path: "required" if codes[path] in (401, 403) else "none" for path in EXPECTED}
    assert real == EXPECTED


def test_rejections_tied_to_the_credential(project: Path) -> None:
    result = analyze([project])
    assert {r.path: r.auth for r in result.routes} == EXPECTED
    chains = {r.path: r.auth_chain[-1] for r in result.routes if r.auth_chain}
    assert chains["/if_token"] == "app.main:if_token (checks header authorization)"
    assert chains["/derived"] == "app.main:derived (checks header authorization)"
    assert chains["/in_elif"] == "app.main:in_elif (checks header x-api-key)"
    reported = sorted(f.line for f in result.findings if f.code == "BK101")
    assert reported == sorted(r.line for r in result.routes if r.auth == "none")
    assert len(reported) == 3
