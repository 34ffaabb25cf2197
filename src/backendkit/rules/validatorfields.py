"""Two fields of the model a pydantic validator validates: ``v != values["password"]`` in a
``@validator("password2")``, ``v != info.data["password"]`` in a ``@field_validator``,
``values.get("a") != values.get("b")`` in a ``@root_validator``, ``self.password !=
self.password_confirm`` in a ``@model_validator(mode="after")``. Both values come from the
same input (a confirmation typed twice in one request body), so comparing them leaks nothing.
Used by BK113.

Where a validator reads the fields of its model, by decorator (resolved to pydantic,
``pydantic.v1`` included):

- ``validator`` (v1): the value after ``cls`` (``v``), and the ``values`` parameter (v1 passes
  it by name);
- ``field_validator`` (v2): the value after ``cls``, and the ``.data`` of each later parameter
  (the ``ValidationInfo``, ``info.data``);
- ``root_validator`` (v1) and ``model_validator`` in ``before`` / ``wrap`` mode: the values
  after ``cls`` (``values``, ``data``);
- ``model_validator(mode="after")``: the instance (``self.password``).

A field is read as ``mapping["name"]``, ``mapping.get("name")``, the value itself, or through
a local name bound only to such reads (``pw, pw2 = values.get("password"),
values.get("password2")``). A stored secret (``settings.ADMIN_TOKEN``, a module name, a call)
is none of these, so ``v != settings.ADMIN_TOKEN`` stays a comparison with a secret."""

from __future__ import annotations

from dataclasses import dataclass, field

from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx, External
from backendkit.summary.model import Call, Compare, Const, Expr, FunctionInfo, Name, Subscript

#: Pydantic's validator decorators (v1 and v2).
VALIDATORS = frozenset({"validator", "field_validator", "root_validator", "model_validator"})


@dataclass
class FieldSources:
    """The names a validator reads its model's fields through."""

    values: set[str] = field(default_factory=set)  # the validated value itself (``v``)
    mappings: set[str] = field(default_factory=set)  # ``values``, ``info.data``, ``data``
    instance: str = ""  # ``self`` of an after-model validator


def compares_fields(index: ProjectIndex, compare: Compare, ctx: Ctx) -> bool:
    """``compare`` is in a pydantic validator (the innermost function of ``ctx``) and both its
    sides read fields of the model it validates."""
    func = ctx.owners[-1] if ctx.owners else None
    if func is None:
        return False
    sources = _sources(index, func, ctx)
    if sources is None:
        return False
    return all(_reads_field(side, sources, func) for side in (compare.left, compare.right))


def _sources(index: ProjectIndex, func: FunctionInfo, ctx: Ctx) -> FieldSources | None:
    """Where ``func`` reads its model's fields, None when no pydantic validator decorates it."""
    if not func.decorators:
        return None
    where = _decorated_in(func, ctx)
    for decorator in func.decorators:
        target = decorator.func if isinstance(decorator, Call) else decorator
        found = index.resolve_expr(target, where) if isinstance(target, Name) else None
        if isinstance(found, External) and found.is_from("pydantic") and found.last in VALIDATORS:
            return _by_kind(found.last, _mode(decorator), [p.name for p in func.params])
    return None


def _decorated_in(func: FunctionInfo, ctx: Ctx) -> Ctx:
    """The context ``func``'s decorators are evaluated in (``ctx`` is its body's): the body of
    the class it is a method of, whose own imports count (``from pydantic import validator``
    under ``if PYDANTIC_V2:`` in the class), else the scope it is defined in."""
    outer = ctx.truncate(ctx.scopes[-2]) if len(ctx.scopes) > 1 else ctx
    stack = list(outer.scopes[-1].classes.values())
    while stack:
        cls = stack.pop()
        if any(method is func for method in cls.scope.functions.values()):
            return outer.enter_class(cls)
        stack.extend(cls.scope.classes.values())
    return outer


def _mode(decorator: Expr) -> str:
    """The ``mode=`` a decorator is called with (``"after"``), ``""`` when none is given."""
    mode = decorator.kwarg("mode") if isinstance(decorator, Call) else None
    return mode.value if isinstance(mode, Const) and isinstance(mode.value, str) else ""


def _by_kind(kind: str, mode: str, params: list[str]) -> FieldSources:
    """The field sources of a validator of ``kind`` whose parameters are ``params`` (the first
    one is ``cls``, or ``self`` of an after-model validator)."""
    first, second, rest = params[:1], params[1:2], params[2:]
    if kind == "model_validator" and mode == "after":
        return FieldSources(instance=first[0] if first else "")
    if kind in ("root_validator", "model_validator"):
        return FieldSources(mappings=set(second))
    if kind == "validator":
        return FieldSources(set(second), {name for name in rest if name == "values"})
    return FieldSources(set(second), {f"{name}.data" for name in rest})


def _reads_field(side: Expr, sources: FieldSources, func: FunctionInfo) -> bool:
    """``side`` reads a field directly, or is a local of ``func`` bound only to such reads."""
    if _direct(side, sources):
        return True
    bound = func.scope.assigns.get(side.dotted, []) if isinstance(side, Name) else []
    return bool(bound) and all(_direct(assign.value, sources) for assign in bound)


def _direct(expr: Expr | None, sources: FieldSources) -> bool:
    """``v``, ``values["name"]``, ``values.get("name")``, ``info.data[...]`` or ``self.name``
    as ``sources`` allow."""
    if isinstance(expr, Name):
        head, _, attr = expr.dotted.partition(".")
        return expr.dotted in sources.values or bool(attr and head == sources.instance)
    read = _keyed_read(expr)
    return read is not None and read[0] in sources.mappings


def _keyed_read(expr: Expr | None) -> tuple[str, str] | None:
    """``(mapping, key)`` of ``mapping["key"]`` or ``mapping.get("key")``, for a mapping
    that is a (dotted) name and a key that is a string literal."""
    if isinstance(expr, Subscript) and isinstance(expr.value, Name) and len(expr.items) == 1:
        mapping, key = expr.value.dotted, expr.items[0]
    elif isinstance(expr, Call) and isinstance(expr.func, Name):
        mapping, _, method = expr.func.dotted.rpartition(".")
        key = expr.arg(0) if mapping and method == "get" else None
    else:
        return None
    return (mapping, key.value) if isinstance(key, Const) and isinstance(key.value, str) else None
