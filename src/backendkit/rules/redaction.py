"""Fields of a Pydantic model whose value does not leave as it is: excluded from the dump
(``Field(exclude=True)``), masked by their type (``SecretStr``, ``SecretBytes``, ``Secret[...]``
dump as ``'**********'``), or replaced by a validator or serializer that names them
(``@field_validator("password")``, ``@validator``, ``@field_serializer``) and returns something
other than the value it was given. Used by BK108."""

from __future__ import annotations

from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx, External
from backendkit.summary.model import (
    Assign,
    BinOp,
    Call,
    Const,
    Expr,
    FunctionInfo,
    IfExp,
    Name,
    Subscript,
)

#: Pydantic's decorators that replace a field's value (validators) or its dumped form.
_REPLACERS = frozenset({"field_validator", "validator", "field_serializer"})
#: Pydantic's types that dump masked.
_MASKED = frozenset({"SecretStr", "SecretBytes", "Secret"})


def redacted_fields(index: ProjectIndex, cls: ClassSym, among: list[str]) -> set[str]:
    """The fields ``among`` those of ``cls`` (through its project base classes) that leave
    masked: a ``field_serializer`` naming the field decides (``_replaces``: ``return
    v.get_secret_value()`` reveals a ``SecretStr``); else a validator that replaces the value,
    ``Field(exclude=True)`` or a masked type."""
    declared: dict[str, tuple[Assign, Ctx]] = {}
    serialized: dict[str, bool] = {}
    validated: set[str] = set()
    for klass in reversed(index.mro(cls)):
        declared.update(_declared(klass, among))
        for func in klass.info.scope.functions.values():
            kind, fields = _named_fields(index, func, klass.ctx)
            replaces = _replaces(func)
            if kind == "field_serializer":
                serialized.update(dict.fromkeys(fields, replaces))
            elif replaces:
                validated.update(fields)
    return {
        name
        for name, (assign, ctx) in declared.items()
        if serialized.get(name, name in validated or _masked(index, assign, ctx))
    }


def _declared(klass: ClassSym, among: list[str]) -> dict[str, tuple[Assign, Ctx]]:
    """The annotated declarations of the fields ``among`` in ``klass``'s body."""
    body = klass.ctx.enter_class(klass.info)
    assigns = klass.info.scope.assigns
    return {
        name: (assigns[name][-1], body)
        for name in among
        if assigns.get(name) and assigns[name][-1].annotation is not None
    }


def _masked(index: ProjectIndex, assign: Assign, ctx: Ctx) -> bool:
    """``x: T = Field(exclude=True)``, or ``x: SecretStr`` (``SecretStr | None``...)."""
    value = assign.value
    if isinstance(value, Call) and _is_true(value.kwarg("exclude")):
        return True
    leaves = [leaf for leaf in _leaves(assign.annotation) if leaf != Const(None)]
    return bool(leaves) and all(_pydantic(index, leaf, ctx, _MASKED) for leaf in leaves)


def _named_fields(index: ProjectIndex, func: FunctionInfo, ctx: Ctx) -> tuple[str, list[str]]:
    """``("field_serializer", ["secret"])`` for a method decorated
    ``@field_serializer("secret")`` (also ``field_validator``, ``validator``); ``"*"`` names
    no field."""
    for decorator in func.decorators:
        if not isinstance(decorator, Call):
            continue
        found = _pydantic(index, decorator.func, ctx, _REPLACERS)
        if found is not None:
            names = [a.value for a in decorator.args if isinstance(a, Const)]
            return found.last, [name for name in names if isinstance(name, str) and name != "*"]
    return "", []


def _replaces(func: FunctionInfo) -> bool:
    """One of the method's ``return``s is neither its value parameter (the one after ``cls``
    or ``self``) nor a method call on it: ``return v``, ``return v.strip()``, ``return
    v.get_secret_value()`` keep the value; ``return "***"``, ``return None``, ``return
    redact(v)`` do not."""
    value = func.params[1].name if len(func.params) > 1 else None
    return value is not None and not all(_keeps(ret, value) for ret in func.scope.returns)


def _keeps(expr: Expr, value: str) -> bool:
    """``expr`` is the value ``value`` names, or a method called on it."""
    if isinstance(expr, IfExp):
        return _keeps(expr.body, value) and _keeps(expr.orelse, value)
    if isinstance(expr, Call):
        expr = expr.func
    return isinstance(expr, Name) and (expr.dotted == value or expr.dotted.startswith(value + "."))


def _pydantic(index: ProjectIndex, expr: Expr, ctx: Ctx, names: frozenset[str]) -> External | None:
    """Pydantic's ``names`` member that ``expr`` refers to, if it does."""
    found = index.resolve_expr(expr, ctx) if isinstance(expr, Name) else None
    if isinstance(found, External) and found.is_from("pydantic") and found.last in names:
        return found
    return None


def _leaves(expr: Expr | None) -> list[Expr]:
    """The types an annotation may stand for: ``X`` of ``Optional[X]``, ``Annotated[X, ...]``,
    ``Union[X, Y]``, ``X | None``; a generic ``Secret[str]`` is its class."""
    if isinstance(expr, BinOp) and expr.op == "BitOr":
        return _leaves(expr.left) + _leaves(expr.right)
    if not isinstance(expr, Subscript) or not isinstance(expr.value, Name):
        return [expr] if expr is not None else []
    last = expr.value.dotted.rpartition(".")[2]
    if last not in ("Optional", "Annotated", "Union"):
        return [expr.value]
    items = expr.items[:1] if last == "Annotated" else expr.items
    return [leaf for item in items for leaf in _leaves(item)]


def _is_true(expr: Expr | None) -> bool:
    return isinstance(expr, Const) and expr.value is True
