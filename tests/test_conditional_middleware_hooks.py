"""An authenticating ``@app.middleware("http")`` function defined only under a condition (prefect's
``if auth_string is not None:`` in ``create_api_app``) guards the routes in one configuration
only. Its routes showed ``unknown`` (behind a middleware) and BK101 said nothing, although in the
default configuration every route is open: it is a configuration switch, as the same check added
with ``app.add_middleware`` under the ``if`` already was. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

CHECK = """\
        token = request.headers.get("Authorization")
        if token != auth_string:
            return JSONResponse(status_code=401, content={"detail": "Unauthorized"})
        return await call_next(request)
"""

HEAD = """\
import os

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

router = APIRouter()


@router.get("/items")
async def list_items() -> list[str]:
    return ["secret"]


auth_string = os.environ.get("API_AUTH_STRING")
"""

DECORATED = f"""{HEAD}
app = FastAPI()
app.include_router(router)

if auth_string is not None:

    @app.middleware("http")
    async def token_validation(request: Request, call_next):
{CHECK}"""

CALL_FORM = f"""{HEAD}

async def token_validation(request: Request, call_next):
{CHECK.replace("        ", "    ")}

app = FastAPI()
app.include_router(router)
if auth_string is not None:
    app.middleware("http")(token_validation)
"""

FACTORY = f"""{HEAD}

def create_api_app() -> FastAPI:
    api_app = FastAPI()
    api_app.include_router(router)
    if auth_string is not None:

        @api_app.middleware("http")
        async def token_validation(request: Request, call_next):
    {CHECK.replace(chr(10) + "        ", chr(10) + "            ")}
    return api_app


app = FastAPI()
app.mount("/api", create_api_app())
"""

ALWAYS = f"""{HEAD}
app = FastAPI()
app.include_router(router)


@app.middleware("http")
async def token_validation(request: Request, call_next):
{CHECK.replace("        ", "    ")}"""

CASES = {
    "decorated": (DECORATED, "/items", 21),
    "call_form": (CALL_FORM, "/items", 27),
    "factory": (FACTORY, "/api/items", 22),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_middleware_defined_under_an_if_is_a_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    source, path, line = CASES[name]
    root = write_project(tmp_path / name, {"app/__init__.py": "", "app/main.py": source})
    assert anonymous_statuses(root, [path]) == {path: 200}  # the default configuration
    monkeypatch.setenv("API_AUTH_STRING", "s3cret")
    assert anonymous_statuses(root, [path]) == {path: 401}
    result = analyze([root], use_cache=False)
    found = [(f.code, f.path, f.line) for f in result.findings if f.code in ("BK101", "BK102")]
    assert found == [("BK101", "app/main.py", line)]
    message = next(f.message for f in result.findings if f.code == "BK101")
    assert "a configuration without the middleware token_validation" in message
    assert [route.auth for route in result.routes] == ["none"]


def test_a_middleware_defined_always_guards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_AUTH_STRING", "s3cret")
    root = write_project(tmp_path / "always", {"app/__init__.py": "", "app/main.py": ALWAYS})
    assert anonymous_statuses(root, ["/items"]) == {"/items": 401}
    result = analyze([root], use_cache=False)
    assert [f.code for f in result.findings if f.code in ("BK101", "BK102")] == []
    assert [route.auth for route in result.routes] == ["unknown"]


EITHER = f"""{HEAD}
app = FastAPI()
app.include_router(router)

if os.environ.get("LEGACY_HEADER"):

    @app.middleware("http")
    async def token_validation(request: Request, call_next):
        if request.headers.get("X-API-Key") != "k":
            return JSONResponse(status_code=401, content={{"detail": "Unauthorized"}})
        return await call_next(request)

else:

    @app.middleware("http")
    async def bearer_validation(request: Request, call_next):
        if request.headers.get("Authorization") != "Bearer k":
            return JSONResponse(status_code=401, content={{"detail": "Unauthorized"}})
        return await call_next(request)
"""

EACH_APP = f"""{HEAD}
app = FastAPI()
app.include_router(router)
admin = FastAPI()
app.mount("/admin", admin)


@admin.get("/stats")
async def stats() -> dict:
    return {{}}


for target in (app, admin):

    @target.middleware("http")
    async def key_validation(request: Request, call_next):
        if request.headers.get("Authorization") != "Bearer k":
            return JSONResponse(status_code=401, content={{"detail": "Unauthorized"}})
        return await call_next(request)
"""


@pytest.mark.parametrize("legacy", ["", "1"])
def test_a_middleware_in_each_branch_guards_always(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, legacy: str
) -> None:
    """``if``/``else`` adding one authenticating middleware or the other: no configuration
    leaves the routes open (a review found the switch reported for it)."""
    monkeypatch.setenv("LEGACY_HEADER", legacy)
    root = write_project(tmp_path / "either", {"app/__init__.py": "", "app/main.py": EITHER})
    assert anonymous_statuses(root, ["/items"]) == {"/items": 401}
    result = analyze([root], use_cache=False)
    assert [f.code for f in result.findings if f.code in ("BK101", "BK102")] == []
    assert [route.auth for route in result.routes] == ["unknown"]


def test_a_middleware_added_in_a_loop_guards_each_app(tmp_path: Path) -> None:
    root = write_project(tmp_path / "each", {"app/__init__.py": "", "app/main.py": EACH_APP})
    assert anonymous_statuses(root, ["/items", "/admin/stats"]) == {
        "/items": 401,
        "/admin/stats": 401,
    }
    result = analyze([root], use_cache=False)
    assert [f.code for f in result.findings if f.code in ("BK101", "BK102")] == []
    assert [route.auth for route in result.routes] == ["unknown", "unknown"]


TWO_IFS = f"""{HEAD}
app = FastAPI()
app.include_router(router)

if os.environ.get("API_KEY"):

    @app.middleware("http")
    async def key_validation(request: Request, call_next):
        if request.headers.get("X-API-Key") != os.environ["API_KEY"]:
            return JSONResponse(status_code=401, content={{"detail": "Unauthorized"}})
        return await call_next(request)

if os.environ.get("BEARER"):

    @app.middleware("http")
    async def bearer_validation(request: Request, call_next):
        if request.headers.get("Authorization") != "Bearer " + os.environ["BEARER"]:
            return JSONResponse(status_code=401, content={{"detail": "Unauthorized"}})
        return await call_next(request)
"""


def test_two_independent_ifs_may_add_neither(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two separate ``if``s, each adding an authenticating middleware: with neither variable
    set, nothing guards the routes, so the switch is reported (a review's case)."""
    monkeypatch.delenv("API_KEY", raising=False)
    monkeypatch.delenv("BEARER", raising=False)
    root = write_project(tmp_path / "two", {"app/__init__.py": "", "app/main.py": TWO_IFS})
    assert anonymous_statuses(root, ["/items"]) == {"/items": 200}
    monkeypatch.setenv("API_KEY", "k")
    assert anonymous_statuses(root, ["/items"]) == {"/items": 401}
    result = analyze([root], use_cache=False)
    assert [f.code for f in result.findings if f.code in ("BK101", "BK102")] == ["BK101"]
