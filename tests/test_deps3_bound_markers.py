"""A ``Depends(...)`` bound to a module-level name (skyvern's ``ROUTE_AUTHORIZATION_DEPENDENCY =
Depends(observe_request_authorization)``) is that marker wherever the name is used: in a
``dependencies=[DEP]`` list (an ``APIRouter``'s, a route decorator's), as a parameter default
(``user: str = DEP``) and in ``Annotated[T, DEP]``, in the module that binds it or another."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

DEPS = """\
from collections.abc import AsyncIterator

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="token")


async def observe(request: Request) -> AsyncIterator[None]:
    try:
        yield
    finally:
        request.state.observed = True


def get_current_user(token: str = Depends(oauth2)) -> str:
    return token


OBSERVE = Depends(observe)
AUTH = Depends(get_current_user)
"""

MAIN = """\
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI

from app.deps import AUTH, OBSERVE, observe

LOCAL = Depends(observe)
base_router = APIRouter(dependencies=[OBSERVE])


@base_router.post("/webhook")
async def webhook() -> dict:
    return {}


app = FastAPI()
app.include_router(base_router, prefix="/api/v1")


@app.post("/local", dependencies=[LOCAL])
async def local() -> dict:
    return {}


@app.get("/me", dependencies=[AUTH])
async def me() -> dict:
    return {}


@app.get("/annotated")
async def annotated(user: Annotated[str, AUTH]) -> str:
    return user


@app.get("/default")
async def default(user: str = AUTH) -> str:
    return user


@app.get("/observed")
async def observed(seen: Annotated[None, OBSERVE]) -> dict:
    return {}
"""

EXPECTED = {
    ("POST", "/api/v1/webhook"): ("none", 200),
    ("POST", "/local"): ("none", 200),
    ("GET", "/me"): ("required", 401),
    ("GET", "/annotated"): ("required", 401),
    ("GET", "/default"): ("required", 401),
    ("GET", "/observed"): ("none", 200),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Markers bound to names in the module that uses them and in another."""
    files = {"app/__init__.py": "", "app/deps.py": DEPS, "app/main.py": MAIN}
    return write_project(tmp_path_factory.mktemp("bound"), files, select=["BK101"])


def test_bound_markers_for_real(project: Path) -> None:
    with imported_app(project, "app.main:app") as application:
        client = TestClient(application)
        codes = {key: client.request(*key).status_code for key in EXPECTED}
    assert codes == {key: code for key, (_status, code) in EXPECTED.items()}


def test_bound_markers_are_resolved(project: Path) -> None:
    result = analyze([project])
    found = {(r.methods[0], r.path): r.auth for r in result.routes}
    assert found == {key: status for key, (status, _code) in EXPECTED.items()}
    chains = {r.path: r.auth_chain for r in result.routes}
    assert chains["/me"] == (
        "app.main:me",
        "app.deps:get_current_user",
        "app.deps:oauth2 (OAuth2PasswordBearer)",
    )
    reported = sorted(f.line for f in result.findings if f.code == "BK101")
    assert reported == sorted(r.line for r in result.routes if r.auth == "none")
    assert len(reported) == 3
