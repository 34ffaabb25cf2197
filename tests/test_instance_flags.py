"""A class dependency built with a flag that decides whether its ``__call__`` checks, read per
instance, and a dependency a factory builds with such a flag, read per call; checked against
FastAPI (dstack's ``ProxyAuth(auto_enforce=False)`` routes were ``required``, though anonymous
callers reach them; agno's ``_make_require_admin(auth_enabled=True)`` routes were ``none``)."""

from __future__ import annotations

from pathlib import Path

from helpers import write_project
from truth import agrees_with_fastapi

MAIN = """\
from typing import Annotated, Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Request
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


def require_key(enabled: bool = True):
    async def dep(request: Request, x_api_key: Optional[str] = Header(None)) -> None:
        if not enabled and not getattr(request.state, "authenticated", False):
            return
        if x_api_key not in TOKENS:
            raise HTTPException(status_code=401)

    return dep


def current_user(required: bool = True):
    async def dep(token: Optional[HTTPAuthorizationCredentials] = Depends(bearer)):
        if required and (token is None or token.credentials not in TOKENS):
            raise HTTPException(status_code=401)
        return token

    return dep


app = FastAPI()


@app.get("/fac_key_on", dependencies=[Depends(require_key())])
async def fac_key_on() -> dict:
    return {}


@app.get("/fac_key_off", dependencies=[Depends(require_key(enabled=False))])
async def fac_key_off() -> dict:
    return {}


@app.get("/fac_user", dependencies=[Depends(current_user())])
async def fac_user() -> dict:
    return {}


@app.get("/fac_maybe", dependencies=[Depends(current_user(required=False))])
async def fac_maybe() -> dict:
    return {}


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
    "/fac_key_on": (401, "required"),
    "/fac_key_off": (200, "none"),
    "/fac_user": (401, "required"),
    "/fac_maybe": (200, "optional"),
}


def test_a_flag_the_instance_is_built_with_decides_its_check(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    agrees_with_fastapi(root, EXPECTED)
