"""Ground truth for route inventories, taken from FastAPI itself.

The engine in ``backendkit`` builds every route of a project *statically*. This module imports
the same project for real and asks FastAPI what it serves, so the two can be compared.

For one application object (``"pkg.mod:attr"``) :func:`fastapi_routes` returns one
:class:`TruthRoute` per (method, path) that FastAPI would dispatch:

* HTTP path operations (``APIRoute``), one record per declared method. FastAPI lists only the
  methods you declared: ``@app.get`` does *not* add ``HEAD`` (unlike plain Starlette routes),
  and ``api_route(methods=[...])`` is taken literally (upper-cased).
* WebSocket routes (``APIWebSocketRoute``) with method ``"WEBSOCKET"``.
* Routes of FastAPI sub-applications mounted with ``app.mount(prefix, subapp)``, recursively,
  with the mount prefix prepended. A mounted app keeps its own dependencies; those of the
  parent do not apply to it.

FastAPI's own documentation routes (``/openapi.json``, ``/docs``, ``/redoc``, ...) are plain
Starlette routes and are left out, as are other non-FastAPI routes and mounts.

``secured`` is True when the route's dependency tree contains an instance of
``fastapi.security.base.SecurityBase`` (any scheme, including subclasses and schemes with
``auto_error=False``): exactly what makes FastAPI put a ``security`` requirement on the
operation in OpenAPI. ``auth`` refines it: ``"required"`` if at least one of those schemes has
``auto_error`` true, ``"optional"`` if all of them have ``auto_error=False``, else ``"none"``.

Since FastAPI 0.16x, ``include_router`` no longer copies routes: ``app.routes`` holds lazy
``_IncludedRouter`` entries that are resolved on demand. The public helper
``fastapi.routing.iter_route_contexts`` yields the effective routes (full path, merged
dependencies); older FastAPI versions have flat ``app.routes`` and no such helper, and both
are handled here.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import fastapi.routing
from fastapi import FastAPI
from fastapi.routing import APIRoute, APIRouter, APIWebSocketRoute
from fastapi.security.base import SecurityBase
from starlette.routing import Mount

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
PROJECTS_DIR = REPO / "tests" / "projects"

Triple = tuple[str, str, bool]
"""``(METHOD, full_path, secured)``; WebSocket routes use the method ``"WEBSOCKET"``."""

WEBSOCKET = "WEBSOCKET"


@dataclass(frozen=True)
class TruthRoute:
    """One (method, path) that FastAPI serves for an application."""

    method: str
    path: str
    kind: str  # "http" | "websocket"
    secured: bool
    auth: str  # "required" | "optional" | "none"
    handler: str  # "module:qualname" of the endpoint function
    in_schema: bool  # whether the operation appears in the OpenAPI document of its app
    mount: str = ""  # prefix of the mounted sub-application serving it, "" for the root app
    schemes: tuple[str, ...] = ()  # class names of the security schemes in the tree

    @property
    def triple(self) -> Triple:
        return (self.method, self.path, self.secured)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


# --------------------------------------------------------------------------------------------
# Importing a project in isolation
# --------------------------------------------------------------------------------------------


def _top_level_names(project_dir: Path) -> set[str]:
    """The importable top-level names a project directory provides."""
    names: set[str] = set()
    for child in project_dir.iterdir():
        if child.is_dir() and child.name.isidentifier() and any(child.glob("*.py")):
            names.add(child.name)
        elif child.suffix == ".py" and child.stem.isidentifier():
            names.add(child.stem)
    return names


def _purge_modules(project_dir: Path, names: set[str]) -> None:
    """Forget every module that came from ``project_dir`` (or shadows one of its names)."""
    for mod_name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        from_project = False
        if file:
            with contextlib.suppress(OSError, ValueError):
                from_project = Path(file).resolve().is_relative_to(project_dir)
        if from_project or mod_name.partition(".")[0] in names:
            del sys.modules[mod_name]


def _resolve_attr(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


@contextlib.contextmanager
def imported_app(project_dir: Path | str, app_ref: str) -> Iterator[Any]:
    """Import ``app_ref`` (``"pkg.mod:attr"``) from ``project_dir`` and yield the object.

    The project's modules are purged from ``sys.modules`` before and after, so several
    projects may use the same package name (``app``, say) within one test session.
    """
    project_dir = Path(project_dir).resolve()
    module_name, sep, attr = app_ref.partition(":")
    if not sep or not attr:
        raise ValueError(f"app reference must look like 'pkg.mod:attr', got {app_ref!r}")
    names = _top_level_names(project_dir)
    _purge_modules(project_dir, names)
    sys.path.insert(0, str(project_dir))
    importlib.invalidate_caches()
    try:
        module = importlib.import_module(module_name)
        yield _resolve_attr(module, attr)
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(str(project_dir))
        _purge_modules(project_dir, names)


def anonymous_statuses(
    project_dir: Path | str,
    paths: Iterable[str],
    app_ref: str = "app.main:app",
    raise_errors: bool = False,
) -> dict[str, int]:
    """The status code FastAPI answers an anonymous ``GET`` of each of ``paths`` with
    (``raise_errors``: a server error raises instead of being a 500)."""
    from fastapi.testclient import TestClient

    with imported_app(project_dir, app_ref) as application:
        client = TestClient(application, raise_server_exceptions=raise_errors)
        return {path: client.get(path).status_code for path in paths}


# --------------------------------------------------------------------------------------------
# Walking what FastAPI serves
# --------------------------------------------------------------------------------------------

_iter_route_contexts: Callable[[Any], Iterable[Any]] | None = getattr(
    fastapi.routing, "iter_route_contexts", None
)


def _effective_routes(routes: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
    """``(original_route, effective_route)`` pairs with included routers resolved.

    The effective route carries the full path, the merged dependencies and the final
    ``dependant``; the original route tells which kind of route it is.
    """
    if _iter_route_contexts is None:  # FastAPI < 0.16x: include_router copies routes
        for route in routes:
            yield route, route
        return
    for context in _iter_route_contexts(routes):
        yield context.original_route, context


def _unwrapped_call(call: Any) -> Any:
    while isinstance(call, functools.partial):
        call = call.func
    with contextlib.suppress(ValueError):
        call = inspect.unwrap(call)
    return call


def security_schemes(dependant: Any) -> list[SecurityBase]:
    """Every security scheme instance in a route's dependency tree, depth first."""
    found: list[SecurityBase] = []
    stack = list(reversed(dependant.dependencies))
    while stack:
        dep = stack.pop()
        call = _unwrapped_call(dep.call)
        if isinstance(call, SecurityBase):
            found.append(call)
        stack.extend(reversed(dep.dependencies))
    return found


