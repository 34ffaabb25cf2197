"""Review fixes of the authentication status: a heuristic never turns a route that is really
unauthenticated into ``required`` or ``unknown``.

- a library class instance (fastapi-limiter's ``RateLimiter(times=2, seconds=5)``) is opaque
  only when its class or module is named like authentication (opal's ``JWTAuthenticator``);
- a scheme subclass whose ``__call__`` replaces the check (never calls ``super().__call__``)
  does not reject by itself: its own raises decide;
- ``auto_error`` passed positionally is bound to the scheme's ``__init__``; an unresolved value
  is ``optional``;
- a sign-out segment followed by anything (``/users/logout/{user_id}``) is no convention.

Each case is checked against FastAPI (TestClient) beside the analysis."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

#: stand-ins for the libraries (outside the project, as an installed package is)
LIMITER = """\
class RateLimiter:
    def __init__(self, times: int = 1, seconds: int = 1) -> None:
        self.times = times

    async def __call__(self) -> None:
        return None
"""

KEYAUTH = """\
from fastapi import HTTPException, Request


class KeyChecker:
    def __init__(self, name: str) -> None:
        self.name = name

    async def __call__(self, request: Request) -> str:
        key = request.headers.get(self.name)
        if key != "secret":
            raise HTTPException(status_code=401)
        return key
"""

MAIN = """\
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPBearer, OAuth2PasswordBearer
from fastapi_limiter.depends import RateLimiter
from keyauth import KeyChecker

from app.config import FLAG

app = FastAPI()


class Limited(RateLimiter):
    pass


class LenientBearer(HTTPBearer):
    async def __call__(self, request: Request):
        return request.headers.get("Authorization")


class StrictReplacement(HTTPBearer):
    async def __call__(self, request: Request):
        header = request.headers.get("Authorization")
        if header is None:
            raise HTTPException(status_code=401)
        return header


class Checked(HTTPBearer):
    async def __call__(self, request: Request):
        return await super().__call__(request)


class Bearer(HTTPBearer):
    def __init__(self, auto_error: bool):
        super().__init__(auto_error=auto_error)


class Inner(HTTPBearer):
    def __init__(self, name: str, flag: bool = True):
        super().__init__(scheme_name=name, auto_error=flag)


class Outer(Inner):
    def __init__(self):
        super().__init__("outer", False)


@app.delete("/limited/{user_id}", dependencies=[Depends(RateLimiter(times=2, seconds=5))])
def limited(user_id: int) -> None:
    return None


@app.delete("/limited-sub/{user_id}", dependencies=[Depends(Limited(times=2))])
def limited_sub(user_id: int) -> None:
    return None


@app.delete("/keyed/{user_id}", dependencies=[Depends(KeyChecker("X-Key"))])
def keyed(user_id: int) -> None:
    return None


@app.get("/lenient")
async def lenient(token=Depends(LenientBearer())) -> list[str]:
    return []


@app.get("/strict")
async def strict(token=Depends(StrictReplacement())) -> list[str]:
    return []


@app.get("/checked")
async def checked(token=Depends(Checked())) -> list[str]:
    return []


@app.get("/positional-false")
async def positional_false(token=Depends(Bearer(False))) -> list[str]:
    return []


@app.get("/positional-true")
async def positional_true(token=Depends(Bearer(True))) -> list[str]:
    return []


@app.get("/positional-unknown")
async def positional_unknown(token=Depends(Bearer(FLAG))) -> list[str]:
    return []


@app.get("/through-bases")
async def through_bases(token=Depends(Outer())) -> list[str]:
    return []


@app.get("/oauth-positional")
async def oauth_positional(
    token=Depends(OAuth2PasswordBearer("/token", None, None, None, False)),
) -> list[str]:
    return []


@app.post("/users/logout/{user_id}")
def logout_user(user_id: int) -> None:
    return None


@app.post("/users/logout")
def logout() -> None:
    return None
"""

#: FLAG is read from the environment: the analysis cannot know it (True at run time here)
CONFIG = """\
import os

FLAG = os.environ.get("REVIEW_FLAG", "1") == "1"
"""

#: path -> (status the analysis gives, whether FastAPI refuses an anonymous request)
EXPECTED = {
    "/limited/{user_id}": ("none", False),
    "/limited-sub/{user_id}": ("none", False),
    "/keyed/{user_id}": ("unknown", True),
    "/lenient": ("optional", False),
    "/strict": ("required", True),
    "/checked": ("required", True),
    "/positional-false": ("optional", False),
    "/positional-true": ("required", True),
    "/positional-unknown": ("optional", True),
    "/through-bases": ("optional", False),
    "/oauth-positional": ("optional", False),
    "/users/logout/{user_id}": ("none", False),
    "/users/logout": ("none", False),
}
METHODS = {"/limited/{user_id}": "DELETE", "/limited-sub/{user_id}": "DELETE"}
METHODS |= {"/keyed/{user_id}": "DELETE", "/users/logout/{user_id}": "POST"}
METHODS |= {"/users/logout": "POST"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app, with the two libraries outside the project."""
    base = tmp_path_factory.mktemp("review_auth")
    (base / "lib" / "fastapi_limiter").mkdir(parents=True)
    (base / "lib" / "fastapi_limiter" / "__init__.py").write_text("", encoding="utf-8")
    (base / "lib" / "fastapi_limiter" / "depends.py").write_text(LIMITER, encoding="utf-8")
    (base / "lib" / "keyauth.py").write_text(KEYAUTH, encoding="utf-8")
    files = {"app/__init__.py": "", "app/main.py": MAIN, "app/config.py": CONFIG}
    return write_project(base / "p", files, select=["BK101", "BK102"])


def test_fastapi_behaviour(project: Path) -> None:
    lib = str(project.parent / "lib")
    sys.path.insert(0, lib)
    try:
        with imported_app(project, "app.main:app") as application:
            client = TestClient(application, raise_server_exceptions=False)
            codes = {
                path: client.request(METHODS.get(path, "GET"), path.replace("{user_id}", "1"))
                for path in EXPECTED
            }
    finally:
        sys.path.remove(lib)
        for name in ("fastapi_limiter", "fastapi_limiter.depends", "keyauth"):
            sys.modules.pop(name, None)
    refused = {path: response.status_code in (401, 403) for path, response in codes.items()}
    assert refused == {path: rejects for path, (_, rejects) in EXPECTED.items()}


def test_statuses(project: Path) -> None:
    result = analyze([project])
    routes = {r.path: r for r in result.routes}
    assert {path: r.auth for path, r in routes.items()} == {
        path: status for path, (status, _) in EXPECTED.items()
    }
    assert routes["/users/logout"].public_reason == "conventional: logout"
    assert not routes["/users/logout/{user_id}"].public
    assert routes["/keyed/{user_id}"].auth_chain[-1] == "KeyChecker('X-Key')"
    found = sorted((f.code, f.line) for f in result.findings)
    none = [("BK101", r.line) for r in result.routes if r.auth == "none" and not r.public]
    optional = [("BK102", r.line) for r in result.routes if r.auth == "optional"]
    assert found == sorted(none + optional)
    assert len(none) == 3
