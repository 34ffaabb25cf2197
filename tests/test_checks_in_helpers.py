"""Checks made through helpers and shortcuts, from real applications, checked against FastAPI:

- an endpoint that hands the credential a lenient scheme took to a project function that
  checks it (freqtrade's ``user = get_user_from_token(token)``) authenticates its route, as a
  dependency doing the same does (it was ``optional``, BK102);
- ``raise credentials_exception``, an error made on another line (FastAPI's tutorial), is a
  rejection where the ``raise`` is: in an ``except`` handler, or under an ``if``;
- a dependency that makes a checker object and calls it (lnbits' ``check = KeyChecker(key);
  return await check(request)``) runs the class's ``__call__`` (it was ``optional``);
- a "done already" shortcut at the top of a dependency (``if hasattr(request.state,
  "user"):``, ``if "user" in request.scope:``) returns what an earlier check of the same
  request put there, which no anonymous caller can (gpustack, fastapi-user-auth: ``optional``).
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from backendkit import analyze
from backendkit.summary.flow import test_presence as presence_of
from helpers import write_project
from truth import anonymous_statuses

HELPERS = """\
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

app = FastAPI()
oauth2 = OAuth2PasswordBearer(tokenUrl="token", auto_error=False)
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
USERS = {"t0k3n": "ann"}
KEYS = {"k3y": "wallet-1"}


def user_from_token(token: Optional[str]) -> str:
    credentials_exception = HTTPException(status_code=401, detail="Could not validate")
    try:
        user = USERS[token or ""]
    except KeyError:
        raise credentials_exception
    return user


def audit(token: Optional[str]) -> None:
    print("seen", bool(token))


class KeyChecker:
    def __init__(self, api_key: Optional[str] = None) -> None:
        self._api_key = api_key

    async def __call__(self, request: Request) -> str:
        if not self._api_key:
            raise HTTPException(status_code=401, detail="No API key")
        wallet = KEYS.get(self._api_key)
        if wallet is None:
            raise HTTPException(status_code=403)
        return wallet


async def require_key(request: Request, key: Optional[str] = Security(api_key_header)) -> str:
    check = KeyChecker(api_key=key)
    return await check(request)


async def cached_user(request: Request, key: Optional[str] = Depends(api_key_header)) -> str:
    if hasattr(request.state, "user"):
        return request.state.user
    user = KEYS.get(key) if key else None
    if not user:
        raise HTTPException(status_code=401)
    request.state.user = user
    return user


async def scope_user(request: Request, key: Optional[str] = Depends(api_key_header)) -> str:
    if "user" in request.scope:
        return request.scope["user"]
    if key not in KEYS:
        raise HTTPException(status_code=401)
    request.scope["user"] = KEYS[key]
    return KEYS[key]


@app.get("/me")
def me(token: Optional[str] = Depends(oauth2)) -> dict:
    user = user_from_token(token)
    return {"user": user}


@app.get("/seen")
def seen(token: Optional[str] = Depends(oauth2)) -> dict:
    audit(token)
    return {}


@app.get("/early")
def early(token: Optional[str] = Depends(oauth2)) -> dict:
    if token is None:
        return {"user": None}
    return {"user": user_from_token(token)}


@app.get("/wallet")
async def wallet(found: str = Security(require_key)) -> dict:
    return {"wallet": found}


@app.get("/cached")
async def cached(user: str = Depends(cached_user)) -> dict:
    return {"user": user}


@app.get("/scoped")
async def scoped(user: str = Depends(scope_user)) -> dict:
    return {"user": user}
"""

PATHS = ["/me", "/seen", "/early", "/wallet", "/cached", "/scoped"]


def test_checks_through_helpers_and_shortcuts(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": HELPERS})
    assert anonymous_statuses(root, PATHS) == {"/me": 401, "/seen": 200, "/early": 200} | {
        "/wallet": 401,
        "/cached": 401,
        "/scoped": 401,
    }
    routes = {route.path: route for route in analyze([root], use_cache=False).routes}
    assert {path: routes[path].auth for path in PATHS} == {
        "/me": "required",
        "/seen": "optional",  # the helper it hands the token to checks nothing
        "/early": "optional",  # a response before the check
        "/wallet": "required",
        "/cached": "required",
        "/scoped": "required",
    }
    assert routes["/me"].auth_chain[-1] == "its own body (checks OAuth2PasswordBearer credentials)"


def test_hasattr_and_in_require_what_they_test() -> None:
    def presence(test: str) -> tuple[str, ...]:
        return presence_of(cst.parse_expression(test))

    assert presence('hasattr(request.state, "user")') == ("request.state.user",)
    assert presence('"user" in request.scope') == ("request.scope.user",)
    assert presence('"user" not in request.scope') == ()
    assert presence("name in request.scope") == ()


LOCAL_READ = """\
from fastapi import Depends, FastAPI, HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse

