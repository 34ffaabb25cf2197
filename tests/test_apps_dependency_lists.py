"""A ``dependencies=`` list built in steps (``deps.append(Depends(...))``, ``deps +=
[...]``, ``deps.extend([...])``) holds what was added to it before the router, include or
route that takes it (arize-phoenix's v1 router). An addition under an ``if`` may be absent:
the list is two alternatives (with and without it), the route takes the weaker, never
``required`` from it, and BK101 reports the switch once, at the call given the list.
Checked against FastAPI with TestClient: an anonymous request is refused (401/403) exactly
for the routes reported ``required``."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

MAIN = """\
import os

from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import HTTPBearer

AUTH = bool(os.environ.get("AUTH"))


def read_only_guard() -> None: ...


dependencies = [Depends(read_only_guard)]
dependencies.append(Depends(HTTPBearer()))

keys = APIRouter(prefix="/v1", dependencies=dependencies)


@keys.get("/keys")
def list_keys() -> list[str]:
    return []


def make_router() -> APIRouter:
    deps = [Depends(read_only_guard)]
    deps += [Depends(HTTPBearer())]
    router = APIRouter(prefix="/plus", dependencies=deps)

    @router.get("/items")
    def items() -> int:
        return 1

    return router


def make_extended() -> APIRouter:
    deps = []
    deps.extend([Depends(read_only_guard), Depends(HTTPBearer())])
    router = APIRouter(prefix="/ext")

    @router.get("/items", dependencies=deps)
    def items() -> int:
        return 1

    return router


def make_conditional() -> APIRouter:
    deps = [Depends(read_only_guard)]
    if AUTH:
        deps.append(Depends(HTTPBearer()))
    router = APIRouter(prefix="/cond", dependencies=deps)

    @router.get("/items")
    def items() -> int:
        return 1

    return router


def make_late() -> APIRouter:
    deps = [Depends(read_only_guard)]
    router = APIRouter(prefix="/late", dependencies=deps)
    deps.append(Depends(HTTPBearer()))  # after the router copied the list

    @router.get("/items")
    def items() -> int:
        return 1

    return router


included = APIRouter()


@included.get("/inc/items")
def inc_items() -> int:
    return 1


app = FastAPI()
app.include_router(keys)
app.include_router(make_router())
app.include_router(make_extended())
app.include_router(make_conditional())
app.include_router(make_late())
inc_deps = [Depends(read_only_guard)]
inc_deps.append(Depends(HTTPBearer()))
app.include_router(included, dependencies=inc_deps)
"""

EXPECTED = {
    "/v1/keys": "required",
    "/plus/items": "required",
    "/ext/items": "required",
    "/cond/items": "none",
    "/late/items": "none",
    "/inc/items": "required",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Dependency lists grown in every way, with and without a condition."""
    root = tmp_path_factory.mktemp("deplists") / "p"
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    return write_project(root, files, select=["BK101"])


@pytest.mark.parametrize("auth", ["", "1"])
def test_refused_routes_match_fastapi(
    project: Path, monkeypatch: pytest.MonkeyPatch, auth: str
) -> None:
    """Without the setting the conditional route is open; with it, it is refused."""
    monkeypatch.setenv("AUTH", auth)
    with imported_app(project, "app.main:app") as application:
        client = TestClient(application)
        refused = {path for path in EXPECTED if client.get(path).status_code in (401, 403)}
    required = {path for path, status in EXPECTED.items() if status == "required"}
    assert refused == (required | {"/cond/items"} if auth else required)


def test_grown_lists_count(project: Path) -> None:
    result = analyze([project])
    routes = {r.path: r for r in result.routes}
    assert {path: r.auth for path, r in routes.items()} == EXPECTED
    assert routes["/v1/keys"].auth_chain[-1] == "HTTPBearer() (HTTPBearer)"
    assert routes["/v1/keys"].dependencies == ("app.main:read_only_guard", "HTTPBearer()")
    # the conditional addition makes two alternatives: the weaker wins, and the route is
    # reported once at the switch (the APIRouter(...) given the list), named in the message
    assert (
        routes["/cond/items"]
        .dependencies[0]
        .startswith("[Depends(read_only_guard), Depends(HTTPBearer())] if ... else")
    )
    switch = 1 + next(n for n, line in enumerate(MAIN.splitlines()) if 'prefix="/cond"' in line)
    found = sorted((f.code, f.line) for f in result.findings)
    assert found == sorted([("BK101", switch), ("BK101", routes["/late/items"].line)])
    message = next(f.message for f in result.findings if f.line == switch)
    assert "GET /cond/items" in message
