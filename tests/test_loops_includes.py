"""Routers included in a loop: each router of a statically known iterable is included with the
loop body's arguments, as if the include were written out once per element (tuple unpacking
of the loop target included), also through a list grown with ``append``/``extend``/``+=``, in
an app factory, and through a project helper that includes its parameter. An iterable that is
not static is not guessed: its include stays one unresolved entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.result import AnalysisResult
from helpers import write_project
from truth import engine_triples, fastapi_truth

ROUTER = """\
from fastapi import APIRouter

router = APIRouter()


@router.get("/{name}")
def list_{name}() -> list:
    return []
"""

HEAD = """\
from fastapi import Depends, FastAPI
from fastapi.security import HTTPBearer

from app.api import admin, items, users

require_admin = HTTPBearer()
app = FastAPI()
"""


def _project(tmp_path: Path, main: str) -> tuple[Path, AnalysisResult]:
    files = {"app/__init__.py": "", "app/api/__init__.py": "", "app/main.py": main}
    for name in ("users", "items", "admin"):
        files[f"app/api/{name}.py"] = ROUTER.format(name=name)
    root = write_project(tmp_path / "p", files)
    return root, analyze([root], use_cache=False)


def _routes(result: AnalysisResult, app: str = "app.main:app") -> list[tuple[str, str]]:
    """``(path, auth)`` of each route of ``app``, in order, duplicates kept."""
    return [(r.path, r.auth) for r in result.routes if r.app == app]


def _bk101(result: AnalysisResult) -> list[str]:
    return sorted(f"{f.path}:{f.line}" for f in result.findings if f.code == "BK101")


LOOPS = {
    "named list": """\
routers = [users.router, items.router]
for router in routers:
    app.include_router(router, prefix="/api")
""",
    "tuple display": """\
for r in (users.router, items.router):
    app.include_router(r, prefix="/api")
""",
    "modules": """\
for module in (users, items):
    app.include_router(module.router, prefix="/api")
""",
    "unpacked pairs": """\
for prefix, router in [("/api", users.router), ("/api", items.router)]:
    app.include_router(router, prefix=prefix)
""",
    "grown list": """\
ROUTERS = [users.router]
ROUTERS.append(items.router)
for router in ROUTERS:
    app.include_router(router, prefix="/api")
""",
    "returned list": """\
def api_routers() -> list:
    found = []
    found.append(users.router)
    found.append(items.router)
    return found


for router in api_routers():
    app.include_router(router, prefix="/api")
""",
    "list extended": """\
ROUTERS = []
ROUTERS.extend([users.router])
ROUTERS += [items.router]
for router in ROUTERS:
    app.include_router(router, prefix="/api")
""",
}


@pytest.mark.parametrize("loop", list(LOOPS))
def test_each_router_of_a_static_iterable_is_included(tmp_path: Path, loop: str) -> None:
    """Each case serves ``/api/users`` and ``/api/items`` once each, as FastAPI does; the
    admin router no loop includes stays an orphan."""
    root, result = _project(tmp_path, HEAD + LOOPS[loop])
    assert engine_triples(result.routes, "app.main:app") == fastapi_truth(root, "app.main:app")
    assert sorted(_routes(result)) == [("/api/items", "none"), ("/api/users", "none")]
    assert [r.path for r in result.routes if not r.app] == ["/admin"]


GROWN_WITH_DEPS = """\
ROUTERS = [users.router]
ROUTERS.append(items.router)
ROUTERS += [admin.router]
for router in ROUTERS:
    app.include_router(router, dependencies=[Depends(require_admin)])
"""


def test_a_grown_list_gets_the_loop_bodys_dependencies(tmp_path: Path) -> None:
    """Every router appended (or added with ``+=``) before the loop is included with the
    body's ``dependencies=``: all three routes require authentication, BK101 reports none."""
    root, result = _project(tmp_path, HEAD + GROWN_WITH_DEPS)
    assert engine_triples(result.routes, "app.main:app") == fastapi_truth(root, "app.main:app")
    assert sorted(_routes(result)) == [
        ("/admin", "required"),
        ("/items", "required"),
        ("/users", "required"),
    ]
    assert _bk101(result) == []


FACTORY = """\
from fastapi import FastAPI

from app.api import admin, items, users

ROUTERS = [users.router]
ROUTERS.append(items.router)


def create_app() -> FastAPI:
    app = FastAPI()
    for r in ROUTERS:
        app.include_router(r, prefix="/v1")
    return app
"""


