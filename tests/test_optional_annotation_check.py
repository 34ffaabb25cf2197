"""A dependency annotated ``-> Optional[str]`` that rejects a missing credential before it
returns anything, checked against FastAPI. The annotation alone made it an "optional user"
(``none`` with a false BK101), though no caller without the key gets past its 401; a
dependency that returns ``None`` for a missing credential is still one."""

from __future__ import annotations

from pathlib import Path

from helpers import write_project
from truth import agrees_with_fastapi

MAIN = """\
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException

API_KEY = "k3y"
USERS = {"k3y": "alice"}
app = FastAPI()


def checked(x_api_key: Optional[str] = Header(None)) -> Optional[str]:
    if x_api_key != API_KEY:
        raise HTTPException(status_code=401)
    return x_api_key


def optional_user(x_api_key: Optional[str] = Header(None)) -> Optional[str]:
    if x_api_key is None:
        return None
    if x_api_key != API_KEY:
        raise HTTPException(status_code=401)
    return x_api_key


def looked_up(x_api_key: Optional[str] = Header(None)) -> Optional[str]:
    return USERS.get(x_api_key or "")


@app.get("/checked")
def read_checked(key: Optional[str] = Depends(checked)) -> dict:
    return {"key": key}


@app.get("/optional")
def read_optional(key: Optional[str] = Depends(optional_user)) -> dict:
    return {"key": key}


@app.get("/looked-up")
def read_looked_up(user: Optional[str] = Depends(looked_up)) -> dict:
    return {"user": user}
"""

EXPECTED = {
    "/checked": (401, "required"),
    "/optional": (200, "none"),
    "/looked-up": (200, "none"),
}


def test_an_optional_annotation_is_no_optional_user_by_itself(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = agrees_with_fastapi(root, EXPECTED)
    open_lines = sorted(f.line for f in result.findings if f.code == "BK101")
    routes = {route.path: route.line for route in result.routes}
    assert open_lines == sorted([routes["/optional"], routes["/looked-up"]])
