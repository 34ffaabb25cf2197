"""A dependency kept on a project object: ``Security(api._auth_service)`` where ``__init__``
set ``self._auth_service = AuthService(...)`` (or another attribute holding one), reached
through a module-level instance, a parameter its callers pass, or a parameter whose only
caller passes ``self`` and whose annotation names the class (xinference's routers:
``def register_routes(api: "RESTfulAPI")``, ``auth = api._auth_service``). The evaluator knows
only class fields, so these routes were ``unknown``; checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

AUTH = """\
import os

from fastapi import HTTPException, Request
from fastapi.security import SecurityScopes


class AuthService:
    def __call__(self, scopes: SecurityScopes, request: Request) -> None:
        if request.headers.get("X-API-Key") != os.environ.get("BK_KEY"):
            raise HTTPException(status_code=401)


class Audit:
    def __call__(self, request: Request) -> None:
        print(request.url)
"""

MAIN = """\
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Security

from app.auth import Audit, AuthService


class Api:
    def __init__(self) -> None:
        self.router = APIRouter()
        self._advanced = None
        self._auth_service: Any = None
        self._advanced = AuthService()
        self._auth_service = self._advanced
        self.audit = Audit()
        self.app = FastAPI()

    def is_authenticated(self) -> bool:
        return self._advanced is not None

    def handler(self) -> str:
        return "ok"

    def serve(self) -> FastAPI:
        from app.routes import register_routes

        register_routes(self)
        self.app.include_router(self.router)
        return self.app


api = Api()
app = api.serve()


def register(a: Api) -> None:
    app.add_api_route("/passed", api.handler, dependencies=[Security(a._auth_service)])


@app.get("/module", dependencies=[Security(api._auth_service, scopes=["read"])])
def module_level() -> str:
    return "ok"


@app.get("/audited", dependencies=[Depends(api.audit)])
def audited() -> str:
    return "ok"


register(api)
"""

ROUTES = """\
from typing import TYPE_CHECKING

from fastapi import Security

if TYPE_CHECKING:
    from app.main import Api


def register_routes(api: "Api") -> None:
    auth = api._auth_service
    is_auth = api.is_authenticated()
    api.router.add_api_route(
        "/typed", api.handler, methods=["GET"], dependencies=[Security(auth, scopes=["x"])]
    )
    api.router.add_api_route(
        "/flag-a",
        api.handler,
        dependencies=([Security(auth, scopes=["a"])] if is_auth else None),
    )
    api.router.add_api_route(
        "/flag-b",
        api.handler,
        dependencies=([Security(auth, scopes=["b"])] if is_auth else None),
    )
"""

EXPECTED = {"/typed": "required", "/passed": "required", "/module": "required", "/audited": "none"}
#: authenticated only while ``is_auth`` holds (it does here): ``dependencies=None`` otherwise
FLAGGED = ["/flag-a", "/flag-b"]


def _files() -> dict[str, str]:
    return {
        "app/__init__.py": "",
        "app/auth.py": AUTH,
        "app/main.py": MAIN,
        "app/routes.py": ROUTES,
    }


def test_fastapi_behaviour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BK_KEY", "secret")
    root = write_project(tmp_path / "p", _files())
    statuses = anonymous_statuses(root, [*EXPECTED, *FLAGGED])
    expected = {path: 401 if auth == "required" else 200 for path, auth in EXPECTED.items()}
    assert statuses == expected | dict.fromkeys(FLAGGED, 401)


def test_a_dependency_kept_on_a_project_object_is_read(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", _files(), select=["BK101"])
    result = analyze([root], use_cache=False)
    routes = {route.path: route for route in result.routes}
    assert {path: route.auth for path, route in routes.items()} == EXPECTED | dict.fromkeys(
        FLAGGED, "none"
    )
    assert (
        routes["/typed"].auth_chain[-1] == "app.main:Api.self._advanced (checks header x-api-key)"
    )
    found = [f for f in result.findings if f.code == "BK101"]
    assert [f.extra["route"]["path"] for f in found if "route" in f.extra] == ["/audited"]


def test_routes_a_local_flag_switches_are_one_finding_at_the_flag(tmp_path: Path) -> None:
    """``is_auth = api.is_authenticated()``, then ``dependencies=[...] if is_auth else None``
    on each route the function registers: one switch, reported once where ``is_auth`` is set
    (``dependencies=None`` is no dependency)."""
    root = write_project(tmp_path / "p", _files(), select=["BK101"])
    result = analyze([root], use_cache=False)
    (switch,) = [f for f in result.findings if f.code == "BK101" and "routes" in f.extra]
    assert (switch.path, switch.line) == (
        "app/routes.py",
        ROUTES.splitlines().index("    is_auth = api.is_authenticated()") + 1,
    )
    assert switch.extra["routes"] == ["GET /flag-a", "GET /flag-b"]
    assert switch.message.startswith("Configuration switch: selecting is_auth false (the branch")


UNSETTLED = """\
import os

