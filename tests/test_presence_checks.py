"""A check that runs only when the credential is there (``if key is not None:``, ``if token
and token not in KEYS:``) rejects no caller without one: FastAPI lets them through, so the
dependency authenticates nobody. A check whose missing case is rejected too (an ``else`` or
``elif`` that raises, a 401 after the ``if``, ``if not key or ...``) stays a check. The
summary keeps what each ``if`` test requires to be present (``IfBlock.present``) and where
its body ends (``IfBlock.body_end``). Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

MAIN = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException

KEYS = [k for k in os.environ.get("BK_KEYS", "k").split(",") if k]


def when_given(x_api_key: Optional[str] = Header(None)) -> None:
    if x_api_key is not None:
        if x_api_key not in KEYS:
            raise HTTPException(status_code=401)
    return None


def truthy_and(x_api_key: Optional[str] = Header(None)) -> None:
    if x_api_key and x_api_key not in KEYS:
        raise HTTPException(status_code=401)


def with_else(x_api_key: Optional[str] = Header(None)) -> None:
    if x_api_key:
        if x_api_key not in KEYS:
            raise HTTPException(status_code=401)
    else:
        raise HTTPException(status_code=401)


def with_elif(x_api_key: Optional[str] = Header(None)) -> None:
    if x_api_key is not None:
        if x_api_key not in KEYS:
            raise HTTPException(status_code=401)
    elif x_api_key is None:
        raise HTTPException(status_code=401)


def falls_to_raise(x_api_key: Optional[str] = Header(None)) -> str:
    if x_api_key:
        if x_api_key not in KEYS:
            raise HTTPException(status_code=403)
        return x_api_key
    raise HTTPException(status_code=401)


def missing_or_wrong(x_api_key: Optional[str] = Header(None)) -> None:
    if not x_api_key or x_api_key not in KEYS:
        raise HTTPException(status_code=401)


app = FastAPI()


@app.get("/given", dependencies=[Depends(when_given)])
def r1() -> str: return "ok"
@app.get("/truthy", dependencies=[Depends(truthy_and)])
def r2() -> str: return "ok"
@app.get("/else", dependencies=[Depends(with_else)])
def r3() -> str: return "ok"
@app.get("/elif", dependencies=[Depends(with_elif)])
def r6() -> str: return "ok"
@app.get("/falls", dependencies=[Depends(falls_to_raise)])
def r4() -> str: return "ok"
@app.get("/missing", dependencies=[Depends(missing_or_wrong)])
def r5() -> str: return "ok"
"""

FILES = {"app/__init__.py": "", "app/main.py": MAIN}
PATHS = ["/given", "/truthy", "/else", "/elif", "/falls", "/missing"]


def test_fastapi_behaviour(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES)
    assert anonymous_statuses(root, PATHS) == {
        "/given": 200,
        "/truthy": 200,
        "/else": 401,
        "/elif": 401,
        "/falls": 401,
        "/missing": 401,
    }


def test_a_check_only_when_present_authenticates_nobody(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES, select=["BK101"])
    result = analyze([root], use_cache=False)
    assert {r.path: r.auth for r in result.routes} == {
        "/given": "none",
        "/truthy": "none",
        "/else": "required",
        "/elif": "required",  # the elif branch is no part of the body
        "/falls": "required",
        "/missing": "required",
    }
    lines = MAIN.splitlines()
    assert sorted(f.line for f in result.findings) == [
        lines.index('@app.get("/given", dependencies=[Depends(when_given)])') + 1,
        lines.index('@app.get("/truthy", dependencies=[Depends(truthy_and)])') + 1,
    ]
