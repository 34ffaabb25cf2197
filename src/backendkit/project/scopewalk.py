"""Walks of one module's scopes that the project index memoises for the whole project: every
function and every call site, each with the context it is evaluated in."""

from __future__ import annotations

from collections.abc import Iterator

from backendkit.project.symbols import Ctx, postponed
from backendkit.summary.model import (
    Attr,
    BinOp,
    Call,
    CallSite,
    ClassInfo,
    Expr,
    FunctionInfo,
    Scope,
    Subscript,
)


def functions_in(scope: Scope, ctx: Ctx) -> list[tuple[FunctionInfo, Ctx]]:
    """Every function and method in ``scope`` and below, with the context it is defined in."""
    found: list[tuple[FunctionInfo, Ctx]] = []
    _functions_into(scope, ctx, found)
    return found


def _functions_into(scope: Scope, ctx: Ctx, found: list[tuple[FunctionInfo, Ctx]]) -> None:
    for func in scope.functions.values():
        found.append((func, ctx))
        inner = func.scope
        if inner.functions or inner.classes:  # a function without nested ones holds none
            _functions_into(inner, ctx.enter(func), found)
    for cls in scope.classes.values():
        _functions_into(cls.scope, ctx, found)


def sites_in(scope: Scope, ctx: Ctx, head: Ctx | None = None) -> list[tuple[CallSite, Ctx]]:
    """Every call site in ``scope`` and its nested functions and classes, with its context;
    ``head``: where the ``def`` whose body ``scope`` is reads its decorators, defaults and
    annotations, when not where it is defined (a method's class body, ``Ctx.head``)."""
    found: list[tuple[CallSite, Ctx]] = []
    _sites_into(scope, ctx, head, found)
    return found


def _sites_into(
    scope: Scope, ctx: Ctx, head: Ctx | None, found: list[tuple[CallSite, Ctx]]
) -> None:
    """``sites_in``, appending to ``found`` (a context is entered only where a nested
    function has calls or definitions of its own)."""
    if head is None:
        found.extend([(site, ctx) for site in scope.calls])
    elif scope.calls:
        found.extend(_method_calls(ctx, head))
    for func in scope.functions.values():
        inner = func.scope
        if inner.calls or inner.functions or inner.classes:
            _sites_into(inner, ctx.enter(func), None, found)
    for cls in scope.classes.values():
        _class_sites(cls, ctx, found)


def _class_sites(cls: ClassInfo, ctx: Ctx, found: list[tuple[CallSite, Ctx]]) -> None:
    """The calls of a class body (field values, and its methods' decorators, defaults and
    annotations: in the class's context), of its methods and of its nested classes; ``ctx``
    is where the class is defined (a class body is not an enclosing scope of its methods or
    nested classes)."""
    body = ctx.enter_class(cls)
    found.extend([(site, body) for site in cls.scope.calls])
    for method in cls.scope.functions.values():
        inner = method.scope
        if inner.calls or inner.functions or inner.classes:
            _sites_into(inner, ctx.enter(method), body, found)
    for nested in cls.scope.classes.values():
        _class_sites(nested, ctx, found)


def _method_calls(inner: Ctx, body: Ctx) -> list[tuple[CallSite, Ctx]]:
    """The call sites of the method whose body is ``inner``: the summary keeps those of its
    ``def`` (decorators, defaults, annotations) with its body's, but they run in the class
    body ``body`` (``Depends(require(ROLE))`` reads a class attribute ``ROLE``), the others
    in ``inner``. Postponed annotations (``from __future__ import annotations``) are not
    read in the class body: their calls stay with the body's."""
    method = inner.owners[-1]
    assert method is not None  # the context of a function's body
    head = {id(c) for c in signature_calls(method, not postponed(inner.module))}
    return [(site, body if id(site.call) in head else inner) for site in method.scope.calls]


def signature_calls(info: FunctionInfo, annotations: bool = True) -> Iterator[Call]:
    """The calls in a function's decorators, parameter defaults and (``annotations``)
    annotations."""
    stack = [e for e in _signature(info, annotations) if e is not None]
    while stack:
        expr = stack.pop()
        if isinstance(expr, Call):
            yield expr
            stack += [expr.func, *expr.args, *(value for _key, value in expr.kwargs)]
        elif isinstance(expr, Subscript):
            stack += [expr.value, *expr.items]
        elif isinstance(expr, Attr):
            stack.append(expr.value)
        elif isinstance(expr, BinOp):
            stack += [expr.left, expr.right]


def _signature(info: FunctionInfo, annotations: bool) -> list[Expr | None]:
    """The expressions of a function's ``def``: decorators, defaults and (``annotations``)
    annotations."""
    if not annotations:
        return [*info.decorators, *(param.default for param in info.params)]
    exprs: list[Expr | None] = [*info.decorators, info.returns]
    for param in info.params:
        exprs += [param.default, param.annotation]
    return exprs


__all__ = ["functions_in", "signature_calls", "sites_in"]
