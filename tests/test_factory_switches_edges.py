"""Where a credential's bearers alone go, and which factory arguments are configuration,
checked against FastAPI (the review of ``test_factory_switches``).

- a return only a caller presenting a credential that was checked on the way reaches (``if
  key: if key not in KEYS: raise 401 ... return``) lets no anonymous caller through: the
  route is ``required``; one reached with any key before the check lets a made-up key
  through: ``if key: if ACCEPT_ANY_KEY: return`` is a configuration switch;
- an optional user (``if creds is None: return None`` before a 401 for a bad token) stays
  ``optional``;
- the ``elif`` a caller without a key takes (``if key: ... elif not key_set: return``) is the
  switch;
- an endpoint's own check on a factory's name (``if key_set and key != api_key: raise``) is
  not read as configuration: the route is open when no key is set, and reported so;
- a literal handed through another function (``build(False)`` calling
  ``user_dependency(flag)``) is no configuration: its routes are reported one by one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from test_factory_switches import USER_DEPENDENCY
from truth import anonymous_statuses, imported_app

DEPS = """\
import os
from typing import Optional

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

header = APIKeyHeader(name="X-API-Key", auto_error=False)
bearer = HTTPBearer(auto_error=False)
TOKENS = {"t1": "alice"}
ACCEPT_ANY_KEY = os.getenv("ACCEPT_ANY_KEY") == "1"
KEYS = set(os.getenv("KEYS", "k3y").split(","))


async def optional_user(
    creds: Optional[HTTPAuthorizationCredentials] = Depends(bearer),
) -> Optional[str]:
    if creds is None:
        return None
    token = creds.credentials
    if token:
        user = TOKENS.get(token)
        if user is None:
            raise HTTPException(status_code=401, detail="invalid token")
        return user
    raise HTTPException(status_code=401, detail="empty token")


async def read_or_write(request: Request, key: Optional[str] = Security(header)) -> None:
    if key:
        if key not in KEYS:
            raise HTTPException(status_code=401, detail="unknown key")
        if request.method == "GET":
            return
        raise HTTPException(status_code=403, detail="read-only key")
    raise HTTPException(status_code=401, detail="API key required")


async def any_key_when_asked(key: Optional[str] = Security(header)) -> None:
    if key:
        if ACCEPT_ANY_KEY:
            return
        if key not in KEYS:
            raise HTTPException(status_code=401, detail="unknown key")
        return
    raise HTTPException(status_code=401, detail="key required")


def key_dependency(api_key: Optional[str]):
    key_set = bool(api_key)

    async def check(key: Optional[str] = Security(header)) -> None:
        if key:
            if key != api_key:
                raise HTTPException(status_code=401, detail="bad key")
            return
        elif not key_set:
            return
        else:
            raise HTTPException(status_code=401, detail="key required")

    return check


"""
DEPS += (
    USER_DEPENDENCY
    + """

def build(flag: bool):
    return user_dependency(flag)
"""
)

ROUTES = """\
from typing import Optional

from fastapi import APIRouter, Header, HTTPException


def create_routes(api_key: Optional[str]) -> APIRouter:
    router = APIRouter()
    key_set = bool(api_key)

    @router.get("/docs-list")
    async def docs_list(x_api_key: Optional[str] = Header(None)) -> dict:
        if key_set and x_api_key != api_key:
            raise HTTPException(status_code=401)
        return {"docs": []}

    return router
"""

MAIN = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI

from app.deps import any_key_when_asked, build, key_dependency, optional_user, read_or_write
from app.routes import create_routes

API_KEY = os.getenv("API_KEY")
app = FastAPI()
app.include_router(create_routes(API_KEY))


@app.get("/feed")
def feed(user: Optional[str] = Depends(optional_user)) -> dict:
    return {"user": user}


@app.get("/items", dependencies=[Depends(read_or_write)])
def items() -> dict:
    return {}


@app.get("/any", dependencies=[Depends(any_key_when_asked)])
def any_key() -> dict:
    return {}


@app.get("/keyed-elif", dependencies=[Depends(key_dependency(API_KEY))])
def keyed_elif() -> dict:
    return {}


@app.get("/built", dependencies=[Depends(build(False))])
def built() -> dict:
    return {}
"""

PATHS = ["/docs-list", "/feed", "/items", "/any", "/keyed-elif", "/built"]


def test_bearers_returns_and_factory_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {"app/__init__.py": "", "app/deps.py": DEPS, "app/routes.py": ROUTES}
    root = write_project(tmp_path / "p", {**files, "app/main.py": MAIN})
    for name in ("API_KEY", "ACCEPT_ANY_KEY"):
        monkeypatch.delenv(name, raising=False)
    opened = {"/docs-list": 200, "/feed": 200, "/keyed-elif": 200, "/built": 200}
    assert anonymous_statuses(root, PATHS) == {**opened, "/items": 401, "/any": 401}
    monkeypatch.setenv("API_KEY", "k3y")
    monkeypatch.setenv("ACCEPT_ANY_KEY", "1")
    keyed = {"/docs-list": 401, "/keyed-elif": 401}
    assert anonymous_statuses(root, PATHS) == {**opened, **keyed, "/items": 401, "/any": 401}
    assert _with_junk_key(root, ["/items", "/any"]) == {"/items": 401, "/any": 200}
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {
        "/docs-list": "none",
        "/feed": "optional",
        "/items": "required",
        "/any": "optional",  # any key passes when ACCEPT_ANY_KEY is set
        "/keyed-elif": "optional",
        "/built": "optional",
    }
    switches = [f for f in result.findings if f.message.startswith("Configuration switch")]
    lines = DEPS.splitlines()
    assert [(f.code, f.path, f.line) for f in switches] == [
        ("BK102", "app/deps.py", lines.index("        if ACCEPT_ANY_KEY:") + 2),
        ("BK102", "app/deps.py", lines.index("        elif not key_set:") + 2),
    ]
    assert "any_key_when_asked's early return on ACCEPT_ANY_KEY" in switches[0].message
    assert "check's else-branch return on key_set" in switches[1].message
    routes = sorted(
        (f.code, f.message.split(" ")[2])
        for f in result.findings
        if f.code in ("BK101", "BK102") and f not in switches
    )
    assert routes == [("BK101", "/docs-list"), ("BK102", "/built"), ("BK102", "/feed")]


