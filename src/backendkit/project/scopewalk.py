"""Walks of one module's scopes that the project index memoises for the whole project: every
function and every call site, each with the context it is evaluated in."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from backendkit.project.symbols import Ctx
from backendkit.summary.model import CallSite, ClassInfo, FunctionInfo, Scope


def functions_in(scope: Scope, ctx: Ctx) -> Iterator[tuple[FunctionInfo, Ctx]]:
    """Every function and method in ``scope`` and below, with the context it is defined in."""
    for func in scope.functions.values():
        yield func, ctx
        yield from functions_in(func.scope, ctx.enter(func))
    for cls in scope.classes.values():
        yield from functions_in(cls.scope, ctx)


def sites_in(scope: Scope, ctx: Ctx) -> Iterable[tuple[CallSite, Ctx]]:
    """Every call site in ``scope`` and its nested functions and classes, with its context."""
    for site in scope.calls:
        yield site, ctx
    for func in scope.functions.values():
        yield from sites_in(func.scope, ctx.enter(func))
    for cls in scope.classes.values():
        yield from _class_sites(cls, ctx)


def _class_sites(cls: ClassInfo, ctx: Ctx) -> Iterable[tuple[CallSite, Ctx]]:
    """The calls of a class body (field values, method decorators: in the class's context),
    of its methods and of its nested classes; ``ctx`` is where the class is defined (a class
    body is not an enclosing scope of its methods or nested classes)."""
    body = ctx.enter_class(cls)
    for site in cls.scope.calls:
        yield site, body
    for method in cls.scope.functions.values():
        yield from sites_in(method.scope, ctx.enter(method))
    for inner in cls.scope.classes.values():
        yield from _class_sites(inner, ctx)


__all__ = ["functions_in", "sites_in"]
