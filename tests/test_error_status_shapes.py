"""Error statuses in shapes from real applications (r2r, lmdeploy), checked against FastAPI:

- a project exception that keeps the status it is built with (r2r's ``R2RException(message=...,
  status_code=401)``: ``self.status_code = status_code`` in its ``__init__``, or in the
  ``__init__`` of a project base a subclass hands its arguments to), answered by an exception
  handler with ``JSONResponse(status_code=exc.status_code)``, rejects as the status passed at
  the raise does (the route was ``optional``, BK102), keyword or positional, and the default
  when none is passed. The status the error stores wins over a class attribute of the same name
  (``ClassDeclared``: 500, not its 403); the class attribute counts when ``__init__`` stores
  nothing readable (``KeptIfGiven`` stores the status only when one is passed). A handler that
  answers a fixed status (500, or 200 when it gives none) whatever the error holds does not
  reject;
- a middleware whose 401/403 is built by a project helper authenticates (the routes were
  ``none``, BK101): ``return unauthorized("bad key")`` in ``dispatch`` or an
  ``@app.middleware("http")`` function, a helper given the status (``error_response(401,
  ...)``), one helper returning another's response, and in a pure ASGI middleware the helper's
  response sent as an ASGI app (``return unauthorized(...)(scope, receive, send)``, ``await``,
  through a local). A helper answering 200, one given a 200, or a helper's 401 that is built and
  never sent, does not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses, imported_app

ERRORS = """\
from typing import Optional

from fastapi.responses import JSONResponse


class AppError(Exception):
    def __init__(self, message: str, status_code: int = 500) -> None:
        self.message = message
        self.status_code = status_code
        super().__init__(message)


class AuthError(AppError):
    def __init__(self, message: str = "no credentials") -> None:
        super().__init__(message, status_code=401)


class ClassDeclared(AppError):
    status_code = 403


class KeptIfGiven(Exception):
    status_code = 403

    def __init__(self, message: str, status_code: Optional[int] = None) -> None:
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class FixedError(Exception):
    def __init__(self, message: str, status_code: int) -> None:
        self.message = message
        self.status_code = status_code


class QuietError(Exception):
    def __init__(self, message: str, status_code: int) -> None:
        self.message = message
        self.status_code = status_code


async def on_app_error(request, exc: AppError):
    return JSONResponse(status_code=exc.status_code, content={"message": exc.message})


async def on_kept(request, exc: KeptIfGiven):
    return JSONResponse({"message": exc.message}, exc.status_code)


async def on_quiet(request, exc: QuietError):
    return JSONResponse({"message": exc.message, "status": exc.status_code})
"""

RAISES = {
    "keyword": 'AppError(message="No credentials provided", status_code=401)',
    "positional": 'AppError("Invalid token", 403)',
    "passed_on": "AuthError()",
    "default": 'AppError("no credentials")',
    "not_auth": 'AppError("no credentials", 404)',
    "class_declared": 'ClassDeclared("no credentials")',
    "kept_if_given": 'KeptIfGiven("no credentials")',
    "fixed": 'FixedError("no credentials", 401)',
    "quiet": 'QuietError("no credentials", 401)',
}

MAIN_HEAD = """\
from typing import Optional

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.errors import AppError, AuthError, ClassDeclared, FixedError, KeptIfGiven, QuietError
from app.errors import on_app_error, on_kept, on_quiet

bearer = HTTPBearer(auto_error=False)
Auth = Optional[HTTPAuthorizationCredentials]

app = FastAPI(exception_handlers={QuietError: on_quiet, KeptIfGiven: on_kept})
app.add_exception_handler(AppError, on_app_error)


@app.exception_handler(FixedError)
async def on_fixed(request, exc: FixedError):
    return JSONResponse(status_code=500, content={"message": exc.message})
"""

DEPENDENCY = """

async def {name}(auth: Auth = Depends(bearer)) -> str:
    if auth is None or auth.credentials != "good":
        raise {error}
    return "alice"


@app.get("/{name}")
async def route_{name}(user: str = Depends({name})) -> str:
    return user
"""

#: what FastAPI answers an anonymous caller, and the status backendkit gives each route
EXCEPTIONS = {
    "keyword": (401, "required"),
    "positional": (403, "required"),
    "passed_on": (401, "required"),
    "default": (500, "optional"),
    "not_auth": (404, "optional"),
    "class_declared": (500, "optional"),
    "kept_if_given": (403, "required"),
    "fixed": (500, "optional"),
    "quiet": (200, "optional"),
}


@pytest.fixture(scope="module")
def exceptions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One route per raise, behind a dependency that raises it without a good token."""
    main = MAIN_HEAD + "".join(
        DEPENDENCY.format(name=name, error=error) for name, error in RAISES.items()
    )
    files = {"app/__init__.py": "", "app/errors.py": ERRORS, "app/main.py": main}
    return write_project(tmp_path_factory.mktemp("errors") / "p", files, select=["BK101", "BK102"])


def test_fastapi_answers_the_stored_status(exceptions: Path) -> None:
    statuses = anonymous_statuses(exceptions, [f"/{name}" for name in EXCEPTIONS])
    assert statuses == {f"/{name}": real for name, (real, _auth) in EXCEPTIONS.items()}
    with imported_app(exceptions, "app.main:app") as application:
        client = TestClient(application)
        good = {"Authorization": "Bearer good"}
        assert {client.get(f"/{name}", headers=good).status_code for name in EXCEPTIONS} == {200}


