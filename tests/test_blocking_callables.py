"""BK301 through calls of instances (a class's ``__call__``) and from async middleware, which
runs on the event loop for every request."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

CHECKERS = """\
import time

import requests


class Checker:
    def __call__(self) -> bool:
        time.sleep(1)
        return True


class AsyncChecker:
    async def __call__(self) -> bool:
        return True


class BlockingAsyncChecker:
    async def __call__(self) -> bool:
        return requests.get("https://example.com", timeout=5).ok


class Holder:
    field = Checker()

    def __init__(self) -> None:
        self.checker = Checker()

    async def check(self) -> bool:
        return self.checker()

    async def check_field(self) -> bool:
        return self.field()


checker = Checker()
async_checker = AsyncChecker()
blocking_async = BlockingAsyncChecker()
holder = Holder()
"""

ROUTES = """\
from fastapi import FastAPI

from app import checks
from app.checks import Checker, async_checker, blocking_async, checker, holder

app = FastAPI()


@app.get("/module")
async def module_instance() -> bool:
    return checker()


@app.get("/attribute")
async def module_attribute() -> bool:
    return checks.checker()


@app.get("/made")
async def made_here() -> bool:
    return Checker()()


@app.get("/held")
async def held() -> bool:
    return await holder.check()


@app.get("/field")
async def field() -> bool:
    return await holder.check_field()


@app.get("/local")
async def local() -> bool:
    mine = Checker()
    return mine()


@app.get("/async")
async def awaited() -> bool:
    return await async_checker()


@app.get("/async-blocking")
async def awaited_blocking() -> bool:
    return await blocking_async()


@app.get("/declared")
async def declared() -> bool:
    return checker is not None


@app.get("/sync")
def sync_route() -> bool:
    return checker()
"""


def test_a_sync_call_method_called_on_an_instance_blocks(tmp_path: Path) -> None:
    """``checker()`` runs ``Checker.__call__`` on the event loop, whether the instance is a
    module's, an attribute of ``self``, a local or made on the spot; an awaited async
    ``__call__`` blocks only when it blocks itself."""
    files = {"app/__init__.py": "", "app/checks.py": CHECKERS, "app/main.py": ROUTES}
    root = write_project(tmp_path / "p", files, select=["BK301"])
    found = {
        (f.path, f.line, f.message.split(" blocks")[0])
        for f in analyze([root], use_cache=False).findings
    }
    assert found == {
        ("app/main.py", 11, "async route handler app.main.module_instance"),
        ("app/main.py", 16, "async route handler app.main.module_attribute"),
        ("app/main.py", 21, "async route handler app.main.made_here"),
        ("app/main.py", 26, "async route handler app.main.held"),
        ("app/main.py", 31, "async route handler app.main.field"),
        ("app/main.py", 37, "async route handler app.main.local"),
        ("app/main.py", 47, "async route handler app.main.awaited_blocking"),
    }


HELPERS = """\
import time

import requests


def audit(path: str) -> None:
    requests.post("https://audit.example.com", json={"path": path}, timeout=5)


def pause() -> None:
    time.sleep(0.1)
"""

MIDDLEWARE = """\
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware

from app.helpers import audit, pause


async def listed(request: Request, call_next):
    pause()
    return await call_next(request)


app = FastAPI(middleware=[Middleware(BaseHTTPMiddleware, dispatch=listed)])


@app.middleware("http")
async def audited(request: Request, call_next):
    audit(request.url.path)
    return await call_next(request)


@app.middleware("http")
async def pooled(request: Request, call_next):
    await run_in_threadpool(audit, request.url.path)
    return await call_next(request)


class Throttle(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        pause()
        return await call_next(request)


class Pure:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            pause()
        await self.app(scope, receive, send)


class Quiet(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        return await call_next(request)


class NeverAdded(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        pause()
        return await call_next(request)


async def not_registered(request: Request, call_next):
    pause()
    return await call_next(request)


async def handed(request: Request, call_next):
    pause()
    return await call_next(request)


async def called_form(request: Request, call_next):
    audit(request.url.path)
    return await call_next(request)


app.add_middleware(Throttle)
app.add_middleware(Pure)
app.add_middleware(Quiet)
app.add_middleware(BaseHTTPMiddleware, dispatch=handed)
app.middleware("http")(called_form)
"""


def test_async_middleware_that_blocks(tmp_path: Path) -> None:
    """An ``@app.middleware("http")`` function, a ``BaseHTTPMiddleware``'s ``dispatch`` and a
    pure ASGI middleware's ``__call__`` and the ``dispatch`` given to ``BaseHTTPMiddleware`` run
    on the event loop for every request; a middleware class never added and a function never
    registered run nowhere."""
    files = {"app/__init__.py": "", "app/helpers.py": HELPERS, "app/main.py": MIDDLEWARE}
    root = write_project(tmp_path / "p", files, select=["BK301"])
    findings = analyze([root], use_cache=False).findings
    assert not any("plain def" in f.message for f in findings)  # a middleware must be async
    found = {(f.line, f.message.split(" blocks")[0]) for f in findings}
    assert found == {
        (10, "async middleware app.main.listed"),
        (19, "async middleware app.main.audited"),
        (31, "async middleware app.main.Throttle.dispatch"),
        (41, "async middleware app.main.Pure.__call__"),
        (62, "async middleware app.main.handed"),
        (67, "async middleware app.main.called_form"),
    }
