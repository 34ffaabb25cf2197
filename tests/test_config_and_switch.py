"""A check made only when the configuration asks for it, written as one ``and`` test, checked
against FastAPI.

``if API_KEY and key != API_KEY: raise HTTPException(401)`` is how many services make their
key optional: with no key configured, the test is false and every caller gets in. It was
``required``; it is now the same configuration switch as an early return (``if not API_KEY:
return``), reported once at the ``if``. A test whose operands all read the credential, a
check of the missing credential before it or a rejecting helper after it, or an operand that
is always true, still rejects anonymous callers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

MAIN = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Security
from fastapi.security import APIKeyHeader

API_KEY = os.getenv("API_KEY", "")
OTHER_KEYS = {"spare"}
REQUIRE = True
DISABLE_AUTH = os.getenv("DISABLE_AUTH") == "1"


class Settings:
    auth_enabled = bool(os.getenv("API_KEY"))


settings = Settings()
header = APIKeyHeader(name="X-API-Key", auto_error=False)
app = FastAPI()


async def scheme_key(key: Optional[str] = Security(header)) -> None:
    if API_KEY and key != API_KEY:
        raise HTTPException(status_code=401)


def header_key(x_api_key: Optional[str] = Header(None)) -> None:
    if settings.auth_enabled and (x_api_key is None or x_api_key != API_KEY):
        raise HTTPException(status_code=401)


def either_key(x_api_key: Optional[str] = Header(None)) -> None:
    if x_api_key != API_KEY and x_api_key not in OTHER_KEYS:
        raise HTTPException(status_code=401)


def missing_first(x_api_key: Optional[str] = Header(None)) -> None:
    if x_api_key is None:
        raise HTTPException(status_code=401)
    if API_KEY and x_api_key != API_KEY:
        raise HTTPException(status_code=403)


def decode(token: Optional[str]) -> str:
    if token is None:
        raise HTTPException(status_code=401)
    return token


def then_helper(x_api_key: Optional[str] = Header(None)) -> str:
    if API_KEY and x_api_key != API_KEY:
        raise HTTPException(status_code=401)
    return decode(x_api_key)


def always(x_api_key: Optional[str] = Header(None)) -> None:
    if REQUIRE and x_api_key != API_KEY:
        raise HTTPException(status_code=401)


def unless_disabled(x_api_key: Optional[str] = Header(None)) -> None:
    if not (DISABLE_AUTH or x_api_key == "k3y"):
        raise HTTPException(status_code=401)


@app.get("/unless", dependencies=[Depends(unless_disabled)])
def unless() -> dict:
    return {}


@app.get("/then", dependencies=[Depends(then_helper)])
def then() -> dict:
    return {}


@app.get("/always", dependencies=[Depends(always)])
def always_route() -> dict:
    return {}


@app.get("/scheme", dependencies=[Depends(scheme_key)])
def scheme() -> dict:
    return {}


@app.get("/header", dependencies=[Depends(header_key)])
def header_route() -> dict:
    return {}


@app.get("/either", dependencies=[Depends(either_key)])
def either() -> dict:
    return {}


@app.get("/missing", dependencies=[Depends(missing_first)])
def missing() -> dict:
    return {}
"""

PATHS = ["/scheme", "/header", "/either", "/missing", "/then", "/always", "/unless"]


def test_and_test_on_configuration_is_a_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    monkeypatch.delenv("API_KEY", raising=False)
    assert anonymous_statuses(root, PATHS) == {
        "/scheme": 200,
        "/header": 200,
        "/either": 401,
        "/missing": 401,
        "/then": 401,  # the helper after the test rejects a missing key
        "/always": 401,  # REQUIRE is always true
        "/unless": 401,
    }
    monkeypatch.setenv("API_KEY", "k3y")
    assert anonymous_statuses(root, PATHS) == dict.fromkeys(PATHS, 401)
    monkeypatch.setenv("DISABLE_AUTH", "1")
    assert anonymous_statuses(root, ["/unless"]) == {"/unless": 200}
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {
        "/scheme": "optional",  # the lenient scheme is left
        "/header": "none",
        "/either": "required",
        "/missing": "required",
        "/then": "required",
        "/always": "required",
        "/unless": "none",  # not (DISABLE_AUTH or ...): the and of two negations
    }
    switches = [f for f in result.findings if f.message.startswith("Configuration switch")]
    lines = MAIN.splitlines()
    assert [(f.code, lines[f.line - 1].strip()) for f in switches] == [
        ("BK102", "if API_KEY and key != API_KEY:"),
        ("BK101", "if settings.auth_enabled and (x_api_key is None or x_api_key != API_KEY):"),
        ("BK101", 'if not (DISABLE_AUTH or x_api_key == "k3y"):'),
    ]
    assert "selecting scheme_key's test on API_KEY makes" in switches[0].message
    assert "selecting header_key's test on settings.auth_enabled turns" in switches[1].message
