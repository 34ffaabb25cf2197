"""The names the app model (``appmodel.AppModel``) knows registrations by: the route and hook
decorators (``@app.get``, ``@app.exception_handler``), the registration methods
(``include_router``, ``add_api_route``...), and cheap filters on a scope's calls and
definitions."""

from __future__ import annotations

from collections.abc import Iterable

from backendkit.project.routeobjects import ROUTE_LIST_ADDS
from backendkit.summary.model import Call, FunctionInfo, Name, Scope

__all__ = [
    "HOOK_DECORATORS",
    "HTTP_METHODS",
    "METHODS",
    "REGISTRATIONS",
    "REGISTRATION_SUFFIXES",
    "ROUTE_DECORATORS",
    "STAND_IN",
    "call_form",
    "defined",
    "may_register",
]

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
ROUTE_DECORATORS = {*HTTP_METHODS, "api_route", "route", "websocket", "websocket_route"}
REGISTRATIONS = {
    "include_router",
    "add_api_route",
    "add_route",
    "add_api_websocket_route",
    "add_websocket_route",
    "mount",
    "add_middleware",
    "add_exception_handler",
}
# decorators that register a function on an app without making it a route
HOOK_DECORATORS = {"exception_handler": "exception handler", "middleware": "middleware"}
# registrations kept on a stand-in router when made on an app parameter nobody resolves
STAND_IN = frozenset(
    {*ROUTE_DECORATORS, "include_router", "add_api_route", "add_route"}
    | {"add_api_websocket_route", "add_websocket_route"}
)
METHODS = frozenset(ROUTE_DECORATORS | REGISTRATIONS | HOOK_DECORATORS.keys())
REGISTRATION_SUFFIXES = tuple(REGISTRATIONS)


def may_register(callee: str) -> bool:
    """A cheap filter on a call's dotted name: a registration method, something on a
    router (``app.router.include_router``), or an addition to a route list."""
    return (
        callee.endswith(REGISTRATION_SUFFIXES)
        or "outer" in callee.lower()
        or callee.endswith(ROUTE_LIST_ADDS)
    )


def call_form(call: Call) -> bool:
    """A cheap filter: a call of one function on what a route or hook decorator
    (``app.get(path)``) returns."""
    func = call.func
    if len(call.args) != 1 or call.kwargs or not isinstance(func, Call):
        return False
    name = func.func.dotted.rpartition(".")[2] if isinstance(func.func, Name) else ""
    return name in ROUTE_DECORATORS or name in HOOK_DECORATORS


def defined(scope: Scope) -> Iterable[FunctionInfo]:
    """Every ``def`` of ``scope``, in order, earlier definitions of a redefined name included:
    their decorators ran, so the routes they registered exist."""
    if not scope.shadowed:
        return scope.functions.values()
    return sorted([*scope.shadowed, *scope.functions.values()], key=lambda func: func.line)