def _with_junk_key(root: Path, paths: list[str]) -> dict[str, int]:
    """The status FastAPI answers a ``GET`` of each of ``paths`` sending a key it does not
    know."""
    from fastapi.testclient import TestClient

    with imported_app(root, "app.main:app") as application:
        client = TestClient(application)
        return {path: client.get(path, headers={"X-API-Key": "junk"}).status_code for path in paths}


UNCHECKED = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from app.factories import user_dependency

header = APIKeyHeader(name="X-API-Key", auto_error=False)
KEYS = set(os.getenv("KEYS", "k3y").split(","))
OPEN = os.getenv("OPEN") == "1"
REVOKED = {"old"}


def ensure_not_revoked(key: str) -> None:
    if key in REVOKED:
        raise HTTPException(status_code=403, detail="revoked")


def verify(key: str) -> None:
    if key not in KEYS:
        raise HTTPException(status_code=401, detail="unknown key")


async def not_revoked(key: Optional[str] = Security(header)) -> None:
    if key:
        ensure_not_revoked(key)
        return
    if key is None or key not in KEYS:
        raise HTTPException(status_code=401, detail="key required")


async def checked_on_get(request: Request, key: Optional[str] = Security(header)) -> None:
    if key:
        if request.method == "GET":
            verify(key)
        else:
            if OPEN:
                return
        if key not in KEYS:
            raise HTTPException(status_code=401)
        return
    raise HTTPException(status_code=401, detail="key required")


if os.getenv("DEV") == "1":
    from app.dev import protected
else:
    protected = user_dependency(True)
app = FastAPI()


@app.get("/revoked", dependencies=[Depends(not_revoked)])
def revoked() -> dict:
    return {}


@app.post("/write", dependencies=[Depends(checked_on_get)])
def write() -> dict:
    return {}


@app.get("/me", dependencies=[Depends(protected)])
def me() -> dict:
    return {}
"""

DEV = """\
async def protected() -> None:
    return None
"""


def test_checks_that_do_not_check_and_names_bound_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A helper that rejects some keys only (a revocation list), a check in the other branch
    of an ``if``, and ``protected`` bound by an import as well as by ``user_dependency(True)``
    (the third review): each route is reachable without a valid key somewhere, and reported."""
    from test_factory_switches import FACTORIES

    files = {"app/__init__.py": "", "app/factories.py": FACTORIES, "app/dev.py": DEV}
    root = write_project(tmp_path / "p", {**files, "app/main.py": UNCHECKED})
    for name in ("DEV", "OPEN"):
        monkeypatch.delenv(name, raising=False)
    assert _with_junk_key(root, ["/revoked"]) == {"/revoked": 200}
    monkeypatch.setenv("DEV", "1")
    assert anonymous_statuses(root, ["/me"]) == {"/me": 200}
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {"/revoked": "optional", "/write": "optional", "/me": "optional"}
    flagged = {f.message.split(" ")[2] for f in result.findings if f.code == "BK102"}
    assert {"/revoked", "/me"} <= flagged


REBOUND = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

header = APIKeyHeader(name="X-API-Key", auto_error=False)
AUTH_ENABLED = os.getenv("AUTH_ENABLED", "1") == "1"
KEYS = {"k3y"}


def user_dependency(required: bool):
    required = required and AUTH_ENABLED

    async def user(key: Optional[str] = Security(header)) -> Optional[str]:
        if not required:
            return None
        if key not in KEYS:
            raise HTTPException(status_code=401)
        return key

    return user


def make_check(key: Optional[str] = None):
    async def check(request: Request, key: Optional[str] = Security(header)) -> None:
        if key:
            if request.method == "GET":
                return
            if key not in KEYS:
                raise HTTPException(status_code=401, detail="bad key")
            return
        raise HTTPException(status_code=401, detail="key required")

    return check


protected = user_dependency(True)
checked = make_check()
app = FastAPI()


@app.get("/me", dependencies=[Depends(protected)])
def me() -> dict:
    return {}


@app.get("/var", dependencies=[Depends(checked)])
def var() -> dict:
    return {}
"""


def test_factory_literals_the_function_does_not_read_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A factory that rebinds its flag (``required = required and AUTH_ENABLED``) and a
    function whose own parameter has the factory parameter's name (the fourth review): the
    literal the call gives decides nothing there."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": REBOUND})
    monkeypatch.setenv("AUTH_ENABLED", "0")
    assert anonymous_statuses(root, ["/me"]) == {"/me": 200}
    assert _with_junk_key(root, ["/var"]) == {"/var": 200}
    result = analyze([root], use_cache=False)
    assert {route.path: route.auth for route in result.routes} == {
        "/me": "optional",
        "/var": "optional",
    }
