"""Credentials taken as query parameters without ``Query()``.

FastAPI makes every parameter of an endpoint or dependency that has a plain scalar type and is
neither a path parameter nor declared otherwise a query parameter: ``token: str`` (required)
and ``api_key: Optional[str] = None`` read ``?token=`` and ``?api_key=`` exactly as
``Query()`` would (zenml's download routes, the ``?api_key=`` style of many services). Such a
parameter with a credential's name (``credreads.is_credential``) is a query credential read,
but only in a function FastAPI calls, whose parameters it fills: a project helper's
``token: str`` is whatever its caller hands it.

A function counts as called by FastAPI when its name is registered as a route
(``@app.get(...)``, ``app.get(path)(f)``, ``add_api_route(path, f)``) or named in a
``Depends()`` / ``Security()`` anywhere in the project (a parameter's default or ``Annotated``
annotation, a ``dependencies=[...]`` list). Names are compared by their last part, once per
project: the answer does not depend on which function was asked about first.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from backendkit.project.credhelpers import DEPENDENCY_MARKERS, is_none
from backendkit.project.credreads import is_credential
from backendkit.project.regnames import ROUTE_DECORATORS
from backendkit.summary.model import (
    BinOp,
    Call,
    Const,
    Expr,
    FunctionInfo,
    Name,
    Param,
    Subscript,
)

if TYPE_CHECKING:
    from backendkit.project.index import ProjectIndex

#: calls that register their endpoint argument: (position, keyword)
_REGISTERS = {"add_api_route": (1, "endpoint"), "add_api_websocket_route": (1, "endpoint")}
#: a path parameter in a route's path: ``{name}`` or ``{name:converter}``
_PATH_PARAM = re.compile(r"{(\w+)(?::[^}]*)?}")
#: scalar annotations FastAPI reads from the query string
_SCALARS = frozenset({"str"})


def implicit_query(param: Param) -> bool:
    """``param`` is a query parameter by FastAPI's defaults and has a credential's name: a
    ``str`` or optional ``str`` annotation, no default or a literal one (no ``Query()``,
    ``Header()`` or ``Depends()``)."""
    if param.kind not in ("normal", "kwonly", "posonly") or param.name in ("self", "cls"):
        return False
    if param.default is not None and not is_none(param.default):
        return False  # ``Query()`` and the like, or a default value that stands in for it
    return _scalar(param.annotation) and is_credential("query", param.name)


def path_params(func: FunctionInfo) -> set[str]:
    """The names of the path parameters of ``func``'s route decorators (``"/p/{api_key}"``):
    FastAPI fills them from the path, never the query string."""
    found: set[str] = set()
    for decorator in func.decorators:
        if not (isinstance(decorator, Call) and _route_decorator(decorator)):
            continue
        path = decorator.arg(0, "path")
        if isinstance(path, Const) and isinstance(path.value, str):
            found.update(_PATH_PARAM.findall(path.value))
    return found


def _scalar(annotation: Expr | None) -> bool:
    """``str``, ``Optional[str]`` or ``str | None``."""
    if isinstance(annotation, Name):
        return _last(annotation) in _SCALARS
    if isinstance(annotation, Subscript):
        return _optional_scalar(annotation)
    if isinstance(annotation, BinOp) and annotation.op == "BitOr":
        sides = [annotation.left, annotation.right]
        others = [side for side in sides if not is_none(side)]
        return len(others) == 1 and _scalar(others[0])
    return False


def _optional_scalar(annotation: Subscript) -> bool:
    """``Optional[str]``."""
    optional = isinstance(annotation.value, Name) and _last(annotation.value) == "Optional"
    return optional and len(annotation.items) == 1 and _scalar(annotation.items[0])


def _last(name: Name) -> str:
    return name.dotted.rpartition(".")[2]


class FastAPICalled:
    """The names of the project's functions FastAPI calls (computed on first use)."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._names: frozenset[str] | None = None

    def named(self, name: str) -> bool:
        """Whether a function called ``name`` is a route's endpoint or a dependency."""
        if self._names is None:
            self._names = frozenset(self._collect())
        return name in self._names

    def _collect(self) -> set[str]:
        """Every call is a call site of its own (those in a decorator, a parameter's default
        or annotation, or another call's arguments too), so the sites say it all."""
        found = {
            info.name
            for info, _ctx in self.index.functions()
            if info.decorators and any(_route_decorator(d) for d in info.decorators)
        }
        for site, _ctx in self.index.sites_named((*DEPENDENCY_MARKERS, *_REGISTERS)):
            _registered(site.call, found)
        for site, _ctx in self.index.call_sites():
            if isinstance(site.call.func, Call):
                _registered(site.call, found)
        return found


def _route_decorator(expr: Expr) -> bool:
    """``@router.get(...)`` and the like."""
    func = expr.func if isinstance(expr, Call) else None
    return isinstance(func, Name) and _last(func) in ROUTE_DECORATORS


def _registered(call: Call, found: set[str]) -> None:
    """Add the name ``call`` gives FastAPI: its dependency when it is ``Depends()`` or
    ``Security()``, the endpoint it registers (``app.get(path)(f)``, ``add_api_route(path, f)``)."""
    func = call.func
    if isinstance(func, Name) and _last(func) in DEPENDENCY_MARKERS:
        target = call.arg(0, "dependency")
        if isinstance(target, Name):
            found.add(_last(target))
    if isinstance(func, Call) and _route_decorator(func):
        endpoint = call.arg(0, "")
    elif isinstance(func, Name) and _last(func) in _REGISTERS:
        position, keyword = _REGISTERS[_last(func)]
        endpoint = call.arg(position, keyword)
    else:
        return
    if isinstance(endpoint, Name):
        found.add(_last(endpoint))


__all__ = ["FastAPICalled", "implicit_query", "path_params"]
