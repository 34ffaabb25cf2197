"""A guard dependency (``dependencies=[Depends(verify_key)]``, ``-> None``) that ends with
``return None``, in an ``else`` or after its 401, authenticates: what it returns is no
identity, so its ``None`` hands no missing credential on. It was ``none`` (BK101 "no
authentication dependency") when the header was read inside the ``if`` test. A ``None``
before the 401 still lets callers through, and a dependency returning an optional identity
is still an optional user. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

MAIN = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request

API_KEYS = [k for k in os.environ.get("BK_KEYS", "").split(",") if k]
MAINTENANCE = os.environ.get("BK_MAINTENANCE") == "1"


def in_else(request: Request) -> None:
    if request.headers.get("X-API-Key") not in API_KEYS:
        raise HTTPException(status_code=401)
    else:
        return None


def after_elif(request: Request) -> None:
    if MAINTENANCE:
        raise HTTPException(status_code=503)
    elif request.headers.get("X-API-Key") not in API_KEYS:
        raise HTTPException(status_code=401)
    return None


def missing_passes(request: Request) -> None:
    key = request.headers.get("X-API-Key")
    if key is None:
        return None
    if key not in API_KEYS:
        raise HTTPException(status_code=401)
    return None


def check_key(request: Request) -> None:
    if request.headers.get("X-API-Key") not in API_KEYS:
        raise HTTPException(status_code=401)


def delegates(request: Request) -> None:
    check_key(request)
    return None


def delegates_when_given(request: Request) -> None:
    if not request.headers.get("X-API-Key"):
        return None
    check_key(request)


def optional_key(request: Request) -> Optional[str]:
    key = request.headers.get("X-API-Key")
    if key is not None and key not in API_KEYS:
        raise HTTPException(status_code=401)
    return key


app = FastAPI()


@app.get("/else", dependencies=[Depends(in_else)])
def guarded_else() -> str:
    return "ok"


@app.get("/elif", dependencies=[Depends(after_elif)])
def guarded_elif() -> str:
    return "ok"


@app.get("/missing", dependencies=[Depends(missing_passes)])
def missing() -> str:
    return "ok"


@app.get("/delegated", dependencies=[Depends(delegates)])
def delegated() -> str:
    return "ok"


@app.get("/when-given", dependencies=[Depends(delegates_when_given)])
def when_given() -> str:
    return "ok"


@app.get("/optional")
def optional(key: Optional[str] = Depends(optional_key)) -> str:
    return key or "anonymous"
"""

FILES = {"app/__init__.py": "", "app/main.py": MAIN}
PATHS = ["/else", "/elif", "/missing", "/delegated", "/when-given", "/optional"]


@pytest.mark.parametrize("keys", ["", "secret"])
def test_fastapi_behaviour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: str) -> None:
    monkeypatch.setenv("BK_KEYS", keys)
    root = write_project(tmp_path / "p", FILES)
    expected = {"/else": 401, "/elif": 401, "/missing": 200, "/delegated": 401}
    expected |= {"/when-given": 200, "/optional": 200}
    assert anonymous_statuses(root, PATHS) == expected


def test_a_guard_ending_with_return_none_authenticates(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES, select=["BK101", "BK102"])
    result = analyze([root], use_cache=False)
    assert {r.path: r.auth for r in result.routes} == {
        "/else": "required",
        "/elif": "required",
        "/missing": "none",  # a missing key returns before the 401
        "/delegated": "required",  # the check is a call; its None comes after it
        "/when-given": "none",  # ... here before it
        "/optional": "none",  # an optional identity: anonymous callers get "anonymous"
    }
    lines = MAIN.splitlines()
    assert sorted(f.line for f in result.findings) == [
        lines.index('@app.get("/missing", dependencies=[Depends(missing_passes)])') + 1,
        lines.index('@app.get("/when-given", dependencies=[Depends(delegates_when_given)])') + 1,
        lines.index('@app.get("/optional")') + 1,
    ]
