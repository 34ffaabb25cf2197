"""An authenticating middleware makes the routes of its app ``unknown`` only when its check
does not depend on the request path: a middleware that checks only under
``if request.url.path.startswith("/admin")`` changes no route's status (the routes it leaves
alone are really open, and BK101 reports them), while the allow-list pattern (public paths
passed on first with ``return await call_next(request)``, then an unconditional check) still
makes every route ``unknown``. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

GUARDED = """\
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


@app.middleware("http")
async def admin_only(request: Request, call_next):
    if request.url.path.startswith("/admin"):
        if request.headers.get("Authorization") != "Bearer secret":
            return JSONResponse({"detail": "no"}, status_code=401)
    return await call_next(request)


@app.post("/users/{user_id}/delete")
def delete_user(user_id: int) -> dict:
    return {}
"""

COMPARED = """\
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


@app.middleware("http")
async def admin_only(request: Request, call_next):
    path = request.url.path
    token = request.headers.get("X-Token")
    if path == "/reset" and token != "secret":
        return JSONResponse({"detail": "no"}, status_code=403)
    return await call_next(request)


@app.post("/orders")
def create_order() -> dict:
    return {}
"""

ALLOW_LIST = """\
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

PUBLIC = ("/health", "/docs")
app = FastAPI()


@app.middleware("http")
async def token_check(request: Request, call_next):
    if request.url.path.startswith(PUBLIC):
        return await call_next(request)
    if request.headers.get("Authorization") != "Bearer secret":
        return JSONResponse({"detail": "no"}, status_code=401)
    return await call_next(request)


@app.post("/items")
def create_item() -> dict:
    return {}
"""

#: (module, method, path) -> status the engine gives, whether FastAPI refuses anonymous callers
EXPECTED = {
    ("app.guarded", "POST", "/users/1/delete"): ("none", False),
    ("app.compared", "POST", "/orders"): ("none", False),
    ("app.allowed", "POST", "/items"): ("unknown", True),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three apps, each with one middleware."""
    files = {
        "app/__init__.py": "",
        "app/guarded.py": GUARDED,
        "app/compared.py": COMPARED,
        "app/allowed.py": ALLOW_LIST,
    }
    return write_project(tmp_path_factory.mktemp("mw") / "p", files, select=["BK101"])


def test_fastapi_behaviour(project: Path) -> None:
    refused = {}
    for module, method, path in EXPECTED:
        with imported_app(project, f"{module}:app") as application:
            client = TestClient(application, raise_server_exceptions=False)
            code = client.request(method, path).status_code
        refused[(module, method, path)] = code in (401, 403)
    assert refused == {key: rejects for key, (_, rejects) in EXPECTED.items()}


def test_path_conditional_middleware_changes_nothing(project: Path) -> None:
    result = analyze([project])
    statuses = {r.app.partition(":")[0]: r.auth for r in result.routes}
    assert statuses == {module: status for (module, _, _), (status, _) in EXPECTED.items()}
    reported = sorted((f.path, f.line) for f in result.findings if f.code == "BK101")
    assert reported == [("app/compared.py", 16), ("app/guarded.py", 15)]
