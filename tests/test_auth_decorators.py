"""A project decorator under the route decorator authenticates the route when the wrapper it
returns checks a credential before it runs the endpoint (s14 hunt B, A1; fastapi-user-auth's
``@auth.requires("admin")``): FastAPI registers what the decorators below the route decorator
return, and ``functools.wraps`` keeps the endpoint's signature, so the wrapper is handed the
endpoint's ``request``. The wrapper is judged as a dependency's body.

Counted: a plain decorator (``@login_required``, here and in another module), the decorator a
factory returns (``@role_required("admin")``, a method ``@auth.requires("admin")``), one with
an async and a sync wrapper, one whose wrapper calls a project helper that checks, one on a
dependency. Not counted: a decorator that logs, one that hands the function back, one whose
wrapper runs the endpoint (itself, or handed to a thread pool) before it checks (FastAPI
answers 401, after the endpoint's work),
one whose wrapper lets some paths through before the check, one above the route decorator
(it wraps a function the route does not serve: FastAPI answers 200). A check the
configuration may skip (``if not API_KEY: return await func(...)``) is a configuration switch.
Each case is checked against FastAPI.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from backendkit.result import AnalysisResult
from helpers import write_project
from truth import anonymous_statuses, imported_app

AUTH = """\
import functools

from fastapi import HTTPException, Request

TOKENS = {"good": ["admin"], "plain": []}


def login_required(func):
    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        request: Request = kwargs["request"]
        if request.headers.get("Authorization") not in TOKENS:
            raise HTTPException(status_code=401, detail="Not authenticated")
        return await func(*args, **kwargs)

    return wrapper


def role_required(role: str):
    def decorator(func):
        @functools.wraps(func)
        async def wrapper(*args, request: Request, **kwargs):
            roles = TOKENS.get(request.headers.get("Authorization"))
            if roles is None or role not in roles:
                raise HTTPException(status_code=403, detail="Forbidden")
            return await func(*args, request=request, **kwargs)

        return wrapper

    return decorator


class Auth:
    def requires(self, role: str):
        def decorator(func):
            @functools.wraps(func)
            async def wrapper(*args, **kwargs):
                request = args[0] if args else kwargs["request"]
                key = request.headers.get("X-API-Key")
                if key not in TOKENS or role not in TOKENS[key]:
                    raise HTTPException(status_code=403)
                return await func(*args, **kwargs)

            return wrapper

        return decorator


auth = Auth()
"""

MAIN = """\
import functools

from fastapi import FastAPI, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from app.auth import TOKENS, auth, login_required, role_required

app = FastAPI()


def local_required(func):
    @functools.wraps(func)
    async def wrapper(request: Request, *args, **kwargs):
        if request.headers.get("Authorization") not in TOKENS:
            raise HTTPException(status_code=401)
        return await func(request, *args, **kwargs)

    return wrapper


def log_calls(func):
    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        print("calling", func.__name__)
        return await func(*args, **kwargs)

    return wrapper


def register(func):
    return func


def check_after(func):
    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        response = await func(*args, **kwargs)
        if kwargs["request"].headers.get("Authorization") not in TOKENS:
            raise HTTPException(status_code=401)
        return response

    return wrapper


def threaded_first(func):
    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        response = await run_in_threadpool(func, *args, **kwargs)
        if kwargs["request"].headers.get("Authorization") not in TOKENS:
            raise HTTPException(status_code=401)
        return response

    return wrapper


def open_paths(func):
    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        request = kwargs["request"]
        if request.url.path.startswith("/pub"):
            return await func(*args, **kwargs)
        if request.headers.get("Authorization") not in TOKENS:
            raise HTTPException(status_code=401)
        return await func(*args, **kwargs)

    return wrapper


@app.get("/local")
@local_required
async def local(request: Request) -> dict:
    return {"ok": True}


@app.get("/me")
@login_required
async def me(request: Request) -> dict:
    return {"ok": True}


@app.get("/admin")
@role_required("admin")
async def admin(request: Request) -> dict:
    return {"ok": True}


@app.get("/method")
@auth.requires("admin")
async def method(request: Request) -> dict:
    return {"ok": True}


@app.get("/logged")
@log_calls
async def logged(request: Request) -> dict:
    return {"ok": True}


@app.get("/registered")
@register
async def registered(request: Request) -> dict:
    return {"ok": True}


@app.get("/after")
@check_after
async def after(request: Request) -> dict:
    return {"ok": True}


@app.get("/threaded")
@threaded_first
def threaded(request: Request) -> dict:
    return {"ok": True}


@app.get("/pubx")
@open_paths
async def pubx(request: Request) -> dict:
    return {"ok": True}


@login_required
@app.get("/outer")
async def outer(request: Request) -> dict:
    return {"ok": True}
"""

#: what FastAPI answers an anonymous caller, and backendkit's status
EXPECTED = {
    "/local": (401, "required"),
    "/me": (401, "required"),
    "/admin": (403, "required"),
    "/method": (403, "required"),
    "/logged": (200, "none"),
    "/registered": (200, "none"),
    "/after": (401, "none"),  # the endpoint ran before the 401
    "/threaded": (401, "none"),  # handed to a thread pool before the 401
    "/pubx": (200, "none"),
    "/outer": (200, "none"),
}
CHAINS = {
    "/local": ("app.main:local", "app.main:local_required (checks header authorization)"),
    "/me": ("app.main:me", "app.auth:login_required (checks header authorization)"),
    "/admin": ("app.main:admin", "app.auth:role_required (checks header authorization)"),
    "/method": ("app.main:method", "app.auth:Auth.requires (checks header x-api-key)"),
}
GOOD = {"Authorization": "good", "X-API-Key": "good"}


def _line(source: str, text: str) -> int:
    """The line of ``source`` holding ``text``."""
    return next(n for n, line in enumerate(source.splitlines(), 1) if text in line)


def _routes(result: AnalysisResult) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {route.path: (route.auth, route.auth_chain) for route in result.routes}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The decorators of ``app/auth.py`` and ``app/main.py`` on one route each."""
    root = tmp_path_factory.mktemp("decorators") / "p"
    files = {"app/__init__.py": "", "app/auth.py": AUTH, "app/main.py": MAIN}
    return write_project(root, files, select=["BK101"])


