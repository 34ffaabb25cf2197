"""The configuration switch of ``test_config_auth.py`` written with an ``else``: fastchat's
``if API_KEYS: <check> else: return None  # allow all`` and its mirror ``if not KEY: return
None else: <check>`` are the same switch as the early return (one finding at the return that
lets everyone in), while an ``elif`` chain whose first branch answers 503 is no switch at all.
Checked against FastAPI with and without a key."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

AUTH = """\
import os
from typing import Optional

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

API_KEYS = [k for k in os.environ.get("BK_API_KEYS", "").split(",") if k]
MAINTENANCE = os.environ.get("BK_MAINTENANCE") == "1"
MODE = os.environ.get("BK_MODE", "keys")
MASTER = os.environ.get("BK_MASTER", "m")
bearer = HTTPBearer(auto_error=False)


async def check_api_key(
    auth: Optional[HTTPAuthorizationCredentials] = Depends(bearer),
) -> Optional[str]:
    if API_KEYS:
        if auth is None or auth.credentials not in API_KEYS:
            raise HTTPException(status_code=401, detail="invalid api key")
        return auth.credentials
    else:
        # api_keys not set; allow all
        return None


def check_header(request: Request) -> None:
    if not API_KEYS:
        return None
    else:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)


def modes(request: Request) -> str:
    key = request.headers.get("X-API-Key", "")
    if MODE == "keys":
        if key not in API_KEYS:
            raise HTTPException(status_code=401)
    else:
        if key != MASTER:
            raise HTTPException(status_code=401)
        return "master"
    return key


def verify_remote(token: Optional[str]) -> str:
    if token != "remote-ok":
        raise HTTPException(status_code=401)
    return "remote"


def providers(auth: Optional[HTTPAuthorizationCredentials] = Depends(bearer)) -> str:
    if MODE == "keys":
        if auth is None or auth.credentials not in API_KEYS:
            raise HTTPException(status_code=401)
        return auth.credentials
    else:
        return verify_remote(auth.credentials if auth else None)


def check_or_maintenance(request: Request) -> None:
    if MAINTENANCE:
        raise HTTPException(status_code=503)
    elif request.headers.get("X-API-Key") not in API_KEYS:
        raise HTTPException(status_code=401)
"""

MAIN = """\
from fastapi import Depends, FastAPI

from app.auth import check_api_key, check_header, check_or_maintenance, modes, providers

app = FastAPI()


@app.get("/models", dependencies=[Depends(check_api_key)])
def models() -> list[str]:
    return []


@app.get("/items", dependencies=[Depends(check_header)])
def items() -> list[str]:
    return []


@app.get("/orders", dependencies=[Depends(check_or_maintenance)])
def orders() -> list[str]:
    return []


@app.get("/modes", dependencies=[Depends(modes)])
def in_modes() -> list[str]:
    return []


@app.get("/providers", dependencies=[Depends(providers)])
def by_provider() -> list[str]:
    return []
"""

FILES = {"app/__init__.py": "", "app/auth.py": AUTH, "app/main.py": MAIN}
PATHS = ["/models", "/items", "/orders", "/modes", "/providers"]
CHECKED = {"/orders": 401, "/modes": 401, "/providers": 401}
LINES = AUTH.splitlines()
ELSE_RETURN = LINES.index("        # api_keys not set; allow all") + 2
BODY_RETURN = LINES.index("    if not API_KEYS:") + 2


@pytest.mark.parametrize(
    ("keys", "expected"),
    [("", {"/models": 200, "/items": 200, **CHECKED}),
     ("secret", dict.fromkeys(PATHS, 401))],
)  # fmt: skip
@pytest.mark.parametrize("mode", ["keys", "master"])
def test_fastapi_behaviour(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    keys: str,
    expected: dict[str, int],
    mode: str,
) -> None:
    monkeypatch.setenv("BK_API_KEYS", keys)
    monkeypatch.setenv("BK_MODE", mode)
    root = write_project(tmp_path / "p", FILES)
    assert anonymous_statuses(root, PATHS) == expected


def test_an_else_that_lets_everyone_in_is_the_same_switch(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES, select=["BK101", "BK102"])
    result = analyze([root], use_cache=False)
    assert {r.path: r.auth for r in result.routes} == {
        "/models": "optional",  # as the early-return form: the bearer scheme lets all in
        "/items": "none",
        "/orders": "required",  # 503 or 401: anonymous callers never get in
        "/modes": "required",  # the else branch checks too, before its return
        "/providers": "required",  # ... or returns what a check gives
    }
    found = [(f.code, f.path, f.line) for f in result.findings]
    assert found == [
        ("BK102", "app/auth.py", ELSE_RETURN),
        ("BK101", "app/auth.py", BODY_RETURN),
    ]
    assert "selecting check_api_key's else-branch return on API_KEYS" in result.findings[0].message
    assert "selecting check_header's else-branch return on API_KEYS" in result.findings[1].message
    assert result.findings[1].extra["routes"] == ["GET /items"]
