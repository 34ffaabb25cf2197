"""A project function that returns one of its parameters gives back the caller's argument:
``app = configure(app=app)`` keeps the ``FastAPI()`` routers were included into (arize-phoenix's
``_add_get_secret_method``), and ``r = include_routers(APIRouter(prefix=...))`` is the router
created in that call, with what the helper included into its parameter (fief's auth app).
Checked against FastAPI: the paths it serves and whether an anonymous request is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from backendkit.result import Route
from helpers import write_project
from truth import fastapi_truth, imported_app

CONFIGURED = """\
from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import HTTPBearer

router = APIRouter()
secure = APIRouter(dependencies=[Depends(HTTPBearer())])
late = APIRouter()


@router.delete("/items/{item_id}")
def delete_item(item_id: int) -> None: ...


@secure.get("/secure")
def secure_get() -> int:
    return 1


@late.delete("/late/{item_id}")
def delete_late(item_id: int) -> None: ...


def _configure(*, app: FastAPI, flag: bool) -> FastAPI:
    app.state.flag = flag
    return app


def _titled(app: FastAPI) -> FastAPI:
    app.title = "titled"
    return app


def create_app() -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    app.include_router(secure)
    app = _configure(app=app, flag=True)
    app.include_router(late)
    app = _titled(app)

    @app.get("/after")
    def after() -> int:
        return 1

    return app


app = create_app()
"""

TENANTS = """\
from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import HTTPBearer

users_router = APIRouter()
admin_router = APIRouter(dependencies=[Depends(HTTPBearer())])


@users_router.delete("/users/{user_id}")
def delete_user(user_id: int) -> None: ...


@admin_router.get("/admin")
def admin() -> int:
    return 1


def include_routers(router: APIRouter) -> APIRouter:
    router.include_router(users_router, prefix="/api")
    router.include_router(admin_router)
    return router


default_tenant_router = include_routers(APIRouter())
tenant_router = include_routers(APIRouter(prefix="/{tenant_slug}"))

app = FastAPI()
app.include_router(default_tenant_router)
app.include_router(tenant_router)
"""

# fief's root app: the auth app mounted at "/" (Starlette strips the trailing slash)
MOUNTED = (
    TENANTS
    + """
admin = FastAPI()


@admin.get("/panel")
def panel() -> int:
    return 1


root = FastAPI()
root.mount("/admin/", admin)
root.mount("/", app)
"""
)


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One project per helper shape."""
    base = tmp_path_factory.mktemp("returned")
    out = {}
    for name, text in (
        ("configured", CONFIGURED),
        ("tenants", TENANTS),
        ("mounted", MOUNTED),
    ):
        files = {"app/__init__.py": "", "app/main.py": text}
        out[name] = write_project(base / name, files, select=["BK101"])
    return out


def _inventory(routes: list[Route]) -> dict[tuple[str, str], tuple[str, str]]:
    return {(r.methods[0], r.path): (r.app, r.auth) for r in routes}


def _engine_triples(routes: list[Route]) -> set[tuple[str, str, bool]]:
    return {(r.methods[0], r.path, r.auth != "none") for r in routes}


def test_configured_app_keeps_its_routes(projects: dict[str, Path]) -> None:
    """Routes included before and after ``app = helper(app=app)`` are on the one app, with
    their own authentication; the unauthenticated DELETEs are reported."""
    result = analyze([projects["configured"]])
    assert _inventory(result.routes) == {
        ("DELETE", "/items/{item_id}"): ("app.main:app", "none"),
        ("GET", "/secure"): ("app.main:app", "required"),
        ("DELETE", "/late/{item_id}"): ("app.main:app", "none"),
        ("GET", "/after"): ("app.main:app", "none"),
    }
    lines = {r.path: r.line for r in result.routes}
    found = sorted((f.code, f.line) for f in result.findings)
    assert found == sorted(
        ("BK101", lines[path]) for path in ("/items/{item_id}", "/late/{item_id}", "/after")
    )
    assert _engine_triples(result.routes) == fastapi_truth(projects["configured"], "app.main:app")


def test_configured_app_against_fastapi(projects: dict[str, Path]) -> None:
    with imported_app(projects["configured"], "app.main:app") as application:
        client = TestClient(application)
        assert client.delete("/items/1").status_code == 200
        assert client.delete("/late/1").status_code == 200
        assert client.get("/secure").status_code in (401, 403)
        assert application.title == "titled"


def test_routers_included_into_a_helper_parameter(projects: dict[str, Path]) -> None:
    """Each call's own router gets what the helper includes into its parameter: two paths
    per route (FastAPI's), no ``*`` rows for the helper's results, the secured router stays
    required."""
    result = analyze([projects["tenants"]])
    assert _inventory(result.routes) == {
        ("DELETE", "/api/users/{user_id}"): ("app.main:app", "none"),
        ("DELETE", "/{tenant_slug}/api/users/{user_id}"): ("app.main:app", "none"),
        ("GET", "/admin"): ("app.main:app", "required"),
        ("GET", "/{tenant_slug}/admin"): ("app.main:app", "required"),
    }
    assert _engine_triples(result.routes) == fastapi_truth(projects["tenants"], "app.main:app")
    # one finding for the declaration served at both paths
    assert [(f.code, f.line) for f in result.findings] == [("BK101", 8)]


def test_an_app_mounted_at_the_root_adds_no_slash(projects: dict[str, Path]) -> None:
    """``mount("/", app)`` serves ``/api/users/...``, not ``//api/users/...``; ``mount("/admin/",
    admin)`` serves ``/admin/panel``."""
    result = analyze([projects["mounted"]])
    root = [r for r in result.routes if r.app == "app.main:root"]
    assert sorted(r.path for r in root) == [
        "/admin",
        "/admin/panel",
        "/api/users/{user_id}",
        "/{tenant_slug}/admin",
        "/{tenant_slug}/api/users/{user_id}",
    ]
    assert _engine_triples(root) == fastapi_truth(projects["mounted"], "app.main:root")