def test_stored_status_rejects(exceptions: Path) -> None:
    result = analyze([exceptions], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {f"/{name}": status for name, (_real, status) in EXCEPTIONS.items()}
    reported = {f.message.split()[2] for f in result.findings if f.code == "BK102"}
    assert reported == {
        f"/{name}" for name, (_, status) in EXCEPTIONS.items() if status != "required"
    }
    assert not [f for f in result.findings if f.code == "BK101"]


RESPONSES = """\
from fastapi.responses import JSONResponse, PlainTextResponse


def unauthorized(msg: str) -> JSONResponse:
    return JSONResponse({"error": msg}, status_code=401)


def error_response(code: int, msg: str) -> JSONResponse:
    return JSONResponse({"error": msg}, status_code=code)


def forbidden(msg: str) -> JSONResponse:
    return error_response(403, msg)


def banner(msg: str) -> PlainTextResponse:
    return PlainTextResponse(msg)
"""

APP = """\
from fastapi import FastAPI, Request
from starlette.datastructures import Headers
from starlette.middleware.base import BaseHTTPMiddleware

from app.responses import banner, error_response, forbidden, unauthorized

app = FastAPI()
{middleware}

@app.get("/items")
async def items() -> list[int]:
    return []
"""

DISPATCH = """
class AuthMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        if request.headers.get("Authorization") != "Bearer k":
            return {answer}
        return await call_next(request)


app.add_middleware(AuthMiddleware)
"""

HTTP = """
@app.middleware("http")
async def check_key(request: Request, call_next):
    if request.headers.get("Authorization") != "Bearer k":
        {answer}
    return await call_next(request)
"""

ASGI = """
class KeyAuth:
    def __init__(self, app) -> None:
        self.app = app

    {header}(self, scope, receive, send):
        if scope["type"] == "http":
            token = Headers(scope=scope).get("authorization")
            if token != "Bearer k":
                {answer}
        {onward} self.app(scope, receive, send)


app.add_middleware(KeyAuth)
"""


def _asgi(answer: str, sync: bool = True) -> str:
    """A pure ASGI middleware answering ``answer`` (lines) without the key: a plain
    ``__call__`` returns the awaitable it hands on, an ``async`` one awaits it."""
    header, onward = ("def __call__", "return") if sync else ("async def __call__", "await")
    lines = answer.replace("\n", "\n" + " " * 16)
    return ASGI.format(header=header, answer=lines, onward=onward)


SENT = 'unauthorized("bad key")(scope, receive, send)'

#: module -> its middleware, what FastAPI answers an anonymous caller, and the route's status
MIDDLEWARE = {
    "dispatch_helper": (DISPATCH.format(answer='unauthorized("bad key")'), 401, "unknown"),
    "http_helper": (HTTP.format(answer='return error_response(401, "bad key")'), 401, "unknown"),
    "http_two_deep": (HTTP.format(answer='return forbidden("bad key")'), 403, "unknown"),
    "asgi_return": (_asgi(f"return {SENT}"), 401, "unknown"),
    "asgi_await": (_asgi(f"await {SENT}\nreturn", sync=False), 401, "unknown"),
    "asgi_local": (
        _asgi('response = forbidden("bad key")\nreturn response(scope, receive, send)'),
        403,
        "unknown",
    ),
    "dispatch_banner": (DISPATCH.format(answer='banner("hello")'), 200, "none"),
    "http_given_200": (HTTP.format(answer='return error_response(200, "hi")'), 200, "none"),
    "http_not_sent": (HTTP.format(answer='unauthorized("bad key")'), 200, "none"),
}


@pytest.fixture(scope="module")
def middleware(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One app per middleware, each with one route."""
    files = {"app/__init__.py": "", "app/responses.py": RESPONSES}
    for name, (code, _real, _auth) in MIDDLEWARE.items():
        files[f"app/{name}.py"] = APP.format(middleware=code)
    return write_project(tmp_path_factory.mktemp("mw") / "p", files, select=["BK101", "BK102"])


@pytest.mark.parametrize("name", list(MIDDLEWARE))
def test_fastapi_answers_the_helper_response(middleware: Path, name: str) -> None:
    _code, real, _auth = MIDDLEWARE[name]
    assert anonymous_statuses(middleware, ["/items"], f"app.{name}:app") == {"/items": real}
    with imported_app(middleware, f"app.{name}:app") as application:
        keyed = {"Authorization": "Bearer k"}
        assert TestClient(application).get("/items", headers=keyed).status_code == 200


def test_helper_responses_authenticate(middleware: Path) -> None:
    result = analyze([middleware], use_cache=False)
    auth = {route.app: route.auth for route in result.routes}
    assert auth == {f"app.{name}:app": status for name, (_, _, status) in MIDDLEWARE.items()}
    chains = {route.app: route.auth_chain for route in result.routes}
    assert chains["app.dispatch_helper:app"][-1] == (
        "app.dispatch_helper:AuthMiddleware (middleware, checks header authorization)"
    )
    reported = {f.path for f in result.findings if f.code == "BK101"}
    opened = {name for name, (_, _, status) in MIDDLEWARE.items() if status == "none"}
    assert reported == {f"app/{name}.py" for name in opened}
