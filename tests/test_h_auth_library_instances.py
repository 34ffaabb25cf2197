"""A dependency that is an instance of a library class (opal's ``authenticator =
JWTAuthenticator(...)``; ``Depends(authenticator)``) runs code the analysis cannot see: the
route's status is ``unknown``, as for a library function or an untyped parameter, not ``none``.
A project subclass of a library class without its own ``__call__`` is as opaque; one with its
own ``__call__``, or a class of the standard library or FastAPI, is read as before."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

LIBRARY = """\
from fastapi import HTTPException, Request


class JWTAuthenticator:
    def __init__(self, signer: str) -> None:
        self.signer = signer

    def __call__(self, request: Request) -> str:
        token = request.headers.get("Authorization")
        if token != f"Bearer {self.signer}":
            raise HTTPException(status_code=401)
        return token
"""

MAIN = """\
import abc

from fastapi import APIRouter, Depends, FastAPI
from extauth import JWTAuthenticator

authenticator = JWTAuthenticator("signer")
app = FastAPI()


class Derived(JWTAuthenticator):
    pass


class Overridden(JWTAuthenticator):
    def __call__(self) -> None:
        return None


class Counter(abc.ABC):
    def __call__(self) -> int:
        return 1


@app.get("/a", dependencies=[Depends(authenticator)])
async def a() -> int:
    return 1


def init_router(auth: JWTAuthenticator) -> APIRouter:
    router = APIRouter()

    @router.get("/b", dependencies=[Depends(auth)])
    async def b() -> int:
        return 1

    return router


app.include_router(init_router(JWTAuthenticator("signer")))


@app.get("/derived", dependencies=[Depends(Derived("signer"))])
async def derived() -> int:
    return 1


@app.get("/overridden", dependencies=[Depends(Overridden("signer"))])
async def overridden() -> int:
    return 1


@app.get("/counter", dependencies=[Depends(Counter())])
async def counter() -> int:
    return 1
"""

EXPECTED = {
    "/a": "unknown",
    "/b": "unknown",
    "/derived": "unknown",
    "/overridden": "none",
    "/counter": "none",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project using a library's callable class; the library lives outside the project."""
    base = tmp_path_factory.mktemp("libinst")
    (base / "lib").mkdir()
    (base / "lib" / "extauth.py").write_text(LIBRARY, encoding="utf-8")
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    return write_project(base / "p", files, select=["BK101"])


def test_library_instances_authenticate_for_real(project: Path) -> None:
    sys.path.insert(0, str(project.parent / "lib"))
    try:
        with imported_app(project, "app.main:app") as application:
            client = TestClient(application, raise_server_exceptions=False)
            codes = {path: client.get(path).status_code for path in EXPECTED}
    finally:
        sys.path.remove(str(project.parent / "lib"))
        sys.modules.pop("extauth", None)
    assert codes == {"/a": 401, "/b": 401, "/derived": 401, "/overridden": 200, "/counter": 200}


def test_library_instance_is_unknown(project: Path) -> None:
    result = analyze([project])
    assert {r.path: r.auth for r in result.routes} == EXPECTED
    chains = {r.path: r.auth_chain for r in result.routes}
    assert chains["/a"] == ("app.main:a", "app.main:authenticator")
    reported = sorted(f.line for f in result.findings if f.code == "BK101")
    assert reported == sorted(r.line for r in result.routes if r.auth == "none")
    assert len(reported) == 2
