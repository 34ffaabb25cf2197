"""Values of local variables inside one function, as of a given line: the assignments before a
use (``q = f"..."; session.execute(text(q))``) and the keys a dict payload holds by then
(``to_encode = data.copy(); to_encode.update({"exp": expire}); jwt.encode(to_encode, ...)``).

Only the function's own straight-line facts are used: assignments, ``name.update(...)`` /
``name.setdefault(...)`` calls and ``name[key] = ...`` on lines between the binding and the
use; ``name |= {...}`` counts like ``name.update({...})`` and ``a | b`` holds the keys of
both. Branches are not told apart: a key set on any line before the use counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from backendkit.summary.model import Assign, BinOp, Call, Const, DictExpr, Expr, Name, Scope

MAX_DEPTH = 8


def assigned_before(scope: Scope, name: str, line: int) -> list[Assign]:
    """The assignments of local ``name`` in ``scope`` on or before ``line``, in order."""
    return [a for a in scope.assigns.get(name, ()) if a.line <= line]


@dataclass(frozen=True)
class Keys:
    """The string keys a dict holds; ``complete`` when no other key can be in it; ``param``
    names the parameter it was copied from (``data.copy()``), whose callers may tell more."""

    keys: frozenset[str]
    complete: bool
    param: str | None = None


_UNKNOWN = Keys(frozenset(), False)


def _display_keys(expr: DictExpr) -> Keys:
    keys = frozenset(
        k.value for k, _ in expr.items if isinstance(k, Const) and isinstance(k.value, str)
    )
    complete = all(isinstance(k, Const) for k, _ in expr.items)
    return Keys(keys, complete)


def dict_keys(expr: Expr | None, scope: Scope | None, line: int, depth: int = 0) -> Keys | None:
    """The keys of the dict ``expr`` builds or names as of ``line`` (None: not a dict we can
    read). ``scope`` (the function body) lets local names be followed."""
    if depth > MAX_DEPTH or expr is None:
        return None
    if isinstance(expr, DictExpr):
        return _display_keys(expr)
    if isinstance(expr, (Call, BinOp)):
        return _built_keys(expr, scope, line, depth)
    if isinstance(expr, Name) and "." not in expr.dotted and scope is not None:
        return _local_keys(expr.dotted, scope, line, depth)
    return None


def _built_keys(expr: Call | BinOp, scope: Scope | None, line: int, depth: int) -> Keys | None:
    """``dict(...)``, ``x.copy()`` and ``a | b``."""
    if isinstance(expr, Call):
        return _call_keys(expr, scope, line, depth) if isinstance(expr.func, Name) else None
    return _union_keys(expr, scope, line, depth) if expr.op == "BitOr" else None


def _call_keys(call: Call, scope: Scope | None, line: int, depth: int) -> Keys | None:
    """``dict(a, k=v)`` and ``x.copy()``."""
    assert isinstance(call.func, Name)
    dotted = call.func.dotted
    if dotted == "dict":
        return _dict_call_keys(call, scope, line, depth)
    owner, _, method = dotted.rpartition(".")
    if method == "copy" and owner and "." not in owner:
        return dict_keys(Name(owner), scope, line, depth + 1)
    return None


def _union_keys(expr: BinOp, scope: Scope | None, line: int, depth: int) -> Keys | None:
    """``a | b`` of two dicts: the keys of both (None when neither side is a dict we read)."""
    left = dict_keys(expr.left, scope, line, depth + 1)
    right = dict_keys(expr.right, scope, line, depth + 1)
    if left is None and right is None:
        return None
    left, right = left or _UNKNOWN, right or _UNKNOWN
    return Keys(left.keys | right.keys, left.complete and right.complete, left.param or right.param)


def _dict_call_keys(call: Call, scope: Scope | None, line: int, depth: int) -> Keys:
    """``dict(mapping, key=value, ...)``."""
    parts = [dict_keys(arg, scope, line, depth + 1) or _UNKNOWN for arg in call.args]
    keys = {name for name, _ in call.kwargs}.union(*(p.keys for p in parts))
    param = next((p.param for p in parts if p.param), None)
    return Keys(frozenset(keys), all(p.complete for p in parts), param)


def _local_keys(name: str, scope: Scope, line: int, depth: int) -> Keys | None:
    """A local bound to a dict, plus the keys added to it before ``line``."""
    assigns = assigned_before(scope, name, line)
    if not assigns:
        if name not in scope.params:
            return None
        return Keys(frozenset(_added_keys(scope, name, 0, line)), False, name)
    start = assigns[-1].line
    base = dict_keys(assigns[-1].value, scope, start, depth + 1)
    if base is None:
        return None
    added = set(_added_keys(scope, name, start, line))
    return Keys(base.keys | added, base.complete, base.param)


def _added_keys(scope: Scope, name: str, start: int, end: int) -> list[str]:
    """Keys set on ``name`` between lines ``start`` and ``end``."""
    out: list[str] = []
    for site in scope.calls:
        if start <= site.line <= end and isinstance(site.call.func, Name):
            out.extend(_keys_set_by(site.call, site.call.func.dotted, name, end))
    for key, key_line in scope.item_assigns.get(name, ()):
        if start <= key_line <= end and _is_str(key):
            out.append(key.value)  # type: ignore[union-attr]
    return out + _merged_keys(scope, name, start, end)


def _merged_keys(scope: Scope, name: str, start: int, end: int) -> list[str]:
    """Keys merged in by ``name |= {...}`` between lines ``start`` and ``end``."""
    out: list[str] = []
    for aug in scope.aug_assigns.get(name, ()):
        if start <= aug.line <= end and isinstance(aug.value, BinOp) and aug.value.op == "BitOr":
            out.extend((dict_keys(aug.value.right, None, end) or _UNKNOWN).keys)
    return out


def _is_str(expr: Expr) -> bool:
    return isinstance(expr, Const) and isinstance(expr.value, str)


def _keys_set_by(call: Call, dotted: str, name: str, end: int) -> list[str]:
    """The keys ``name.update(...)`` or ``name.setdefault(key, ...)`` sets."""
    if dotted == f"{name}.update":
        out = [key for arg in call.args for key in (dict_keys(arg, None, end) or _UNKNOWN).keys]
        return out + [key for key, _ in call.kwargs]
    if dotted == f"{name}.setdefault" and call.args and _is_str(call.args[0]):
        return [str(call.args[0].value)]  # type: ignore[union-attr]
    return []


def bindings_before(scope: Scope, name: str, line: int) -> list[Assign]:
    """Assignments and augmented assignments of local ``name`` on or before ``line``."""
    augmented = [a for a in scope.aug_assigns.get(name, ()) if a.line <= line]
    return sorted(assigned_before(scope, name, line) + augmented, key=lambda a: a.line)
