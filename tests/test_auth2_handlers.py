"""A project exception that an exception handler answers with 401/403 rejects like an
``HTTPException(401)`` when a dependency raises it (argilla's ``UnauthorizedError``): the
status is the handler's response status (a literal, or the exception's class attribute it
reads: ``exc.HTTP_STATUS``), or, when the handler's response cannot be read, the status class
attribute of the raised class. An exception no handler is registered for is a 500, and one
answered 404 is no rejection: both stay ``optional``. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

ERRORS = """\
from fastapi import HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse


class ServerError(Exception):
    HTTP_STATUS: int = 500


class UnauthorizedError(ServerError):
    HTTP_STATUS = 401


class ForbiddenError(ServerError):
    HTTP_STATUS = 403

    def __init__(self, message: str = "") -> None:
        self.detail = message


class MissingError(ServerError):
    HTTP_STATUS = 404


class Unhandled(Exception):
    HTTP_STATUS = 401


class Denied(Exception):
    pass


class Handlers:
    @classmethod
    async def common(cls, request: Request, error: Exception):
        return await http_exception_handler(request, to_http(error))

    @classmethod
    def configure(cls, app) -> None:
        for exception_type in [UnauthorizedError, ForbiddenError]:
            app.add_exception_handler(exception_type, Handlers.common)


def to_http(error: Exception) -> HTTPException:
    return HTTPException(getattr(error, "HTTP_STATUS", 500))


async def on_missing(request: Request, exc: MissingError):
    return JSONResponse({"detail": "missing"}, status_code=exc.HTTP_STATUS)


async def on_denied(request: Request, exc: Denied):
    return JSONResponse({"detail": "denied"}, 403)
"""

MAIN = """\
from typing import Optional

from fastapi import Depends, FastAPI
from fastapi.security import APIKeyHeader

from app.errors import Denied, ForbiddenError, Handlers, MissingError, UnauthorizedError
from app.errors import Unhandled, on_denied, on_missing

scheme = APIKeyHeader(name="X-API-Key", auto_error=False)
Key = Optional[str]


async def unauthorized(api_key: Key = Depends(scheme)) -> str:
    if not api_key:
        raise UnauthorizedError()
    return api_key


async def forbidden(api_key: Key = Depends(scheme)) -> str:
    if not api_key:
        raise ForbiddenError("no")
    return api_key


async def denied(api_key: Key = Depends(scheme)) -> str:
    if not api_key:
        raise Denied()
    return api_key


async def missing(api_key: Key = Depends(scheme)) -> Key:
    if not api_key:
        raise MissingError()
    return api_key


async def unhandled(api_key: Key = Depends(scheme)) -> Key:
    if not api_key:
        raise Unhandled()
    return api_key


app = FastAPI(exception_handlers={Denied: on_denied})
app.add_exception_handler(MissingError, on_missing)
Handlers.configure(app)


@app.get("/unauthorized")
def get_unauthorized(user: str = Depends(unauthorized)) -> int:
    return 1


@app.get("/forbidden")
def get_forbidden(user: str = Depends(forbidden)) -> int:
    return 1


@app.get("/denied")
def get_denied(user: str = Depends(denied)) -> int:
    return 1


@app.get("/missing")
def get_missing(user: Key = Depends(missing)) -> int:
    return 1


@app.get("/unhandled")
def get_unhandled(user: Key = Depends(unhandled)) -> int:
    return 1
"""

EXPECTED = {
    "/unauthorized": "required",
    "/forbidden": "required",
    "/denied": "required",
    "/missing": "optional",
    "/unhandled": "optional",
}
REAL = {"/unauthorized": 401, "/forbidden": 403, "/denied": 403, "/missing": 404}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Project exceptions with handlers registered in a loop, a dict and a call."""
    root = tmp_path_factory.mktemp("handlers") / "p"
    files = {"app/__init__.py": "", "app/errors.py": ERRORS, "app/main.py": MAIN}
    return write_project(root, files, select=["BK101", "BK102"])


def test_handlers_answer_the_statuses(project: Path) -> None:
    with imported_app(project, "app.main:app") as application:
        client = TestClient(application, raise_server_exceptions=False)
        real = {path: client.get(path).status_code for path in REAL}
        assert client.get("/unhandled").status_code == 500
        assert client.get("/unauthorized", headers={"X-API-Key": "k"}).status_code == 200
    assert real == REAL


def test_handled_exceptions_reject(project: Path) -> None:
    result = analyze([project])
    assert {r.path: r.auth for r in result.routes} == EXPECTED
    assert len([f for f in result.findings if f.code == "BK102"]) == 2
