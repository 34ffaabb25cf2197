"""An authenticating middleware added only under a condition (letta's ``if SERVER_SECURE:
app.add_middleware(CheckPasswordMiddleware, ...)``) leaves every route open in the other
configuration: one BK101 configuration switch at the ``add_middleware`` call, the routes
``none`` with the switch in their chain, not ``unknown`` as behind a middleware added always.
An unconditional authenticating middleware of the same app still wins. Checked against
FastAPI in both configurations."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

MAIN = """\
import os

from fastapi import FastAPI
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse


class CheckPasswordMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        if request.headers.get("Authorization") == "Bearer " + os.environ["BK_PASSWORD"]:
            return await call_next(request)
        return JSONResponse(content={"detail": "Unauthorized"}, status_code=401)


app = FastAPI()
if os.getenv("BK_SECURE") == "true":
    app.add_middleware(CheckPasswordMiddleware)


@app.get("/agents")
async def agents() -> list[str]:
    return []


@app.get("/tools")
async def tools() -> list[str]:
    return []
"""
ALWAYS = MAIN.replace(
    'if os.getenv("BK_SECURE") == "true":\n    app.add_middleware', "app.add_middleware"
)


@pytest.mark.parametrize(("secure", "status"), [("true", 401), ("", 200)])
def test_fastapi_behaviour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secure: str, status: int
) -> None:
    monkeypatch.setenv("BK_PASSWORD", "pw")
    monkeypatch.setenv("BK_SECURE", secure)
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    assert anonymous_statuses(root, ["/agents", "/tools"]) == {"/agents": status, "/tools": status}


def test_one_switch_at_the_add_middleware_call(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = analyze([root], use_cache=False)
    assert {route.path: route.auth for route in result.routes} == {
        "/agents": "none",
        "/tools": "none",
    }
    found = [f for f in result.findings if f.code == "BK101"]
    assert [(f.line, f.extra["routes"]) for f in found] == [(17, ["GET /agents", "GET /tools"])]
    assert found[0].message.startswith(
        "Configuration switch: selecting a configuration without "
        "app.add_middleware(CheckPasswordMiddleware) turns authentication off for 2 routes"
    )


def test_a_middleware_added_always_still_guards(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": ALWAYS})
    result = analyze([root], use_cache=False)
    assert {route.auth for route in result.routes} == {"unknown"}
    assert not [f for f in result.findings if f.code == "BK101"]
