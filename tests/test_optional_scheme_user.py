"""An optional user behind a lenient security scheme, checked against FastAPI.

The most common shape of optional authentication in FastAPI code::

    oauth2 = OAuth2PasswordBearer(tokenUrl="token", auto_error=False)

    def optional_user(token: str | None = Depends(oauth2)) -> str | None:
        if token is None:
            return None          # an anonymous caller gets through, as None
        try:
            return decode(token)
        except ValueError:
            raise HTTPException(status_code=401)

A ``return`` with a value where only a caller without the credential gets (the body of ``if
token is None:`` / ``if not token:``, the ``else:`` of ``if token:``) lets a missing credential
through before the 401, as a bare ``return`` does: every route using the dependency alone is
``optional`` (it was ``required``, with no BK102). The endpoint, or a dependency above, that
rejects ``None`` checks the credential the scheme took (``its own body``).
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from backendkit import analyze
from backendkit.summary.flow import test_absence as absence_of
from helpers import write_project
from truth import anonymous_statuses

OPTIONAL_USER = """\
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

app = FastAPI()
oauth2 = OAuth2PasswordBearer(tokenUrl="/token", auto_error=False)
api_key = APIKeyHeader(name="X-API-Key", auto_error=False)
USERS = {"t0k3n": "ann"}
MASTER = "m4st3r"
KEYS = {"k3y"}


def decode(token: str) -> str:
    if token not in USERS:
        raise ValueError(token)
    return USERS[token]


def optional_user(token: Optional[str] = Depends(oauth2)) -> Optional[str]:
    if token is None:
        return None
    try:
        return decode(token)
    except ValueError:
        raise HTTPException(status_code=401, detail="bad token")


def maybe_user(token: Optional[str] = Depends(oauth2)) -> Optional[str]:
    if token:
        print("token given")
    else:
        return None
    user = USERS.get(token)
    if user is None:
        raise HTTPException(status_code=401)
    return user


def require_user(user: Optional[str] = Depends(optional_user)) -> str:
    if user is None:
        raise HTTPException(status_code=401)
    return user


def key_owner(key: Optional[str] = Depends(api_key)) -> str:
    if key == MASTER:
        return "admin"
    if key not in KEYS:
        raise HTTPException(status_code=403)
    return "client"


@app.get("/feed")
def feed(user: Optional[str] = Depends(optional_user)) -> dict:
    return {"personal": user is not None}


@app.get("/plain")
def plain(user: Optional[str] = Depends(maybe_user)) -> dict:
    return {}


@app.get("/posts/{pid}")
def post(pid: int, user: Optional[str] = Depends(optional_user)) -> dict:
    if pid > 100 and user is None:
        raise HTTPException(status_code=401)
    return {}


@app.get("/me")
def me(user: Optional[str] = Depends(optional_user)) -> dict:
    if user is None:
        raise HTTPException(status_code=401)
    return {"user": user}


@app.get("/settings")
def settings(user: str = Depends(require_user)) -> dict:
    return {"user": user}


@app.get("/keys")
def keys(owner: str = Depends(key_owner)) -> dict:
    return {"owner": owner}
"""

PATHS = ["/feed", "/plain", "/posts/1", "/me", "/settings", "/keys"]


def test_an_optional_user_behind_a_lenient_scheme(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": OPTIONAL_USER})
    truth = anonymous_statuses(root, PATHS)
    assert truth == {"/feed": 200, "/plain": 200, "/posts/1": 200} | {
        "/me": 401,
        "/settings": 401,
        "/keys": 403,
    }
    result = analyze([root], use_cache=False)
    routes = {route.path: route for route in result.routes}
    expected = {"/feed": "optional", "/plain": "optional", "/posts/{pid}": "optional"}
    expected |= {"/me": "required", "/settings": "required", "/keys": "required"}
    assert {path: routes[path].auth for path in expected} == expected
    assert routes["/me"].auth_chain[-1] == (
        "its own body (checks OAuth2PasswordBearer credentials)"
    )
    lenient = sorted(f.line for f in result.findings if f.code == "BK102")
    assert lenient == [routes[p].line for p in ("/feed", "/plain", "/posts/{pid}")]


@pytest.mark.parametrize(
    ("test", "absent"),
    [
        ("token is None", ("token",)),
        ("not token", ("token",)),
        ('token == ""', ("token",)),
        ("not creds.credentials", ("creds.credentials",)),
        ("token is None or expired(token)", ("token",)),
        ("not cookie and not header", ("cookie", "header")),
        ("not token and settings.strict", ()),
        ("token", ()),
        ("token is not None", ()),
        ("token == MASTER", ()),
        ("token != None", ()),
    ],
)
def test_the_names_whose_absence_makes_a_test_hold(test: str, absent: tuple[str, ...]) -> None:
    assert absence_of(cst.parse_expression(test)) == absent
