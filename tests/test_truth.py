"""The route engine against FastAPI itself, on the idiom projects and the shop example.

Two groups of tests:

* harness tests (``test_truth_*``) prove the ground truth: the walker in ``tests/truth.py``
  agrees with FastAPI's OpenAPI document and with real requests, the projects import in
  isolation, and the counts and auth statuses written in each ``truth.toml`` hold;
* engine tests (``test_engine_*``) compare ``backendkit.analyze([project_dir]).routes`` with
  that truth. They fail loudly (ImportError) while the engine does not exist.

Contract assumed of the engine: routes of a FastAPI app mounted with ``app.mount(prefix, sub)``
are reported with ``app`` set to the *root* application and the mount prefix in ``path``;
``Route.app`` is the module-level name the application is bound to (``"svc.public:app"`` even
when ``create_app()`` builds it); ``handler`` is ``"defining.module:qualname"``.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from truth import (
    REPO,
    WEBSOCKET,
    AppSpec,
    ProjectSpec,
    TruthRoute,
    all_specs,
    diff_maps,
    diff_triples,
    engine_attr,
    engine_triples,
    fastapi_routes,
    fastapi_truth,
    imported_app,
    openapi_triples,
    walk_app,
)

SPECS = all_specs()
CASES = [
    pytest.param(spec, app, id=f"{spec.name}:{app.ref}") for spec in SPECS for app in spec.apps
]

# Routes whose handler rejects anonymous callers by itself, without a security scheme.
SELF_CHECKING = {("deps", "GET /tokens/header-check")}
# Of those, the routes whose dependency checks a credential header itself (it reads the
# Authorization header and raises 401 without it): FastAPI's schemes see no authentication, the
# engine sees it ``required`` (BK101's credential-check rule); the anonymous probe above confirms
# the rejection.
CREDENTIAL_CHECKING = {("deps", "GET /tokens/header-check")}


def _engine_view(spec: ProjectSpec, expected: dict[str, str]) -> dict[str, str]:
    """The truth's auth statuses as the engine states them: ``required`` for a route whose
    dependency checks a credential itself."""
    return {
        key: "required" if (spec.name, key) in CREDENTIAL_CHECKING else status
        for key, status in expected.items()
    }


@functools.cache
def _truth(
    root: Path, app_ref: str, env: tuple[tuple[str, str], ...] = ()
) -> tuple[TruthRoute, ...]:
    return tuple(fastapi_routes(root, app_ref, dict(env)))


def _truth_map(spec: ProjectSpec, app: AppSpec) -> dict[str, TruthRoute]:
    return {route.key: route for route in _truth(spec.root, app.ref, spec.env)}


@functools.cache
def _engine_routes(root: Path) -> tuple[Any, ...]:
    src = str(REPO / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    from backendkit import analyze

    return tuple(analyze([root]).routes)


# --------------------------------------------------------------------------------------------
# The harness itself
# --------------------------------------------------------------------------------------------


def test_truth_projects_are_all_there() -> None:
    names = {spec.name for spec in SPECS}
    assert {
        "verbs",
        "multiapp",
        "prefixes",
        "deps",
        "imports",
        "schemes",
        "extras",
        "shop",
    } <= names
    for spec in SPECS:
        assert (spec.root / "pyproject.toml").is_file(), spec.name
        assert spec.apps, spec.name


@pytest.mark.parametrize(("spec", "app"), CASES)
def test_truth_route_count(spec: ProjectSpec, app: AppSpec) -> None:
    routes = _truth(spec.root, app.ref, spec.env)
    keys = [route.key for route in routes]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, f"a (method, path) is served twice: {duplicates}"
    listing = "\n".join(f"  {r.key} [{r.auth}]" for r in sorted(routes, key=lambda r: r.key))
    assert len(routes) == app.routes, (
        f"{len(routes)} routes, truth.toml says {app.routes}:\n{listing}"
    )


@pytest.mark.filterwarnings("ignore:Duplicate Operation ID")  # one operation id per route
@pytest.mark.parametrize(("spec", "app"), CASES)
def test_truth_walker_agrees_with_openapi(spec: ProjectSpec, app: AppSpec) -> None:
    with imported_app(spec.root, app.ref) as application:
        walked = {r.triple for r in walk_app(application) if r.kind == "http" and r.in_schema}
        documented = openapi_triples(application)
    assert documented, "the OpenAPI document lists no operation"
    problem = diff_triples(documented, walked, "openapi", "walker")
    assert not problem, problem


@pytest.mark.parametrize(("spec", "app"), CASES)
def test_truth_declared_auth_holds(spec: ProjectSpec, app: AppSpec) -> None:
    routes = _truth_map(spec, app)
    actual = {key: routes[key].auth if key in routes else "<not served>" for key in app.auth}
    problem = diff_maps(app.auth, actual, "auth status in truth.toml vs FastAPI")
    assert not problem, problem


def _concrete(path: str) -> str:
    path = re.sub(r"\{[^}:]+:path\}", "a/b", path)
    return re.sub(r"\{[^}]+\}", "1", path)


def _probe_http(client: TestClient, route: TruthRoute) -> str:
    """``"served"``, ``"rejected"`` (401/403) or ``"missing"`` for an anonymous request."""
    response = client.request(route.method, _concrete(route.path))
    if response.status_code in (401, 403):
        return "rejected"
    if response.is_redirect:  # redirect_slashes: this exact path is not served
        return "missing"
    if response.status_code in (404, 405) and response.headers.get("content-type") == (
        "application/json"
    ):
        generic = ({"detail": "Not Found"}, {"detail": "Method Not Allowed"})
        return "missing" if response.json() in generic else "served"
    return "served"


def _probe_websocket(client: TestClient, route: TruthRoute) -> str:
    """``"served"`` if the handshake is accepted, ``"rejected"`` on a 401/403 denial."""
    accepted = False
    try:
        with client.websocket_connect(_concrete(route.path)):
            accepted = True
    except Exception as exc:  # denial response or close before accept
        if not accepted:
            status = getattr(exc, "status_code", None)
            return "rejected" if status in (401, 403) else "missing"
    return "served"


@pytest.mark.parametrize(("spec", "app"), CASES)
def test_truth_requests_confirm_auth(spec: ProjectSpec, app: AppSpec) -> None:
    """Anonymous calls: ``required`` routes are rejected (401/403), others are not; all exist.

    This proves the walker's paths and its ``required`` status against FastAPI's behaviour.
    """
    wrong: list[str] = []
    with imported_app(spec.root, app.ref) as application:
        client = TestClient(application, raise_server_exceptions=False, follow_redirects=False)
        for route in walk_app(application):
            probe = _probe_websocket if route.kind == "websocket" else _probe_http
            outcome = probe(client, route)
            if outcome == "missing":
                wrong.append(f"{route.key}: not served")
            elif route.auth == "required" and outcome != "rejected":
                wrong.append(f"{route.key}: required but the anonymous call was {outcome}")
            elif (
                route.auth != "required"
                and outcome == "rejected"
                and (spec.name, route.key) not in SELF_CHECKING
            ):
                wrong.append(f"{route.key}: {route.auth} but the anonymous call was rejected")
    assert not wrong, "\n".join(wrong)


def test_truth_isolates_projects_sharing_a_package_name() -> None:
    path_before = list(sys.path)
    verbs = fastapi_truth(REPO / "tests/projects/verbs", "app.main:app")
    prefixes = fastapi_truth(REPO / "tests/projects/prefixes", "app.main:app")
    again = fastapi_truth(REPO / "tests/projects/verbs", "app.main:app")
    assert verbs == again
    assert not verbs & prefixes
    assert ("GET", "/healthz", False) in prefixes
    assert ("WEBSOCKET", "/ws", False) in verbs
    assert sys.path == path_before
    assert not [name for name in sys.modules if name == "app" or name.startswith("app.")]


def test_truth_mounted_apps_keep_their_own_dependencies() -> None:
    admin = {
        r.key: r for r in fastapi_routes(REPO / "tests/projects/multiapp", "svc.admin:admin_app")
    }
    assert admin["GET /whoami"].schemes == ("HTTPBasic",)
    assert admin["GET /status/ping"].schemes == ()
    assert admin["GET /status/ping"].mount == "/status"
    assert admin["WEBSOCKET /admin/catalog/live"].method == WEBSOCKET


# --------------------------------------------------------------------------------------------
# The engine against the truth
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "app"), CASES)
def test_engine_matches_fastapi(spec: ProjectSpec, app: AppSpec) -> None:
    expected = {
        (method, path, secured or (spec.name, f"{method} {path}") in CREDENTIAL_CHECKING)
        for method, path, secured in (r.triple for r in _truth(spec.root, app.ref, spec.env))
    }
    actual = engine_triples(_engine_routes(spec.root), app.ref)
    problem = diff_triples(expected, actual, "fastapi", "backendkit")
    assert not problem, f"{spec.name} {app.ref}:\n{problem}"


@pytest.mark.parametrize(("spec", "app"), CASES)
def test_engine_declared_auth_statuses(spec: ProjectSpec, app: AppSpec) -> None:
    actual = engine_attr(_engine_routes(spec.root), app.ref, "auth")
    problem = diff_maps(_engine_view(spec, app.auth), actual, f"{spec.name} {app.ref} auth status")
    assert not problem, problem


@pytest.mark.parametrize(("spec", "app"), CASES)
def test_engine_auth_matches_runtime(spec: ProjectSpec, app: AppSpec) -> None:
    """Every route: required/optional/none, the way FastAPI's schemes (auto_error) decide it."""
    expected = _engine_view(spec, {key: route.auth for key, route in _truth_map(spec, app).items()})
    actual = engine_attr(_engine_routes(spec.root), app.ref, "auth")
    problem = diff_maps(expected, actual, f"{spec.name} {app.ref} auth status")
    assert not problem, problem


def _short_handler(handler: str) -> str:
    module, _, qualname = handler.partition(":")
    return f"{module}:{qualname.rsplit('.', 1)[-1]}"


@pytest.mark.parametrize(("spec", "app"), CASES)
def test_engine_handlers_and_resolution(spec: ProjectSpec, app: AppSpec) -> None:
    """Handlers are named after their defining module; every path here is resolvable."""
    routes = _engine_routes(spec.root)
    expected = {key: _short_handler(r.handler) for key, r in _truth_map(spec, app).items()}
    actual = {
        key: _short_handler(handler)
        for key, handler in engine_attr(routes, app.ref, "handler").items()
    }
    problem = diff_maps(expected, actual, f"{spec.name} {app.ref} handler")
    assert not problem, problem
    unresolved = sorted(
        key for key, ok in engine_attr(routes, app.ref, "path_resolved").items() if not ok
    )
    assert not unresolved, f"paths not resolved statically: {unresolved}"
