"""A credential FastAPI reads from the query string without ``Query()``: ``token: str`` or
``api_key: Optional[str] = None`` in an endpoint, a dependency or a WebSocket endpoint (zenml's
download routes, the ``?api_key=`` style). Such a parameter was not seen as a credential, so the
routes were ``none`` with a false BK101 ("authenticate no one"). Only functions FastAPI calls
read it: a helper's ``token: str`` is what its caller hands it. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

from helpers import write_project
from truth import agrees_with_fastapi, anonymous_statuses

MAIN = """\
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Query

API_KEY = "k"
VALID = {"t0k"}


def verify_download_token(token: str, resource_id: str) -> None:
    if token not in VALID:
        raise HTTPException(status_code=401, detail="Invalid download token")


def verify_api_key(api_key: Optional[str] = None) -> None:
    if api_key != API_KEY:
        raise HTTPException(status_code=401, detail="bad key")


def verify_token(token: str) -> str:
    if token != API_KEY:
        raise HTTPException(status_code=401, detail="bad token")
    return token


app = FastAPI()


@app.get("/http/{artifact_id}/data")
def download_http(artifact_id: str, token: str) -> dict:
    verify_download_token(token=token, resource_id=artifact_id)
    return {"data": artifact_id}


@app.get("/inline/{artifact_id}/data")
def download_inline(artifact_id: str, token: Optional[str] = None) -> dict:
    if token not in VALID:
        raise HTTPException(status_code=401, detail="Invalid download token")
    return {"data": artifact_id}


@app.get("/explicit/{artifact_id}/data")
def download_explicit(artifact_id: str, token: str = Query()) -> dict:
    verify_download_token(token=token, resource_id=artifact_id)
    return {"data": artifact_id}


@app.get("/dep_optional", dependencies=[Depends(verify_api_key)])
def r1() -> dict:
    return {"ok": True}


@app.get("/dep_required", dependencies=[Depends(verify_token)])
def r2() -> dict:
    return {"ok": True}


@app.get("/issued")
def issued() -> dict:
    verify_download_token(token="t0k", resource_id="x")
    return {"ok": True}
"""

EXPECTED = {  # a required token missing is FastAPI's 422; a wrong one, the check's 401
    "/http/{artifact_id}/data": (422, "required"),
    "/inline/{artifact_id}/data": (401, "required"),
    "/explicit/{artifact_id}/data": (422, "required"),
    "/dep_optional": (401, "required"),
    "/dep_required": (422, "required"),
    "/issued": (200, "none"),
}
WRONG_TOKEN = ["/http/a1/data?token=x", "/explicit/a1/data?token=x", "/dep_required?token=x"]


def test_an_implicit_query_parameter_with_a_credentials_name_is_read(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    agrees_with_fastapi(root, EXPECTED)
    assert set(anonymous_statuses(root, WRONG_TOKEN).values()) == {401}


NOT_QUERY = """\
from fastapi import FastAPI, HTTPException

VALID = {"t0k"}
app = FastAPI()


@app.get("/p/{api_key}")
def by_path(api_key: str) -> dict:
    if api_key is None:
        raise HTTPException(status_code=401)
    return {}


@app.get("/b")
def defaulted(api_key: str = "t0k") -> dict:
    if api_key not in VALID:
        raise HTTPException(status_code=401)
    return {}
"""


def test_a_path_parameter_or_a_defaulted_one_is_no_query_credential(tmp_path: Path) -> None:
    """A path parameter comes from the path (never None); a default that is itself a value
    lets callers without the query parameter through."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": NOT_QUERY})
    agrees_with_fastapi(root, {"/p/{api_key}": (200, "none"), "/b": (200, "none")})
