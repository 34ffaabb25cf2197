"""A library's APIRouter subclass (cadwyn's ``VersionedAPIRouter``) is a router: its
``dependencies=`` and ``include_router`` calls count. A router handed to something the
analysis cannot follow has routes of ``unknown`` authentication, not ``none``."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from backendkit.result import Route
from helpers import write_project

SECURITY = """\
from fastapi.security import HTTPBearer

bearer = HTTPBearer()
"""

XCOMS = """\
from cadwyn import VersionedAPIRouter

router = VersionedAPIRouter()


@router.delete("/{key}", status_code=204)
async def delete_xcom(key: str) -> None:
    return None


stats_router = VersionedAPIRouter()


@stats_router.get("/stats")
async def stats() -> dict:
    return {}
"""

ROUTES = """\
from cadwyn import VersionedAPIRouter
from fastapi import APIRouter, Security

from app import xcoms
from app.security import bearer

execution_api_router = APIRouter()

authenticated_router = VersionedAPIRouter(dependencies=[Security(bearer)])
authenticated_router.include_router(xcoms.router, prefix="/xcoms")

execution_api_router.include_router(authenticated_router)
execution_api_router.include_router(xcoms.stats_router)
"""

MAIN = """\
from fastapi import FastAPI

from app.routes import execution_api_router

app = FastAPI()
app.include_router(execution_api_router, prefix="/execution")
"""

# a library object that is not a router: ``@registry.get`` registers nothing FastAPI serves
REGISTRY = """\
from plugins import Registry

registry = Registry()


@registry.get("/not-a-route")
def lookup() -> str:
    return ""
"""


def _routes(result_routes: list[Route]) -> dict[tuple[str, str], tuple[str, str]]:
    return {(r.methods[0], r.path): (r.auth, r.app) for r in result_routes}


def test_library_router_subclass_is_a_router(tmp_path: Path) -> None:
    """The protected route gets the library router's ``Security(bearer)`` and the full path;
    the open one next to it is still reported; a library object with a ``get`` decorator is
    not taken for a router."""
    files = {
        "app/__init__.py": "",
        "app/security.py": SECURITY,
        "app/xcoms.py": XCOMS,
        "app/routes.py": ROUTES,
        "app/main.py": MAIN,
        "app/registry.py": REGISTRY,
    }
    result = analyze([write_project(tmp_path / "p", files)])
    assert _routes(result.routes) == {
        ("DELETE", "/execution/xcoms/{key}"): ("required", "app.main:app"),
        ("GET", "/execution/stats"): ("none", "app.main:app"),
    }
    assert [(f.path, f.line) for f in result.findings if f.code == "BK101"] == [
        ("app/xcoms.py", 14)
    ]


ORDERED_ROUTES = """\
from plugins import Router

router = Router()


@router.get("/items")
def items() -> list:
    return []
"""

ORDERED_MAIN = """\
from fastapi import FastAPI

from app.a_routes import router

app = FastAPI()
app.include_router(router, prefix="/api")
"""


def test_use_in_a_later_module_makes_it_a_router(tmp_path: Path) -> None:
    """A library object whose class is not named like a router, decorated in one module and
    included into an app in a module scanned after it, is a router with that route."""
    files = {
        "app/__init__.py": "",
        "app/a_routes.py": ORDERED_ROUTES.replace("Router", "Endpoints"),
        "app/main.py": ORDERED_MAIN,
    }
    result = analyze([write_project(tmp_path / "p", files)])
    assert _routes(result.routes) == {("GET", "/api/items"): ("none", "app.main:app")}


HANDED = """\
from cadwyn import Cadwyn
from fastapi import APIRouter

handed = APIRouter()
included = APIRouter()
forgotten = APIRouter()


@handed.get("/handed")
def handed_route() -> str:
    return ""


@included.get("/included")
def included_route() -> str:
    return ""


@forgotten.get("/forgotten")
def forgotten_route() -> str:
    return ""


app = Cadwyn(versions=None)
app.generate_and_include_versioned_routers(handed)
app.include_router(included)
"""


def test_routers_handed_to_what_cannot_be_followed_are_unknown(tmp_path: Path) -> None:
    """Routers passed to an object the analysis cannot model: auth ``unknown`` with a note,
    no BK101; a router passed nowhere stays ``none`` and is reported."""
    files = {"app/__init__.py": "", "app/main.py": HANDED}
    result = analyze([write_project(tmp_path / "p", files)])
    found = {r.path: (r.auth, r.notes) for r in result.routes}
    assert found["/handed"][0] == "unknown"
    assert found["/handed"][1] == (
        "router is passed to app.generate_and_include_versioned_routers (line 25), which the "
        "analysis cannot follow",
    )
    assert found["/included"][0] == "unknown"
    assert "app.include_router (line 26)" in found["/included"][1][0]
    assert found["/forgotten"] == (
        "none",
        ("router is not included in any app the analysis could see",),
    )
    assert [(f.path, f.line) for f in result.findings if f.code == "BK101"] == [("app/main.py", 19)]
