"""An ``if`` test that black or ruff wrapped in parentheses (``if (`` then the test on the
next lines) is read as the same test written on one line: the credential checks of
dependencies and middleware, a ``request.state`` identity, a debug comparison (trial 6, from
letta's ``CheckPasswordMiddleware``)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from backendkit import analyze
from backendkit.summary.collector import build_summary
from helpers import write_project

DEPS = """\
import os

from fastapi import Depends, FastAPI, HTTPException, Request

API_KEY = os.environ.get("API_KEY", "s3cret")
app = FastAPI()


def verify_one_line(request: Request) -> str:
    if request.headers.get("Authorization") == f"Bearer {API_KEY}":
        return "ok"
    raise HTTPException(status_code=401, detail="Unauthorized")


def verify_wrapped(request: Request) -> str:
    if (
        request.headers.get("Authorization") == f"Bearer {API_KEY}"
    ):
        return "ok"
    raise HTTPException(status_code=401, detail="Unauthorized")


def state_wrapped(request: Request) -> str:
    if not (
        getattr(request.state, "authenticated", False)
    ):
        raise HTTPException(status_code=401)
    return "ok"


def unrelated_wrapped(request: Request) -> str:
    token = request.headers.get("Authorization")
    if (
        request.method == "GET"
    ):
        return token or ""
    raise HTTPException(status_code=401)


@app.get("/one-line", dependencies=[Depends(verify_one_line)])
def one_line() -> list[str]:
    return []


@app.get("/wrapped", dependencies=[Depends(verify_wrapped)])
def wrapped() -> list[str]:
    return []


@app.get("/state", dependencies=[Depends(state_wrapped)])
def state() -> list[str]:
    return []


@app.get("/open", dependencies=[Depends(unrelated_wrapped)])
def still_open() -> list[str]:
    return []
"""

MIDDLEWARE = """\
from fastapi import FastAPI
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse


class CheckPasswordMiddleware(BaseHTTPMiddleware):
    def __init__(self, app, password: str):
        super().__init__(app)
        self.password = password

    async def dispatch(self, request, call_next):
        if (
            request.headers.get("Authorization") == f"Bearer {self.password}"
        ):
            return await call_next(request)
        return JSONResponse(content={"detail": "Unauthorized"}, status_code=401)


mw_app = FastAPI()
mw_app.add_middleware(CheckPasswordMiddleware, password="from-env")


@mw_app.get("/agents")
def list_agents() -> list[str]:
    return []
"""

DEBUG = """\
import os

from fastapi import FastAPI


def create_app() -> FastAPI:
    if (
        os.getenv("ENV") == "development"
    ):
        return FastAPI(debug=True)
    return FastAPI()


def create_other() -> FastAPI:
    if (
        os.getenv("REGION") == "eu"
    ):
        return FastAPI(debug=True)
    return FastAPI()
"""


def test_the_summary_knows_where_a_test_ends() -> None:
    """``test_lines`` counts the lines the test runs over after the ``if`` line."""
    source = "def f(a, b):\n    if (\n        a\n        and b\n    ):\n        return 1\n"
    source += "    if a: return 2\n    return 3\n"
    scope = build_summary("m.py", "m", False, cst.parse_module(source)).scope
    blocks = scope.functions["f"].scope.ifs
    assert [(b.first, b.test_lines) for b in blocks] == [(2, 3), (7, 0)]
    assert blocks[0].in_test(4)
    assert not blocks[0].in_test(6)


def test_wrapped_credential_checks_authenticate(tmp_path: Path) -> None:
    """The wrapped dependency and middleware checks count as the one-line ones do; a wrapped
    test that reads something else does not."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": DEPS})
    (root / "app" / "mw.py").write_text(MIDDLEWARE, encoding="utf-8")
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {
        "/one-line": "required",
        "/wrapped": "required",
        "/state": "required",
        "/open": "none",
        "/agents": "unknown",
    }
    bk101 = [(f.path, f.line) for f in result.findings if f.code == "BK101"]
    assert bk101 == [("app/main.py", 55)]


def test_a_wrapped_debug_test_is_read(tmp_path: Path) -> None:
    """BK106 reads the comparison of a wrapped ``if`` test: debug mode under
    ``os.getenv("ENV") == "development"`` is the development branch (not reported), under
    another test it is reported."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": DEBUG})
    result = analyze([root], use_cache=False)
    assert [(f.code, f.line) for f in result.findings if f.code == "BK106"] == [("BK106", 18)]