def test_a_module_list_looped_over_in_an_app_factory(tmp_path: Path) -> None:
    """The factory's loop sees the module's list with its additions."""
    _root, result = _project(tmp_path, FACTORY)
    app = "app.main:create_app.app"
    assert sorted(_routes(result, app)) == [("/v1/items", "none"), ("/v1/users", "none")]
    assert [r.path for r in result.routes if not r.app] == ["/admin"]


HELPER = """\
from fastapi import APIRouter, FastAPI

from app.api import admin, items, users


class Builder:
    def __init__(self, db: object) -> None:
        self.db = db

    def get_app(self) -> FastAPI:
        app = FastAPI()
        self._add_router(app, admin.router)
        routers = [users.router]
        if self.db is not None:
            routers.append(items.router)
        for router in routers:
            self._add_router(app, router)
        return app

    def _add_router(self, app: FastAPI, router: APIRouter) -> None:
        app.include_router(router, prefix="/os")
"""


def test_a_helper_including_its_parameter_in_a_loop(tmp_path: Path) -> None:
    """agno's ``for router in routers: self._add_router(app, router)``: the helper includes
    each router of the list, the one appended under a condition too (as if it held), and
    the router another call passes it."""
    _root, result = _project(tmp_path, HELPER)
    app = "app.main:Builder.get_app.app"
    assert sorted(_routes(result, app)) == [
        ("/os/admin", "none"),
        ("/os/items", "none"),
        ("/os/users", "none"),
    ]
    assert [r.path for r in result.routes if not r.app] == []


CONDITIONAL_APPEND = """\
import os

routers = [users.router]
if os.environ.get("WITH_ITEMS"):
    routers.append(items.router)
for router in routers:
    app.include_router(router)
"""


def test_a_router_appended_under_a_condition_is_noted(tmp_path: Path) -> None:
    """Reported as if the condition held, with the note conditional includes carry; the
    router appended unconditionally has no such note."""
    _root, result = _project(tmp_path, HEAD + CONDITIONAL_APPEND)
    notes = {r.path: r.notes for r in result.routes if r.app}
    assert set(notes) == {"/users", "/items"}
    assert notes["/users"] == ()
    assert notes["/items"] == ("included under a condition; reported as if the condition holds",)


UNKNOWN = """\
import importlib


def discovered() -> list:
    return [importlib.import_module(name).router for name in NAMES]


for router in discovered():
    app.include_router(router)
"""


def test_an_iterable_that_is_not_static_is_not_guessed(tmp_path: Path) -> None:
    """One unresolved include entry; the project's routers stay orphans (no routes are
    invented for the app)."""
    _root, result = _project(tmp_path, HEAD + UNKNOWN)
    app_routes = [(r.kind, r.path) for r in result.routes if r.app]
    assert app_routes == [("include", "/")]
    assert sorted(r.path for r in result.routes if not r.app) == ["/admin", "/items", "/users"]


PARTLY_KNOWN = """\
import importlib

routers = [users.router]
routers.extend(importlib.import_module(name).router for name in NAMES)
for router in routers:
    app.include_router(router)
"""


def test_a_list_extended_with_an_unknown_value_keeps_its_known_routers(tmp_path: Path) -> None:
    """The known router is included; what the unknown ``extend`` adds is one unresolved
    include entry, not a guess."""
    _root, result = _project(tmp_path, HEAD + PARTLY_KNOWN)
    app_routes = sorted((r.kind, r.path) for r in result.routes if r.app)
    assert app_routes == [("http", "/users"), ("include", "/")]
    assert sorted(r.path for r in result.routes if not r.app) == ["/admin", "/items"]


UNRELATED = """\
names = []
for n in ["a", "b"]:
    names.append(n)
for router in [users.router]:
    print(router)
app.include_router(items.router)
"""


def test_a_loop_that_includes_nothing_changes_nothing(tmp_path: Path) -> None:
    _root, result = _project(tmp_path, HEAD + UNRELATED)
    assert _routes(result) == [("/items", "none")]
    assert sorted(r.path for r in result.routes if not r.app) == ["/admin", "/users"]


APPENDED_TWICE = """\
routers = [users.router, items.router]
routers.append(users.router)
for router in routers:
    app.include_router(router)
"""


def test_a_router_in_the_list_twice_is_listed_once(tmp_path: Path) -> None:
    """FastAPI registers the route twice at the same path; the inventory lists it once."""
    _root, result = _project(tmp_path, HEAD + APPENDED_TWICE)
    assert sorted(_routes(result)) == [("/items", "none"), ("/users", "none")]
