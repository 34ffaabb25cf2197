"""``app = wrap(app)`` after the routers are included (vLLM's ``build_app``: ``app =
sagemaker_standards_bootstrap(app)`` at the end): the registrations made before the rebinding
are on the app bound then, through helpers given ``app`` too (``attach_router(app)``), so the
routes keep their app and its dependencies. A registration after a rebinding is on the new
object. A route decorated on a parameter annotated as an app that the analysis cannot follow
is listed (an orphan, ``unknown``), not dropped. Checked against FastAPI."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.result import Route
from helpers import write_project
from truth import fastapi_truth

MAIN = """\
from fastapi import Depends, FastAPI
from fastapi.security import HTTPBearer

import somelib
from pkg.routers import attach_docs, attach_router, late_router, public_router

bearer = HTTPBearer()


def bootstrap(app: FastAPI) -> FastAPI:
    app = somelib.bootstrap(app)
    return app


def make_admin_app() -> FastAPI:
    admin = FastAPI(dependencies=[Depends(bearer)])
    return admin


def build_app() -> FastAPI:
    app = FastAPI(dependencies=[Depends(bearer)])
    attach_router(app)
    attach_docs(app)
    app = bootstrap(app)
    return app


def build_two() -> FastAPI:
    app = FastAPI()
    app.include_router(public_router)
    app = make_admin_app()
    app.include_router(late_router)
    return app


application = build_app()
second = build_two()
"""

ROUTERS = """\
from fastapi import APIRouter, FastAPI

router = APIRouter()
public_router = APIRouter()
late_router = APIRouter()


@router.post("/v1/completions")
def completions() -> dict:
    return {}


@public_router.get("/public")
def public() -> dict:
    return {}


@late_router.get("/late")
def late() -> dict:
    return {}


def attach_router(app: FastAPI) -> None:
    app.include_router(router)


def attach_docs(app: FastAPI) -> None:
    @app.delete("/items/{item_id}")
    async def delete_item(item_id: int) -> None: ...
"""

# module level: an ASGI wrapper bound to the app's name after its routes are registered
WRAPPED = """\
from fastapi import APIRouter, FastAPI
from starlette.middleware.cors import CORSMiddleware

wrapped_router = APIRouter()


@wrapped_router.get("/wrapped")
def wrapped() -> dict:
    return {}


app = FastAPI()
app.include_router(wrapped_router)


@app.get("/direct")
def direct() -> dict:
    return {}


app = CORSMiddleware(app, allow_origins=["*"])
"""

BUILD = "pkg.main:build_app.app"
TWO = "pkg.main:build_two.app"
ADMIN = "pkg.main:second"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {
        "pkg/__init__.py": "",
        "pkg/main.py": MAIN,
        "pkg/routers.py": ROUTERS,
        "pkg/wrapped.py": WRAPPED,
    }
    return write_project(tmp_path_factory.mktemp("appfix") / "p", files, select=["BK101"])


def _rows(routes: list[Route]) -> set[tuple[str, str, str, str]]:
    return {(r.methods[0], r.path, r.app, r.auth) for r in routes}


def test_registrations_before_the_rebinding_stay_on_the_app(project: Path) -> None:
    result = analyze([project])
    assert _rows(result.routes) == {
        ("POST", "/v1/completions", BUILD, "required"),
        ("DELETE", "/items/{item_id}", BUILD, "required"),
        ("GET", "/public", TWO, "none"),
        ("GET", "/late", ADMIN, "required"),
        ("GET", "/wrapped", "pkg.wrapped:app", "none"),
        ("GET", "/direct", "pkg.wrapped:app", "none"),
    }
    assert all(not r.notes for r in result.routes)


def test_only_the_open_routes_are_reported(project: Path) -> None:
    result = analyze([project])
    assert sorted((f.code, f.path, f.line) for f in result.findings) == [
        ("BK101", "pkg/routers.py", 13),
        ("BK101", "pkg/wrapped.py", 7),
        ("BK101", "pkg/wrapped.py", 16),
    ]


@pytest.fixture
def somelib(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in for the library ``bootstrap`` hands the app to (it returns it)."""
    module = types.ModuleType("somelib")
    module.bootstrap = lambda app: app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "somelib", module)


@pytest.mark.usefixtures("somelib")
def test_against_fastapi(project: Path) -> None:
    result = analyze([project])
    for ref, app in (("pkg.main:application", BUILD), ("pkg.main:second", ADMIN)):
        mine = {(r.methods[0], r.path, r.auth != "none") for r in result.routes if r.app == app}
        assert mine == fastapi_truth(project, ref)
    wrapped = {(r.methods[0], r.path, False) for r in result.routes if r.app == "pkg.wrapped:app"}
    assert wrapped == fastapi_truth(project, "pkg.wrapped:app.app")


UNRESOLVED = {
    "pkg/__init__.py": "",
    "pkg/docs.py": """\
from fastapi import APIRouter, FastAPI

router = APIRouter()


@router.get("/listed")
def listed() -> dict:
    return {}


def attach(app: FastAPI) -> None:
    app.include_router(router)

    @app.delete("/items/{item_id}")
    async def delete_item(item_id: int) -> None: ...


def attach_plain(app) -> None:
    @app.get("/plain")
    async def plain() -> None: ...
""",
}


def test_routes_on_an_app_parameter_nobody_passes_are_listed(tmp_path: Path) -> None:
    """``attach`` is called by nobody the analysis sees (a plugin hook, say): the router it
    includes and the route it decorates on its ``app: FastAPI`` are in some app, with
    dependencies that are not known: listed, ``unknown``. An unannotated parameter with a
    ``.get`` decorator is not taken for an app."""
    root = write_project(tmp_path / "p", UNRESOLVED, select=["BK101"])
    result = analyze([root])
    assert {(r.methods[0], r.path, r.app, r.auth) for r in result.routes} == {
        ("GET", "/listed", "", "unknown"),
        ("DELETE", "/items/{item_id}", "", "unknown"),
    }
    assert result.findings == []


ALIASED = {
    "pkg/__init__.py": "",
    "pkg/launch.py": """\
from fastapi import Depends, FastAPI
from fastapi.security import HTTPBearer

import somelib
from pkg.register import register_api_routers


def build_app(args: object) -> FastAPI:
    if args:
        app = FastAPI(docs_url=None, dependencies=[Depends(HTTPBearer())])
    else:
        app = FastAPI(dependencies=[Depends(HTTPBearer())])
    register_api_routers(args, app)
    app = somelib.bootstrap(app)
    return app
""",
    "pkg/register.py": """\
from fastapi import FastAPI


def register_api_routers(args: object, app: FastAPI) -> None:
    from pkg.sleep import attach_router as attach_sleep_router

    attach_sleep_router(app)
""",
    "pkg/sleep.py": """\
from fastapi import APIRouter, FastAPI

router = APIRouter()


@router.post("/sleep")
def sleep() -> dict:
    return {}


def attach_router(app: FastAPI) -> None:
    app.include_router(router)
""",
}


def test_helpers_imported_under_another_name(tmp_path: Path) -> None:
    """vLLM: ``register_api_routers(args, app)`` calls ``attach_sleep_router(app)``, which is
    ``attach_router`` imported under another name inside the function: its callers are found
    through the alias, hop by hop, to the app bound before ``app = somelib.bootstrap(app)``."""
    root = write_project(tmp_path / "p", ALIASED, select=["BK101"])
    result = analyze([root])
    assert {(r.methods[0], r.path, r.app, r.auth) for r in result.routes} == {
        ("POST", "/sleep", "pkg.launch:build_app.app", "required"),
    }
    assert result.findings == []
