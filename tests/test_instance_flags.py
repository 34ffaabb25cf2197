"""A class dependency built with a flag that decides whether its ``__call__`` checks, read per
instance and checked against FastAPI (dstack's ``ProxyAuth(auto_enforce=False)`` routes were
``required``, though anonymous callers reach them)."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

MAIN = """\
from typing import Annotated, Optional

from fastapi import Depends, FastAPI, Header, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

TOKENS = {"k"}
bearer = HTTPBearer(auto_error=False)


class AuthContext:
    def __init__(self, token: Optional[str]):
        self._token = token

    async def enforce(self) -> None:
        if self._token is None or self._token not in TOKENS:
            raise HTTPException(status_code=403)


class ProxyAuth:
    def __init__(self, auto_enforce: bool):
        self._auto_enforce = auto_enforce

    async def __call__(
        self, token: Annotated[Optional[HTTPAuthorizationCredentials], Depends(bearer)]
    ) -> AuthContext:
        context = AuthContext(token.credentials if token is not None else None)
        if self._auto_enforce:
            await context.enforce()
        return context


class CurrentUser:
    def __init__(self, required: bool = True):
        self.required = required

    async def __call__(self, token: Optional[HTTPAuthorizationCredentials] = Depends(bearer)):
        if token is None or token.credentials not in TOKENS:
            if self.required:
                raise HTTPException(status_code=401)
            return None
        return "user"


class RequireKey:
    def __init__(self, enabled: bool = True):
        self.enabled = enabled

    async def __call__(self, x_api_key: Optional[str] = Header(None)) -> None:
        if not self.enabled:
            return
        if x_api_key not in TOKENS:
            raise HTTPException(status_code=401)


app = FastAPI()


@app.get("/enforced", dependencies=[Depends(ProxyAuth(auto_enforce=True))])
async def enforced() -> dict:
    return {}


@app.get("/proxy", dependencies=[Depends(ProxyAuth(auto_enforce=False))])
async def proxy() -> dict:
    return {}


@app.get("/user", dependencies=[Depends(CurrentUser())])
async def user() -> dict:
    return {}


@app.get("/maybe", dependencies=[Depends(CurrentUser(required=False))])
async def maybe() -> dict:
    return {}


@app.get("/key_on", dependencies=[Depends(RequireKey())])
async def key_on() -> dict:
    return {}


@app.get("/key_off", dependencies=[Depends(RequireKey(enabled=False))])
async def key_off() -> dict:
    return {}
"""

EXPECTED = {
    "/enforced": (403, "required"),
    "/proxy": (200, "optional"),
    "/user": (401, "required"),
    "/maybe": (200, "optional"),
    "/key_on": (401, "required"),
    "/key_off": (200, "none"),
}


def test_a_flag_the_instance_is_built_with_decides_its_check(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    statuses = anonymous_statuses(root, list(EXPECTED))
    assert statuses == {path: status for path, (status, _auth) in EXPECTED.items()}
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {path: status for path, (_code, status) in EXPECTED.items()}