def auth_status(schemes: list[SecurityBase]) -> str:
    if any(getattr(scheme, "auto_error", True) for scheme in schemes):
        return "required"
    return "optional" if schemes else "none"


def _handler_name(endpoint: Any) -> str:
    endpoint = _unwrapped_call(endpoint)
    module = getattr(endpoint, "__module__", "?")
    qualname = getattr(endpoint, "__qualname__", None) or type(endpoint).__qualname__
    return f"{module}:{qualname}"


def _mounted_app(route: Any) -> Any | None:
    app = getattr(route, "app", None)
    return app if isinstance(app, (FastAPI, APIRouter)) else None


def iter_apps(app: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``(mount_prefix, app)`` for ``app`` and every FastAPI app mounted in it, recursively."""
    yield prefix, app
    for original, effective in _effective_routes(app.routes):
        if isinstance(original, Mount):
            sub = _mounted_app(original)
            if sub is not None:
                yield from iter_apps(sub, prefix + effective.path)


def _own_routes(app: Any, prefix: str) -> Iterator[TruthRoute]:
    for original, effective in _effective_routes(app.routes):
        if isinstance(original, APIRoute):
            schemes = security_schemes(effective.dependant)
            for method in sorted(effective.methods or ()):
                yield TruthRoute(
                    method=method,
                    path=prefix + effective.path,
                    kind="http",
                    secured=bool(schemes),
                    auth=auth_status(schemes),
                    handler=_handler_name(effective.endpoint),
                    in_schema=bool(effective.include_in_schema),
                    mount=prefix,
                    schemes=tuple(type(s).__name__ for s in schemes),
                )
        elif isinstance(original, APIWebSocketRoute):
            schemes = security_schemes(effective.dependant)
            yield TruthRoute(
                method=WEBSOCKET,
                path=prefix + effective.path,
                kind="websocket",
                secured=bool(schemes),
                auth=auth_status(schemes),
                handler=_handler_name(effective.endpoint),
                in_schema=False,
                mount=prefix,
                schemes=tuple(type(s).__name__ for s in schemes),
            )


def walk_app(app: Any) -> list[TruthRoute]:
    """Every route ``app`` serves, mounted FastAPI sub-applications included."""
    routes: list[TruthRoute] = []
    for prefix, sub in iter_apps(app):
        routes.extend(_own_routes(sub, prefix))
    return routes


def openapi_triples(app: Any) -> set[Triple]:
    """``(METHOD, path, has security)`` from the OpenAPI documents of ``app`` and its mounts.

    An independent view used to check :func:`walk_app`: OpenAPI has no WebSocket routes and
    no ``include_in_schema=False`` routes, and each mounted app has its own document.
    """
    triples: set[Triple] = set()
    for prefix, sub in iter_apps(app):
        if not isinstance(sub, FastAPI):
            continue
        for path, item in sub.openapi().get("paths", {}).items():
            for method, operation in item.items():
                if isinstance(operation, dict) and "responses" in operation:
                    triples.add((method.upper(), prefix + path, bool(operation.get("security"))))
    return triples


def fastapi_routes(
    project_dir: Path | str, app_ref: str, env: dict[str, str] | None = None
) -> list[TruthRoute]:
    """Import ``app_ref`` from ``project_dir`` in isolation (with ``env`` set) and walk it."""
    with mock.patch.dict(os.environ, env or {}), imported_app(project_dir, app_ref) as app:
        return walk_app(app)


def fastapi_truth(project_dir: Path | str, app_ref: str) -> set[Triple]:
    """``{(METHOD, full_path, secured)}`` for every route FastAPI serves for ``app_ref``."""
    return {route.triple for route in fastapi_routes(project_dir, app_ref)}


# --------------------------------------------------------------------------------------------
# Project specifications (truth.toml)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppSpec:
    ref: str
    routes: int  # expected number of (method, path) pairs, a guard against silent breakage
    auth: dict[str, str] = field(default_factory=dict)  # "METHOD /path" -> auth status


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    root: Path
    apps: tuple[AppSpec, ...]
    idioms: tuple[str, ...] = ()
    #: environment set while FastAPI imports the app: backendkit reports routes included
    #: under a condition as if it held, so the truth is taken with the condition switched on
    env: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return self.name


def load_spec(spec_file: Path) -> ProjectSpec:
    """Read a ``truth.toml``: the project root is its directory unless ``root`` says otherwise.

    Format::

        root = "../../examples/shop"   # optional, relative to the spec file
        idioms = ["factory", "mount", ...]

        [apps."pkg.main:app"]
        routes = 12
        auth = { "GET /items" = "optional", "DELETE /items/{item_id}" = "none" }
    """
    data = tomllib.loads(spec_file.read_text(encoding="utf-8"))
    root = (spec_file.parent / data.get("root", ".")).resolve()
    apps = tuple(
        AppSpec(ref=ref, routes=int(body["routes"]), auth=dict(body.get("auth", {})))
        for ref, body in data["apps"].items()
    )
    name = data.get("name") or root.name
    env = tuple(sorted((str(k), str(v)) for k, v in data.get("env", {}).items()))
    idioms = tuple(data.get("idioms", ()))
    return ProjectSpec(name=name, root=root, apps=apps, idioms=idioms, env=env)


def all_specs() -> list[ProjectSpec]:
    """Every project under ``tests/projects`` (``*/truth.toml`` and ``*.truth.toml``)."""
    files = sorted(PROJECTS_DIR.glob("*/truth.toml")) + sorted(PROJECTS_DIR.glob("*.truth.toml"))
    return [load_spec(path) for path in files]


# --------------------------------------------------------------------------------------------
# Comparing with the engine
# --------------------------------------------------------------------------------------------


def engine_triples(routes: Iterable[Any], app_ref: str) -> set[Triple]:
    """The engine's ``Route`` records for ``app_ref`` as ``(METHOD, path, secured)`` triples."""
    triples: set[Triple] = set()
    for route in routes:
        if route.app != app_ref or route.kind == "mount":
            continue
        methods = (WEBSOCKET,) if route.kind == "websocket" else tuple(route.methods)
        for method in methods:
            triples.add((method, route.path, route.auth != "none"))
    return triples


def engine_attr(routes: Iterable[Any], app_ref: str, attr: str) -> dict[str, Any]:
    """``"METHOD /path" -> getattr(route, attr)`` for the engine's routes of ``app_ref``."""
    result: dict[str, Any] = {}
    for route in routes:
        if route.app != app_ref or route.kind == "mount":
            continue
        methods = (WEBSOCKET,) if route.kind == "websocket" else tuple(route.methods)
        for method in methods:
            result[f"{method} {route.path}"] = getattr(route, attr)
    return result


def _fmt(triple: Triple) -> str:
    method, path, secured = triple
    return f"{method:<9} {path}  [{'secured' if secured else 'open'}]"


def diff_triples(
    expected: set[Triple], actual: set[Triple], expected_label: str, actual_label: str
) -> str:
    """A readable account of how two triple sets differ ("" when they are equal)."""
    if expected == actual:
        return ""
    exp_keys = {(m, p): s for m, p, s in expected}
    act_keys = {(m, p): s for m, p, s in actual}
    lines: list[str] = []
    wrong_auth = sorted(k for k in exp_keys.keys() & act_keys.keys() if exp_keys[k] != act_keys[k])
    missing = sorted(k for k in exp_keys.keys() - act_keys.keys())
    extra = sorted(k for k in act_keys.keys() - exp_keys.keys())
    if wrong_auth:
        lines.append(f"secured differs ({expected_label} vs {actual_label}):")
        lines.extend(
            f"  {m:<9} {p}  {expected_label}={exp_keys[m, p]} {actual_label}={act_keys[m, p]}"
            for m, p in wrong_auth
        )
    if missing:
        lines.append(f"only in {expected_label} ({len(missing)}):")
        lines.extend(f"  {_fmt((m, p, exp_keys[m, p]))}" for m, p in missing)
    if extra:
        lines.append(f"only in {actual_label} ({len(extra)}):")
        lines.extend(f"  {_fmt((m, p, act_keys[m, p]))}" for m, p in extra)
    return "\n".join(lines)


def diff_maps(expected: dict[str, Any], actual: dict[str, Any], what: str) -> str:
    """Readable differences between two ``"METHOD /path" -> value`` maps."""
    lines = [
        f"  {key}: expected {expected[key]!r}, got {actual.get(key, '<missing>')!r}"
        for key in sorted(expected)
        if actual.get(key, "<missing>") != expected[key]
    ]
    return f"{what} differs:\n" + "\n".join(lines) if lines else ""


def agrees_with_fastapi(project_dir: Path, expected: dict[str, tuple[int, str]]) -> Any:
    """Assert that FastAPI answers an anonymous ``GET`` of each path of ``expected`` with its
    status and that backendkit gives the route its auth status (``{path: (status, auth)}``);
    return backendkit's result for further checks."""
    from backendkit import analyze

    statuses = anonymous_statuses(project_dir, list(expected))
    assert statuses == {path: status for path, (status, _auth) in expected.items()}
    result = analyze([project_dir], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {path: status for path, (_status, status) in expected.items()}
    return result