API_KEYS = {"k"}


def is_authorized(request: Request) -> bool:
    key = request.headers.get("X-API-Key")
    return key in API_KEYS


def bearer_ok(request: Request) -> bool:
    value = request.headers.get("Authorization")
    return value is not None and value == "Bearer k"


def require_key(request: Request) -> None:
    if not is_authorized(request):
        raise HTTPException(status_code=403)


class Auth(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        if not bearer_ok(request):
            return JSONResponse({"detail": "no"}, status_code=401)
        return await call_next(request)


app = FastAPI()
admin = FastAPI()
admin.add_middleware(Auth)
app.mount("/admin", admin)


@app.get("/items", dependencies=[Depends(require_key)])
def items() -> list:
    return []


@admin.get("/stats")
def stats() -> dict:
    return {}
"""


def test_a_helper_returning_a_test_of_the_credential(tmp_path: Path) -> None:
    """lmdeploy's and vLLM's shape: a yes/no helper reads the credential into a local and
    returns a test of it (``return key in API_KEYS``); the dependency or middleware rejecting
    on its answer checks the credential (it was ``none``, BK101: "authenticates no one")."""
    files = {"app/__init__.py": "", "app/main.py": LOCAL_READ}
    root = write_project(tmp_path / "p", files)
    truth = anonymous_statuses(root, ["/items", "/admin/stats"])
    assert truth == {"/items": 403, "/admin/stats": 401}
    routes = {route.path: route for route in analyze([root], use_cache=False).routes}
    assert routes["/items"].auth == "required"
    assert routes["/items"].auth_chain[-1] == "app.main:require_key (checks header x-api-key)"
    assert routes["/admin/stats"].auth == "unknown"  # a middleware: the chain names it
    assert "checks header authorization" in routes["/admin/stats"].auth_chain[-1]


LAX = """\
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

app = FastAPI()
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
KEYS = {"k3y": "wallet-1"}
DEBUG = True


class LaxChecker:
    def __init__(self, api_key: Optional[str] = None) -> None:
        self._api_key = api_key

    async def __call__(self, request: Request) -> Optional[str]:
        if not self._api_key:
            return None
        if self._api_key not in KEYS:
            raise HTTPException(status_code=403)
        return KEYS[self._api_key]


async def lax_key(request: Request, key: Optional[str] = Security(api_key_header)):
    check = LaxChecker(api_key=key)
    return await check(request)


def is_authorized(request: Request) -> bool:
    key = request.headers.get("X-API-Key")
    return key is not None or DEBUG


def wallet_of(key: Optional[str]) -> str:
    if key not in KEYS:
        raise HTTPException(status_code=401)
    return KEYS[key]


def require_key(request: Request) -> None:
    if not is_authorized(request):
        raise HTTPException(status_code=403)


@app.get("/lax")
async def lax(wallet: Optional[str] = Depends(lax_key)) -> dict:
    return {"wallet": wallet}


@app.get("/fallback")
def fallback(key: Optional[str] = Security(api_key_header)) -> dict:
    wallet = wallet_of(key or "k3y")
    return {"wallet": wallet}


@app.get("/debug", dependencies=[Depends(require_key)])
def debug() -> dict:
    return {}
"""


def test_checks_that_let_anonymous_callers_through(tmp_path: Path) -> None:
    """Found by a review with TestClient: a ``__call__`` that returns before its 403 for a
    missing key checks nothing, a yes/no helper whose answer something besides the key can
    make true (``key is not None or DEBUG``) is no check of it, and an endpoint handing a
    checking helper ``key or DEFAULT`` lets a missing key be replaced."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": LAX})
    paths = ["/lax", "/debug", "/fallback"]
    assert anonymous_statuses(root, paths) == dict.fromkeys(paths, 200)
    routes = {route.path: route for route in analyze([root], use_cache=False).routes}
    assert {path: routes[path].auth for path in paths} == {
        "/lax": "optional",
        "/debug": "none",
        "/fallback": "optional",
    }
