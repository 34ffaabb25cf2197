"""A dependency a factory builds as ``@functools.wraps(provider)`` around ``(*args,
**kwargs)`` has the provider's parameters: FastAPI reads the signature with
``inspect.signature``, which follows ``__wrapped__`` (zenml's ``authorize``). A wrapper of a
provider that does not authenticate stays ``none``. Each route is checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

MAIN = """\
from functools import wraps

from fastapi import Depends, FastAPI, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer


def bearer_auth(
    credentials: HTTPAuthorizationCredentials = Depends(HTTPBearer()),
) -> str:
    return credentials.credentials


def page(offset: int = 0) -> int:
    return offset


def make_authorize():
    provider = bearer_auth

    @wraps(provider)
    async def authorize(*args, **kwargs) -> str:
        return provider(*args, **kwargs)

    return authorize


def make_paging():
    @wraps(page)
    def paging(*args, **kwargs) -> int:
        return page(*args, **kwargs)

    return paging


authorize = make_authorize()
paging = make_paging()
app = FastAPI()


@app.get("/artifacts")
def list_artifacts(_: str = Security(authorize)) -> list[str]:
    return []


@app.get("/pages")
def list_pages(offset: int = Depends(paging)) -> list[str]:
    return []
"""

EXPECTED = {"/artifacts": "required", "/pages": "none"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wrapped authenticating provider and a wrapped plain one."""
    root = tmp_path_factory.mktemp("wraps") / "p"
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    return write_project(root, files, select=["BK101"])


def test_fastapi_reads_the_wrapped_signature(project: Path) -> None:
    with imported_app(project, "app.main:app") as application:
        client = TestClient(application)
        assert client.get("/artifacts").status_code in (401, 403)
        assert client.get("/artifacts", headers={"Authorization": "Bearer x"}).status_code == 200
        assert client.get("/pages").status_code == 200


def test_wrapper_has_the_providers_dependencies(project: Path) -> None:
    result = analyze([project])
    assert {r.path: r.auth for r in result.routes} == EXPECTED
    artifacts = next(r for r in result.routes if r.path == "/artifacts")
    assert artifacts.auth_chain[-2:] == ("app.main:bearer_auth", "HTTPBearer() (HTTPBearer)")
    assert [(f.code, f.line) for f in result.findings] == [("BK101", 45)]


DECORATOR = """\
from functools import wraps

from fastapi import Depends, FastAPI
from fastapi.security import HTTPBearer


def logged(func):
    @wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def page(offset: int = 0) -> int:
    return offset


def bearer_auth(credentials=Depends(HTTPBearer())) -> str:
    return credentials.credentials


paging = logged(page)
auth = logged(bearer_auth)
app = FastAPI()


@app.get("/pages")
def pages(offset: int = Depends(paging)) -> int:
    return offset


@app.get("/secret")
def secret(user: str = Depends(auth)) -> str:
    return user
"""


def test_decorator_used_twice_is_not_opaque(tmp_path: Path) -> None:
    """A decorator's ``@wraps(func)`` parameter is bound at each of its calls and read once
    for all: each function it may wrap is an alternative, so the route of the plain one is
    not made ``unknown`` (nor ``required``); the other takes the weakest alternative, as
    before the wrapped signature was read."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": DECORATOR})
    with imported_app(root, "app.main:app") as application:
        client = TestClient(application)
        assert client.get("/pages").status_code == 200
        assert client.get("/secret").status_code in (401, 403)
    routes = {r.path: r.auth for r in analyze([root]).routes}
    assert routes == {"/pages": "none", "/secret": "none"}
