"""What a module exports to ``from m import *``: its star imports and its static ``__all__``
(fixed data the project index reads)."""

from __future__ import annotations

from backendkit.summary.model import (
    BinOp,
    Const,
    Expr,
    ImportRecord,
    ModuleSummary,
    Name,
    Scope,
    Seq,
)


def star_imports(summary: ModuleSummary) -> list[ImportRecord]:
    """The module's ``from m import *`` records, latest first."""
    stars = [record for record in summary.imports if record.names == ("*",)]
    return sorted(stars, key=lambda record: -record.line)


def static_all(scope: Scope) -> frozenset[str] | None:
    """The names of a module's ``__all__`` when it is a list or tuple of strings, grown only by
    ``+=`` of such lists; None when there is none or it is computed or changed otherwise."""
    assign = scope.last_assign("__all__")
    if assign is None or "__all__" in scope.item_assigns:
        return None
    names = _strings(assign.value)
    for grown in scope.aug_assigns.get("__all__", ()):
        if grown.line > assign.line:
            more = _added(grown.value)
            names = None if names is None or more is None else names | more
    changed = any(
        isinstance(site.call.func, Name) and site.call.func.dotted.startswith("__all__.")
        for site in scope.calls
    )
    return None if changed else names


def _added(value: Expr | None) -> frozenset[str] | None:
    """The strings ``__all__ += [...]`` adds (recorded as ``__all__ + [...]``)."""
    return _strings(value.right) if isinstance(value, BinOp) and value.op == "Add" else None


def _strings(expr: Expr | None) -> frozenset[str] | None:
    """The strings of a list or tuple display of string literals."""
    if not isinstance(expr, Seq) or expr.kind not in ("list", "tuple"):
        return None
    if not all(isinstance(item, Const) and isinstance(item.value, str) for item in expr.items):
        return None
    return frozenset(item.value for item in expr.items)  # type: ignore[union-attr]


__all__ = ["star_imports", "static_all"]