def test_fastapi_answers(project: Path) -> None:
    """Anonymous callers get what ``EXPECTED`` says; with a token, every route answers 200,
    and a token without the role gets 403 from the factory's decorator."""
    anonymous = anonymous_statuses(project, EXPECTED)
    assert anonymous == {path: status for path, (status, _auth) in EXPECTED.items()}
    with imported_app(project, "app.main:app") as application:
        client = TestClient(application)
        assert {p: client.get(p, headers=GOOD).status_code for p in EXPECTED} == dict.fromkeys(
            EXPECTED, 200
        )
        assert client.get("/admin", headers={"Authorization": "plain"}).status_code == 403


def test_statuses_and_chains(project: Path) -> None:
    result = analyze([project], use_cache=False)
    routes = _routes(result)
    assert {path: auth for path, (auth, _chain) in routes.items()} == {
        path: auth for path, (_status, auth) in EXPECTED.items()
    }
    assert {path: routes[path][1] for path in CHAINS} == CHAINS
    assert "app.auth:login_required" in next(
        r.dependencies for r in result.routes if r.path == "/me"
    )


def test_findings(project: Path) -> None:
    """BK101 reports the routes the decorators leave open, at their route decorators."""
    result = analyze([project], use_cache=False)
    lines = sorted(f.line for f in result.findings if f.code == "BK101")
    opened = [path for path, (_status, auth) in EXPECTED.items() if auth == "none"]
    assert lines == sorted(_line(MAIN, f'@app.get("{path}")') for path in opened)


MORE = """\
import asyncio
import functools
import os

from fastapi import Depends, FastAPI, HTTPException, Request

app = FastAPI()
TOKENS = {"good"}
API_KEY = os.environ.get("BK_API_KEY")


def both(func):
    @functools.wraps(func)
    async def async_wrapper(*args, **kwargs):
        if kwargs["request"].headers.get("Authorization") not in TOKENS:
            raise HTTPException(status_code=401)
        return await func(*args, **kwargs)

    @functools.wraps(func)
    def sync_wrapper(*args, **kwargs):
        if kwargs["request"].headers.get("Authorization") not in TOKENS:
            raise HTTPException(status_code=401)
        return func(*args, **kwargs)

    if asyncio.iscoroutinefunction(func):
        return async_wrapper
    return sync_wrapper


async def verify(request: Request) -> None:
    if request.headers.get("Authorization") not in TOKENS:
        raise HTTPException(status_code=401)


def via_helper(func):
    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        await verify(kwargs["request"])
        return await func(*args, **kwargs)

    return wrapper


def switchable(func):
    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        if not API_KEY:
            return await func(*args, **kwargs)
        if kwargs["request"].headers.get("X-API-Key") != API_KEY:
            raise HTTPException(status_code=401)
        return await func(*args, **kwargs)

    return wrapper


@via_helper
async def current(request: Request) -> str:
    return "alice"


@app.get("/both_async")
@both
async def both_async(request: Request) -> dict:
    return {"ok": True}


@app.get("/both_sync")
@both
def both_sync(request: Request) -> dict:
    return {"ok": True}


@app.get("/helper")
@via_helper
async def helper(request: Request) -> dict:
    return {"ok": True}


@app.get("/dep")
async def dep(user: str = Depends(current)) -> dict:
    return {"ok": True}


@app.get("/switch")
@switchable
async def switch(request: Request) -> dict:
    return {"ok": True}
"""

MORE_PATHS = ["/both_async", "/both_sync", "/helper", "/dep", "/switch"]


@pytest.mark.parametrize("api_key", ["", "good"])
def test_more_shapes_in_fastapi(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api_key: str
) -> None:
    """Every route answers 401; the switchable one only when the key is configured."""
    monkeypatch.setenv("BK_API_KEY", api_key)
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MORE})
    statuses = anonymous_statuses(root, MORE_PATHS)
    assert statuses == {**dict.fromkeys(MORE_PATHS, 401), "/switch": 401 if api_key else 200}


def test_more_shapes(tmp_path: Path) -> None:
    """Both wrappers check, a helper's check counts, a dependency's decorator counts; the
    skipped check is one configuration switch, reported at the return that skips it."""
    files = {"app/__init__.py": "", "app/main.py": MORE}
    result = analyze([write_project(tmp_path / "p", files, select=["BK101"])], use_cache=False)
    routes = _routes(result)
    assert {path: auth for path, (auth, _chain) in routes.items()} == {
        **dict.fromkeys(MORE_PATHS, "required"),
        "/switch": "none",
    }
    assert routes["/dep"][1] == (
        "app.main:dep",
        "app.main:current",
        "app.main:via_helper (checks header authorization)",
    )
    findings = [f for f in result.findings if f.code == "BK101"]
    assert [f.line for f in findings] == [_line(MORE, "if not API_KEY:") + 1]
    assert "Configuration switch" in findings[0].message
