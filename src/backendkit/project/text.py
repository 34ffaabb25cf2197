"""Short source-like text for ``Expr`` records, for messages and unresolved path parts."""

from __future__ import annotations

from collections.abc import Callable

from backendkit.summary.model import (
    Attr,
    BinOp,
    Call,
    Const,
    DictExpr,
    Expr,
    FString,
    IfExp,
    Lambda,
    LoopItem,
    Name,
    Seq,
    Starred,
    Subscript,
)

_OPS = {"Add": "+", "Subtract": "-", "Multiply": "*", "BitOr": "|", "Modulo": "%"}


def expr_text(expr: Expr | None, limit: int = 80) -> str:
    """A compact rendering of ``expr`` (``...`` where parts are not modelled)."""
    text = _render(expr) if expr is not None else ""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _render(expr: Expr) -> str:
    renderer = _RENDERERS.get(type(expr))
    return renderer(expr) if renderer else "..."


def _call(expr: Call) -> str:
    args = [_render(a) for a in expr.args] + [f"{k}={_render(v)}" for k, v in expr.kwargs]
    return f"{_render(expr.func)}({', '.join(args)})"


def _seq(expr: Seq) -> str:
    inner = ", ".join(_render(i) for i in expr.items)
    return f"({inner})" if expr.kind == "tuple" else f"[{inner}]"


def _fstring(expr: FString) -> str:
    parts = (str(p.value) if isinstance(p, Const) else "{" + _render(p) + "}" for p in expr.parts)
    return "f'" + "".join(parts) + "'"


_RENDERERS: dict[type, Callable[[Expr], str]] = {  # type: ignore[dict-item]
    Const: lambda e: repr(e.value),
    Name: lambda e: e.dotted,
    Attr: lambda e: f"{_render(e.value)}.{e.attr}",
    Call: _call,
    Seq: _seq,
    Subscript: lambda e: f"{_render(e.value)}[{', '.join(_render(i) for i in e.items)}]",
    BinOp: lambda e: f"{_render(e.left)} {_OPS.get(e.op, '?')} {_render(e.right)}",
    FString: _fstring,
    DictExpr: lambda e: "{...}",
    LoopItem: lambda e: f"<item of {_render(e.iterable)}>",
    IfExp: lambda e: f"{_render(e.body)} if ... else {_render(e.orelse)}",
    Lambda: lambda e: f"lambda: {_render(e.body)}",
    Starred: lambda e: f"*{_render(e.value)}",
}


def strip_annotated(annotation: Expr | None) -> Expr | None:
    """``T`` of ``Annotated[T, ...]``; any other annotation as it is."""
    if (
        isinstance(annotation, Subscript)
        and isinstance(annotation.value, Name)
        and annotation.value.dotted.endswith("Annotated")
        and annotation.items
    ):
        return annotation.items[0]
    return annotation
