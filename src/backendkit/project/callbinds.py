"""What one call passes a project function, and the function's own expressions as that call
sees them: its parameters replaced by the static values the call passes for them.

The evaluator gives a parameter the values of all its callers together (a ``OneOf``); a
router built in a factory (``make_crud_router("items")``) or a subclass's ``__init__``
(``super().__init__(prefix=f"/admin/{section}")``) needs the one call's values instead. A
parameter is replaced only by a static value (a string, a number, a list of them...), so the
rewritten expression is evaluated in the function's own scope as before."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace

from backendkit.project.symbols import Ctx, Value
from backendkit.summary.model import Call, Const, Expr, FunctionInfo, Lambda, Name, Scope, Unknown

__all__ = ["Arg", "Passed", "bind", "is_spread", "static", "substitute"]

#: an argument: its expression, where it is evaluated, and the call passing it (None for a
#: parameter's default)
Arg = tuple[Expr, Ctx, "Call | None"]
MAX_FOLLOW = 8  # local names followed into their values when substituting
_SCALARS = (str, int, float, bool, type(None))
_POSITIONAL = ("posonly", "normal")


@dataclass
class Passed:
    """A call's arguments bound to a function's parameters: each named parameter's argument,
    and what goes to ``*args`` and ``**kwargs``."""

    named: dict[str, Arg] = field(default_factory=dict)
    extra_args: list[Arg] = field(default_factory=list)
    extra_kwargs: dict[str, Arg] = field(default_factory=dict)


def is_spread(expr: Expr) -> bool:
    """A ``*args`` or ``**kwargs`` argument (the summary keeps neither's name)."""
    return isinstance(expr, Unknown) and expr.kind == "Starred"


def bind(
    func: FunctionInfo, args: Sequence[Arg], kwargs: Mapping[str, Arg], skip: int = 0
) -> Passed:
    """Bind ``args`` and ``kwargs`` to ``func``'s parameters after the first ``skip`` (a
    method's ``self``), as Python does; positions after a spread argument are not known."""
    params = func.params[skip:]
    passed = Passed()
    rest = list(args)
    for param in (p for p in params if p.kind in _POSITIONAL):
        if not rest or is_spread(rest[0][0]):
            break
        passed.named[param.name] = rest.pop(0)
    passed.extra_args = [arg for arg in rest if not is_spread(arg[0])]
    _bind_keywords(passed, {p.name for p in params if p.kind != "posonly"}, kwargs)
    return passed


def _bind_keywords(passed: Passed, names: set[str], kwargs: Mapping[str, Arg]) -> None:
    """Keyword arguments to the parameters ``names`` (those not taken positionally), the
    others to ``**kwargs``."""
    for key, arg in kwargs.items():
        if key in names and key not in passed.named:
            passed.named[key] = arg
        elif key not in names:
            passed.extra_kwargs[key] = arg


def static(value: Value) -> bool:
    """A value a parameter can be replaced by: a scalar, or a list or tuple of them."""
    if isinstance(value, (list, tuple)):
        return all(isinstance(item, _SCALARS) for item in value)
    return isinstance(value, _SCALARS)


def substitute(expr: Expr, consts: Mapping[str, Const], scope: Scope, depth: int = 0) -> Expr:
    """``expr`` (of ``scope``) with the names in ``consts`` replaced by their constants, and a
    local name bound once in ``scope`` by its value when that value holds one of them
    (``prefix = f"/{name}"``, then ``APIRouter(prefix=prefix)``)."""
    if isinstance(expr, Name):
        return _name(expr, consts, scope, depth)
    if isinstance(expr, (Const, Lambda, Unknown)) or not is_dataclass(expr):
        return expr
    changes = {}
    for item in fields(expr):
        old = getattr(expr, item.name)
        new = _part(old, consts, scope, depth)
        if new is not old:
            changes[item.name] = new
    return replace(expr, **changes) if changes else expr  # type: ignore[type-var]


def _name(expr: Name, consts: Mapping[str, Const], scope: Scope, depth: int) -> Expr:
    """A name as ``substitute`` rewrites it."""
    if expr.dotted in consts:
        return consts[expr.dotted]
    assigns = scope.assigns.get(expr.dotted, ())
    if depth >= MAX_FOLLOW or expr.dotted in scope.params or len(assigns) != 1:
        return expr
    value = assigns[0].value
    if value is None:
        return expr
    new = substitute(value, consts, scope, depth + 1)
    return expr if new is value else new


def _part(value: object, consts: Mapping[str, Const], scope: Scope, depth: int) -> object:
    """One field of an expression record, rewritten (tuples item by item)."""
    if isinstance(value, tuple):
        items = tuple(_part(item, consts, scope, depth) for item in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if is_dataclass(value) and not isinstance(value, type):
        return substitute(value, consts, scope, depth)  # type: ignore[arg-type]
    return value
