"""A dependency made by a factory, whose check the factory's arguments switch, checked
against FastAPI.

lightrag's ``get_combined_auth_dependency(api_key)`` returns a closure that lets everyone in
when no key is configured (``key_set = bool(api_key)``, then ``if not key_set: return``), after
rejecting a bad key a caller presented. The factory runs once, as the app is set up, so
``key_set`` is configuration: the routes are reported once, as a configuration switch at that
return, not route by route. The 401 for a bad key comes first, but an anonymous caller never
meets it (it is under ``if key:``), so the return still skips every check an anonymous caller
gets. A factory given a literal (``user_dependency(required=False)``) is no configuration: that
literal decides the check for the routes of that call, also when the call is bound to a
variable first (``protected = user_dependency(True)``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.project.rejections import Bearers, anonymous
from backendkit.summary.model import IfBlock, Scope
from helpers import write_project
from truth import anonymous_statuses

#: a factory whose flag decides the check (a literal at each call: no configuration)
USER_DEPENDENCY = """\
def user_dependency(required: bool):
    async def user(key: Optional[str] = Security(header)) -> Optional[str]:
        if not required:
            return None
        if key is None:
            raise HTTPException(status_code=401)
        return key

    return user
"""

FACTORIES = """\
from typing import Optional

from fastapi import HTTPException, Security
from fastapi.security import APIKeyHeader

header = APIKeyHeader(name="X-API-Key", auto_error=False)


def key_dependency(api_key: Optional[str]):
    key_set = bool(api_key)

    async def check(key: Optional[str] = Security(header)) -> None:
        if key:
            if key != api_key:
                raise HTTPException(status_code=401, detail="bad key")
            return
        if not key_set:
            return
        raise HTTPException(status_code=401, detail="key required")

    return check

"""
FACTORIES += "\n\n" + USER_DEPENDENCY

MAIN = """\
import os

from fastapi import Depends, FastAPI

from app.factories import key_dependency, user_dependency

API_KEY = os.getenv("API_KEY")
keyed = key_dependency(API_KEY)
protected = user_dependency(True)
anonymous_ok = user_dependency(False)
app = FastAPI()


@app.get("/keyed", dependencies=[Depends(keyed)])
def keyed_route() -> dict:
    return {}


@app.get("/keyed-inline", dependencies=[Depends(key_dependency(API_KEY))])
def keyed_inline() -> dict:
    return {}


@app.get("/me", dependencies=[Depends(protected)])
def me() -> dict:
    return {}


@app.get("/feed", dependencies=[Depends(anonymous_ok)])
def feed() -> dict:
    return {}
"""

PATHS = ["/keyed", "/keyed-inline", "/me", "/feed"]


def _project(root: Path, main: str = MAIN) -> Path:
    files = {"app/__init__.py": "", "app/factories.py": FACTORIES, "app/main.py": main}
    return write_project(root, files)


def test_factory_argument_is_a_configuration_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path / "p")
    monkeypatch.delenv("API_KEY", raising=False)
    assert anonymous_statuses(root, PATHS) == {
        "/keyed": 200,
        "/keyed-inline": 200,
        "/me": 401,
        "/feed": 200,
    }
    monkeypatch.setenv("API_KEY", "k3y")
    assert anonymous_statuses(root, PATHS) == {
        "/keyed": 401,
        "/keyed-inline": 401,
        "/me": 401,
        "/feed": 200,
    }
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth["/me"] == "required"  # ``user_dependency(True)`` through a variable
    auth_findings = [f for f in result.findings if f.code in ("BK101", "BK102")]
    lines = FACTORIES.splitlines()
    switches = [f for f in auth_findings if f.message.startswith("Configuration switch")]
    assert [(f.code, f.path, lines[f.line - 1].strip()) for f in switches] == [
        ("BK102", "app/factories.py", "return"),
    ]
    assert switches[0].line == lines.index("        if not key_set:") + 2
    assert "check's early return on key_set" in switches[0].message
    assert "GET /keyed, GET /keyed-inline" in switches[0].message
    routes = [f for f in auth_findings if f not in switches]
    assert [(f.code, f.message.split(" ")[2]) for f in routes] == [("BK102", "/feed")]


def test_literal_argument_decides_instead(tmp_path: Path) -> None:
    """One call of the factory with a literal key: ``key_set`` is no configuration then, and
    the routes are reported one by one, as before."""
    main = MAIN.replace(
        "anonymous_ok = user_dependency(False)\n",
        'anonymous_ok = user_dependency(False)\nfixed = key_dependency("k3y")\n',
    )
    result = analyze([_project(tmp_path / "p", main)], use_cache=False)
    switches = [f for f in result.findings if f.message.startswith("Configuration switch")]
    assert switches == []
    flagged = sorted(f.message.split(" ")[2] for f in result.findings if f.code == "BK102")
    assert flagged == ["/feed", "/keyed", "/keyed-inline"]


def test_anonymous_rejections() -> None:
    """The 401s a caller without a credential can meet: not one under ``if key:``."""
    scope = Scope()
    scope.ifs = (IfBlock(first=2, end=5, reads=("key",), present=("key",)),)
    key, token = Bearers(frozenset({"key"})), Bearers(frozenset({"token"}))
    assert anonymous(scope, [3, 7], key) == [7]
    assert anonymous(scope, [3], key) == [3]  # every one under it: all of them
    assert anonymous(scope, [3, 7], token) == [3, 7]


def test_checked_bearers() -> None:
    """A return a caller reaches only with a credential that was checked on the way."""
    scope = Scope()
    scope.ifs = (
        IfBlock(first=2, end=9, reads=("key",), present=("key",)),  # if key:
        IfBlock(first=3, end=5, reads=("request.method",), present=()),  # if GET: return
        IfBlock(first=5, end=7, reads=("key", "KEYS"), present=()),  # if key not in KEYS: raise
    )
    checked = Bearers(frozenset({"key"}), lambda: (6,))
    assert not checked.checked(scope, 4)  # before the check: a junk key gets there
    assert checked.checked(scope, 8)  # after it
    assert not Bearers(frozenset({"token"}), lambda: (6,)).checked(scope, 8)
    unchecked = Bearers(frozenset({"key"}), lambda: (4,))  # a 401 under ``if GET:`` alone
    assert not unchecked.checked(scope, 8)
