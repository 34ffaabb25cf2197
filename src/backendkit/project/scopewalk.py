"""Walks of one module's scopes that the project index memoises for the whole project: every
function and every call site, each with the context it is evaluated in."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

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


def functions_in(scope: Scope, ctx: Ctx) -> Iterator[tuple[FunctionInfo, Ctx]]:
    """Every function and method in ``scope`` and below, with the context it is defined in."""
    for func in scope.functions.values():
        yield func, ctx
        yield from functions_in(func.scope, ctx.enter(func))
    for cls in scope.classes.values():
        yield from functions_in(cls.scope, ctx)


def sites_in(scope: Scope, ctx: Ctx, head: Ctx | None = None) -> Iterable[tuple[CallSite, Ctx]]:
    """Every call site in ``scope`` and its nested functions and classes, with its context;
    ``head``: where the ``def`` whose body ``scope`` is reads its decorators, defaults and
    annotations, when not where it is defined (a method's class body, ``Ctx.head``)."""
    if head is None:
        for site in scope.calls:
            yield site, ctx
    else:
        yield from _method_calls(ctx, head) if scope.calls else ()
    for func in scope.functions.values():
        yield from sites_in(func.scope, ctx.enter(func))
    for cls in scope.classes.values():
        yield from _class_sites(cls, ctx)


def _class_sites(cls: ClassInfo, ctx: Ctx) -> Iterable[tuple[CallSite, Ctx]]:
    """The calls of a class body (field values, and its methods' decorators, defaults and
    annotations: in the class's context), of its methods and of its nested classes; ``ctx``
    is where the class is defined (a class body is not an enclosing scope of its methods or
    nested classes)."""
    body = ctx.enter_class(cls)
    for site in cls.scope.calls:
        yield site, body
    for method in cls.scope.functions.values():
        yield from sites_in(method.scope, ctx.enter(method), body)
    for inner in cls.scope.classes.values():
        yield from _class_sites(inner, ctx)


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
