"""CORS origins read from the environment, as they are when the variable is unset: the default
of ``os.getenv("CORS_ALLOW_ORIGIN", "*").split(";")`` (open-webui) is ``["*"]``, so a deployment
that never sets the variable lets every origin in.

Followed: a name bound once (in its module or function), ``os.getenv(key, default)`` and
``os.environ.get(key, default)`` with a default the index evaluates to a string, the string
methods that keep it a string or split it (``split``, ``strip``, ``lower``, ...), and a list or
tuple display of such values (``[os.getenv("ORIGIN", "*")]``), a comprehension calling such
methods on each part (``[o.strip() for o in os.getenv("ORIGINS", "*").split(",")]``), and
``os.getenv("ORIGINS") or "*"`` (the right side when the left is empty or ``None`` unset).
Anything else is not guessed.
"""

from __future__ import annotations

from backendkit.project.configvalues import env_read
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx, VarSym
from backendkit.summary.model import Attr, Call, Const, Expr, IfExp, Mapped, Name, Seq

_KEEPS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper", "casefold"})
_SPLITS = frozenset({"split", "rsplit"})
_DEPTH = 4

#: The value with every variable unset, and the first variable read (its key).
Unset = tuple[object, str]


def unset_value(index: ProjectIndex, expr: Expr | None, ctx: Ctx, depth: int = 0) -> Unset | None:
    """What ``expr`` (read in ``ctx``) is when the environment variables it reads are unset,
    with the name of the first one; None when it reads none or cannot be told."""
    if expr is None or depth > _DEPTH:
        return None
    if isinstance(expr, Name):
        return _named(index, expr, ctx, depth)
    if isinstance(expr, Seq):
        return _display(index, expr, ctx, depth)
    if isinstance(expr, Call):
        return _getenv(index, expr, ctx) or _method(index, expr, ctx, depth)
    if isinstance(expr, IfExp):
        return _either(index, expr, ctx, depth)
    if isinstance(expr, Mapped):
        return _mapped(index, expr, ctx, depth)
    return None


def _named(index: ProjectIndex, expr: Name, ctx: Ctx, depth: int) -> Unset | None:
    """The unset value of the variable ``expr`` names, when it is bound once."""
    found = index.lookup(expr.dotted, ctx)
    if not isinstance(found, VarSym) or found.assign.value is None:
        return None
    if len(found.ctx.scopes[-1].assigns.get(found.name, ())) > 1:
        return None  # bound more than once: either may hold
    return unset_value(index, found.assign.value, found.ctx, depth + 1)


def _either(index: ProjectIndex, expr: IfExp, ctx: Ctx, depth: int) -> Unset | None:
    """``os.getenv("ORIGINS") or "*"`` (or a conditional expression): the left side when it
    is set to something when the variable is unset, else the right side."""
    left = unset_value(index, expr.body, ctx, depth + 1)
    if left is None and isinstance(expr.body, Call):
        read = env_read(index, expr.body, ctx)  # no default: None when unset
        if read is not None and read[1] is None and isinstance(read[0], Const):
            left = (None, str(read[0].value))
    if left is None or left[0]:
        return left
    right = unset_value(index, expr.orelse, ctx, depth + 1)
    if right is not None:
        return right[0], left[1]
    value = index.value(expr.orelse, ctx)
    return (value, left[1]) if isinstance(value, (str, list)) else None


def _display(index: ProjectIndex, expr: Seq, ctx: Ctx, depth: int) -> Unset | None:
    """A list or tuple of literals and unset values, as a list."""
    items: list[object] = []
    key = ""
    for item in expr.items:
        found = unset_value(index, item, ctx, depth + 1)
        if found is not None:
            items.append(found[0])
            key = key or found[1]
        elif isinstance(item, Const):
            items.append(item.value)
        else:
            return None
    return (items, key) if key else None


def _mapped(index: ProjectIndex, expr: Mapped, ctx: Ctx, depth: int) -> Unset | None:
    """``[o.strip() for o in os.getenv("ORIGINS", "*").split(",")]``: the string methods
    applied to each part of an unset value."""
    found = unset_value(index, expr.iterable, ctx, depth + 1)
    if found is None or not isinstance(found[0], list):
        return None
    items = [_applied(expr.element, expr.target, item) for item in found[0]]
    return (items, found[1]) if all(isinstance(item, str) for item in items) else None


def _applied(element: Expr, target: str, item: object) -> object:
    """``element`` with ``target`` bound to the string ``item``: the item itself, or string
    methods of ``_KEEPS`` called on it without arguments (None for anything else)."""
    if isinstance(element, Name):
        return item if element.dotted == target else None
    if not isinstance(element, Call) or element.args or element.kwargs:
        return None
    value, method = _receiver(element.func, target, item)
    return getattr(value, method)() if isinstance(value, str) and method in _KEEPS else None


def _receiver(func: Expr, target: str, item: object) -> tuple[object, str]:
    """The value a method is called on (``_applied``) and the method's name."""
    if isinstance(func, Name):
        inner, _, method = func.dotted.rpartition(".")
        return (item if inner == target else None), method
    if isinstance(func, Attr):
        return _applied(func.value, target, item), func.attr
    return None, ""


def _getenv(index: ProjectIndex, call: Call, ctx: Ctx) -> Unset | None:
    """``os.getenv(key, default)``: the default, when it is a string."""
    read = env_read(index, call, ctx)
    if read is None:
        return None
    key, default = read
    value = index.value(default, ctx) if default is not None else None
    if not isinstance(value, str) or not isinstance(key, Const):
        return None
    return value, str(key.value)


def _method(index: ProjectIndex, call: Call, ctx: Ctx, depth: int) -> Unset | None:
    """A string method on an unset value: the same string, or its parts."""
    func = call.func
    if not isinstance(func, Attr) or func.attr not in _KEEPS | _SPLITS:
        return None
    found = unset_value(index, func.value, ctx, depth + 1)
    if found is None or not isinstance(found[0], str):
        return None
    text, key = found
    if func.attr in _SPLITS:
        parts = _split(text, call.arg(0, "sep"))
        return (parts, key) if parts is not None else None
    return (getattr(text, func.attr)(), key) if not call.args and not call.kwargs else None


def _split(text: str, sep: Expr | None) -> list[str] | None:
    """``text.split(sep)`` for a literal separator (None: on whitespace)."""
    if sep is None or (isinstance(sep, Const) and sep.value is None):
        return text.split()
    if isinstance(sep, Const) and isinstance(sep.value, str) and sep.value:
        return text.split(sep.value)
    return None


__all__ = ["unset_value"]