from fastapi import FastAPI, Security

from app.auth import AuthService


def noop() -> None:
    return None


class Lazy:
    def __init__(self) -> None:
        self.auth = noop

    def enable(self) -> None:  # never called
        self.auth = AuthService()


class Chosen:
    def __init__(self) -> None:
        if os.environ.get("BK_OPEN"):
            self.auth = noop
        else:
            self.auth = AuthService()


class Patched:
    def __init__(self) -> None:
        self.auth = AuthService()


lazy, chosen, patched = Lazy(), Chosen(), Patched()
patched.auth = noop
app = FastAPI()
app.add_api_route("/lazy", lambda: "ok", dependencies=[Security(lazy.auth)])
app.add_api_route("/chosen", lambda: "ok", dependencies=[Security(chosen.auth)])
app.add_api_route("/patched", lambda: "ok", dependencies=[Security(patched.auth)])
"""


def test_an_attribute_that_may_hold_another_value_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Set twice (which value an object holds depends on what ran: a method never called,
    a branch) or assigned from outside the class: not ``required`` (FastAPI lets anonymous
    callers of /lazy and /patched in)."""
    files = {"app/__init__.py": "", "app/auth.py": AUTH, "app/main.py": UNSETTLED}
    root = write_project(tmp_path / "p", files, select=["BK101"])
    result = analyze([root], use_cache=False)
    assert {route.path: route.auth for route in result.routes} == dict.fromkeys(
        ["/lazy", "/chosen", "/patched"], "unknown"
    )
    monkeypatch.setenv("BK_KEY", "secret")
    statuses = anonymous_statuses(root, ["/lazy", "/chosen", "/patched"])
    assert statuses == {"/lazy": 200, "/chosen": 401, "/patched": 200}


DECLARED = """\
from fastapi import FastAPI, Security

from app.auth import AuthService


class Base:
    def __call__(self) -> None:
        return None


class Open(Base):
    pass


app = FastAPI()
app.state.auth = AuthService()
app.state.base = Open()


def register(application: FastAPI) -> None:
    auth: AuthService = application.state.auth
    base: Base = application.state.base
    application.add_api_route("/declared", lambda: "ok", dependencies=[Security(auth)])
    application.add_api_route("/derived", lambda: "ok", dependencies=[Security(base)])


register(app)
"""


def test_a_variable_is_an_instance_of_the_class_it_is_declared_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``auth: AuthService = application.state.auth``: the value is not known, the declared
    class is (xinference's ``auth_service: AdvancedAuthService = api._app.state...``); a
    class some project class derives from is not trusted (the object may be the subclass's)."""
    files = {"app/__init__.py": "", "app/auth.py": AUTH, "app/main.py": DECLARED}
    root = write_project(tmp_path / "p", files, select=["BK101"])
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {"/declared": "required", "/derived": "unknown"}
    monkeypatch.setenv("BK_KEY", "secret")
    statuses = anonymous_statuses(root, ["/declared", "/derived"])
    assert statuses == {"/declared": 401, "/derived": 200}
