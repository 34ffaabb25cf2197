"""Which imports of a module are for type checkers only.

The summary does not (yet) record that an import sits under ``if TYPE_CHECKING:``. Until it
does, a module that imports ``TYPE_CHECKING`` is taken to guard exactly the imports whose names
it uses in annotations only (parameters, returns, annotated assignments): any runtime use of an
imported name (a call, a value, a default, a base class, a decorator) keeps the import real.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from backendkit.summary.model import (
    Attr,
    BinOp,
    Call,
    DictExpr,
    Expr,
    FString,
    LoopItem,
    ModuleSummary,
    Name,
    Scope,
    Seq,
    Subscript,
)


def type_only_lines(summary: ModuleSummary) -> set[int]:
    """Lines of the module-level imports that only type checkers need."""
    scope = summary.scope
    guard = scope.imports.get("TYPE_CHECKING")
    if guard is None or guard.module not in ("typing", "typing_extensions"):
        return set()
    used = runtime_names(scope)
    by_line: dict[int, list[str]] = {}
    for local, binding in scope.imports.items():
        if local != "TYPE_CHECKING":
            by_line.setdefault(binding.line, []).append(local)
    return {line for line, names in by_line.items() if not used.intersection(names)}


def runtime_names(scope: Scope) -> set[str]:
    """The first part of every name used outside annotations in ``scope`` and nested scopes."""
    names: set[str] = set()
    for expr in _runtime_exprs(scope):
        names.update(_names(expr))
    return names


def _runtime_exprs(scope: Scope) -> Iterator[Expr]:
    for assigns in scope.assigns.values():
        yield from (a.value for a in assigns if a.value is not None)
    yield from (site.call for site in scope.calls)
    yield from scope.returns
    yield from (expr for expr, _line in scope.raises)
    yield from scope.loops.values()
    for func in scope.functions.values():
        yield from func.decorators
        yield from (p.default for p in func.params if p.default is not None)
        yield from _runtime_exprs(func.scope)
    for cls in scope.classes.values():
        yield from (*cls.bases, *cls.decorators, *cls.keywords.values())
        yield from cls.instance_attrs.values()
        yield from _runtime_exprs(cls.scope)


def _names(expr: Expr) -> Iterable[str]:
    stack: list[Expr | None] = [expr]
    while stack:
        item = stack.pop()
        if isinstance(item, Name):
            yield item.dotted.partition(".")[0]
        else:
            stack.extend(_children(item))


_CHILDREN = {
    Call: lambda e: [e.func, *e.args, *(v for _k, v in e.kwargs)],
    Seq: lambda e: list(e.items),
    FString: lambda e: list(e.parts),
    DictExpr: lambda e: [part for pair in e.items for part in pair],
    Subscript: lambda e: [e.value, *e.items],
    BinOp: lambda e: [e.left, e.right],
    Attr: lambda e: [e.value],
    LoopItem: lambda e: [e.iterable],
}


def _children(item: Expr | None) -> list[Expr | None]:
    children = _CHILDREN.get(type(item))
    return children(item) if children else []
