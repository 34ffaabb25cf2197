"""The sub-expressions of a summary expression, for the walks that look inside one (how a
credential flows through a function, how a loop variable reaches a query, where an
``isinstance`` test holds). The common kinds are split the same way for every walk; a walk
that also looks into a comprehension's iterable (``LoopItem``), a lambda's body or a starred
argument says so with ``extra``. ``None`` parts (a dict display's ``**`` key) are left out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from backendkit.summary.model import (
    Attr,
    BinOp,
    Call,
    DictExpr,
    Expr,
    FString,
    IfExp,
    Lambda,
    LoopItem,
    Seq,
    Starred,
    Subscript,
)

_Split = Callable[[Any], tuple[Expr | None, ...]]

_COMMON: dict[type, _Split] = {
    Call: lambda e: (e.func, *e.args, *(value for _, value in e.kwargs)),
    Attr: lambda e: (e.value,),
    Seq: lambda e: e.items,
    FString: lambda e: e.parts,
    DictExpr: lambda e: tuple(part for pair in e.items for part in pair),
    Subscript: lambda e: (e.value, *e.items),
    BinOp: lambda e: (e.left, e.right),
    IfExp: lambda e: (e.body, e.orelse),
}
_EXTRA: dict[type, _Split] = {
    LoopItem: lambda e: (e.iterable,),
    Lambda: lambda e: (e.body,),
    Starred: lambda e: (e.value,),
}


def sub_expressions(expr: Expr | None, extra: tuple[type, ...] = ()) -> tuple[Expr, ...]:
    """The expressions ``expr`` is made of, in source order; the kinds of ``extra``
    (``LoopItem``, ``Lambda``, ``Starred``) are looked into too."""
    kind = type(expr)
    split = _COMMON.get(kind) or (_EXTRA.get(kind) if kind in extra else None)
    if split is None:
        return ()
    return tuple(part for part in split(expr) if part is not None)


__all__ = ["sub_expressions"]
