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
