"""A credential a project helper reads and returns is read by its caller, at the call's line,
held by the name the call is bound to: ``token = get_token(request)`` then ``if not token:
raise HTTPException(401)`` checks the Authorization header as the inline read does (feast's
``inject_user_details`` through its token extractor). The caller still has to reject for want
of it: a helper's token that nothing rejects without, or a 401 under an unrelated test, is no
authentication. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

AUTH = """\
from fastapi import HTTPException, Request

MAINTENANCE = False


def get_token(request: Request):
    return request.headers.get("Authorization")


def extract_access_token(request: Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token if scheme.lower() == "bearer" else ""


class BearerTokenExtractor:
    def extract_access_token(self, request: Request) -> str:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        return token if scheme.lower() == "bearer" else ""


token_extractor = BearerTokenExtractor()


def request_id(request: Request) -> str:
    request.headers.get("Authorization")
    return "id"


async def require_header(request: Request) -> str:
    token = get_token(request)
    if not token:
        raise HTTPException(status_code=401, detail="Not authenticated")
    return token


async def require_token(request: Request) -> str:
    access_token = extract_access_token(request)
    if not access_token:
        raise HTTPException(status_code=401, detail="Missing authentication token")
    return access_token


async def inject_user_details(request: Request) -> str:
    access_token = token_extractor.extract_access_token(request=request)
    if not access_token:
        raise HTTPException(status_code=401, detail="Missing authentication token")
    return access_token


async def log_token(request: Request) -> None:
    token = get_token(request)
    print(token)


async def maintenance(request: Request) -> None:
    token = get_token(request)
    print(token)
    if MAINTENANCE:
        raise HTTPException(status_code=401, detail="Down")


async def tagged(request: Request) -> str:
    rid = request_id(request)
    if not rid:
        raise HTTPException(status_code=401, detail="No id")
    return rid
"""

MAIN = """\
from fastapi import Depends, FastAPI

from app import auth

app = FastAPI()


@app.get("/me", dependencies=[Depends(auth.require_header)])
async def me() -> dict:
    return {}


@app.get("/push", dependencies=[Depends(auth.require_token)])
async def push() -> dict:
    return {}


@app.get("/materialize", dependencies=[Depends(auth.inject_user_details)])
async def materialize() -> dict:
    return {}


@app.get("/logged", dependencies=[Depends(auth.log_token)])
async def logged() -> dict:
    return {}


@app.get("/maintenance", dependencies=[Depends(auth.maintenance)])
async def maint() -> dict:
    return {}


@app.get("/tagged", dependencies=[Depends(auth.tagged)])
async def tagged() -> dict:
    return {}
"""

FILES = {"app/__init__.py": "", "app/auth.py": AUTH, "app/main.py": MAIN}
CHECKED = {"/me": "require_header", "/push": "require_token", "/materialize": "inject_user_details"}
OPEN = ("/logged", "/maintenance", "/tagged")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The helpers and their callers."""
    root = tmp_path_factory.mktemp("helper_reads") / "p"
    return write_project(root, FILES, select=["BK101"])


def _line(text: str) -> int:
    return MAIN.splitlines().index(text) + 1


def test_fastapi_behaviour(project: Path) -> None:
    statuses = anonymous_statuses(project, [*CHECKED, *OPEN])
    assert statuses == {**dict.fromkeys(CHECKED, 401), **dict.fromkeys(OPEN, 200)}


def test_a_credential_returned_by_a_helper_is_read_by_its_caller(project: Path) -> None:
    result = analyze([project], use_cache=False)
    routes = {r.path: r for r in result.routes}
    assert {path: r.auth for path, r in routes.items()} == {
        **dict.fromkeys(CHECKED, "required"),
        **dict.fromkeys(OPEN, "none"),
    }
    for path, dependency in CHECKED.items():
        assert routes[path].auth_chain[-1] == f"app.auth:{dependency} (checks header authorization)"
    lines = [
        _line(f'@app.get("{path}", dependencies=[Depends(auth.{name})])')
        for path, name in (
            ("/logged", "log_token"),
            ("/maintenance", "maintenance"),
            ("/tagged", "tagged"),
        )
    ]
    assert [(f.code, f.path, f.line) for f in result.findings] == [
        ("BK101", "app/main.py", line) for line in lines
    ]
