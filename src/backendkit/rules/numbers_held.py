"""A name that holds a number, not a credential: ``token: int`` (a language model's token id),
``token = 0``, or a UUID (``token: UUID``, a concurrency slot's id). Used by BK111 and BK113,
which read a name as a secret from its words: a credential is text or bytes, never an
``int``, a ``float``, a ``bool`` or a ``uuid.UUID``.

A plain name holds a number when, in the innermost scope binding it, every binding says so:

- as a parameter, its annotation is a number type or a UUID (``token: int``, ``token: int |
  None``, ``Optional[int]``, ``token: uuid.UUID``); a parameter without an annotation may
  hold anything;
- as a variable, each assignment is annotated with a number type or binds a number literal
  (``token = 0``) or the result of ``int(...)``, ``float(...)``, ``len(...)``.

A qualified name (``self.token``, ``request.token``) is not looked up: what it holds is
decided elsewhere.

A plain name holds a new UUID (``holds_uuid``) when every binding in the innermost scope
binding it is a call of ``uuid.uuid4`` or ``uuid.uuid1`` (resolved through the imports), its
``.hex`` or ``.urn``, ``str(...)`` of it or a slice of these: BK111 reads a token made so as a
random id (prefect's concurrency-slot ``token = uuid4()``), not a credential."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backendkit.project.symbols import Ctx, External
from backendkit.rules.numbers import NUMBER_TYPES, NUMERIC_BUILTINS
from backendkit.summary.model import (
    Assign,
    Attr,
    BinOp,
    Call,
    Const,
    Expr,
    FunctionInfo,
    Name,
    Subscript,
)

if TYPE_CHECKING:
    from backendkit.project.index import ProjectIndex

# ``uuid.UUID`` and pydantic's versioned forms: a UUID is an id, never a bearer secret
_UUID_TYPES = frozenset({"UUID", "UUID1", "UUID3", "UUID4", "UUID5"})
_HELD_TYPES = NUMBER_TYPES | _UUID_TYPES
# the ``uuid`` functions making a new id, and the attributes giving it as text
_UUID_MAKERS = frozenset({"uuid.uuid1", "uuid.uuid4"})
_UUID_TEXTS = frozenset({"hex", "urn"})
# wrappers of an annotation that keep its type: ``Optional[int]``, ``Annotated[int, ...]``
_WRAPPERS = frozenset({"Optional", "Annotated", "Final", "ClassVar"})


def holds_number(name: str, ctx: Ctx) -> bool:
    """``name`` is a plain name every binding of which, in the innermost scope of ``ctx``
    binding it, is a number (see the module docstring)."""
    if "." in name:
        return False
    for scope, owner in zip(reversed(ctx.scopes), reversed(ctx.owners), strict=False):
        binds = scope.assigns.get(name, [])
        if name in scope.params:
            return _number_param(name, owner) and all(map(_number_bind, binds))
        if binds:
            return all(map(_number_bind, binds))
    return False


def holds_uuid(index: ProjectIndex, name: str, ctx: Ctx) -> bool:
    """``name`` is a plain variable every binding of which, in the innermost scope of ``ctx``
    binding it, is a new UUID (``uuid4()``, ``uuid.uuid4().hex``, ``str(uuid4())``)."""
    if "." in name:
        return False
    for scope in reversed(ctx.scopes):
        if name in scope.params:
            return False
        binds = scope.assigns.get(name, [])
        if binds:
            return all(_new_uuid(index, bind.value, ctx) for bind in binds)
    return False


def _new_uuid(index: ProjectIndex, value: Expr | None, ctx: Ctx) -> bool:
    """``value`` is a new UUID or its text: ``uuid4()``, ``uuid.uuid1()``, their ``.hex`` or
    ``.urn``, ``str(...)`` of one, or a slice of these (``uuid4().hex[:8]``)."""
    if isinstance(value, Subscript):
        return _new_uuid(index, value.value, ctx)
    if isinstance(value, Attr):
        return value.attr in _UUID_TEXTS and _new_uuid(index, value.value, ctx)
    if not isinstance(value, Call) or not isinstance(value.func, Name):
        return False
    if value.func.dotted == "str":
        return len(value.args) == 1 and _new_uuid(index, value.args[0], ctx)
    found = index.resolve_expr(value.func, ctx)
    return isinstance(found, External) and found.qualname in _UUID_MAKERS


def _number_param(name: str, owner: FunctionInfo | None) -> bool:
    """The parameter ``name`` of ``owner`` is annotated with a number type."""
    params = owner.params if owner is not None else []
    return any(p.name == name and is_number_type(p.annotation) for p in params)


def _number_bind(bind: Assign) -> bool:
    """An assignment annotated with a number type or binding a number."""
    if bind.annotation is not None:
        return is_number_type(bind.annotation)
    value = bind.value
    if isinstance(value, Const):
        return isinstance(value.value, int | float)
    func = value.func if isinstance(value, Call) else None
    return isinstance(func, Name) and func.dotted in NUMERIC_BUILTINS


def is_number_type(annotation: Expr | None) -> bool:
    """``int``, ``float``, ``bool`` or ``UUID`` (also quoted or qualified: ``uuid.UUID``),
    and those ``| None``, ``Optional[...]`` or ``Annotated[..., ...]``."""
    if isinstance(annotation, Const):
        return str(annotation.value).rpartition(".")[2] in _HELD_TYPES
    if isinstance(annotation, Name):
        return annotation.dotted.rpartition(".")[2] in _HELD_TYPES
    if isinstance(annotation, BinOp) and annotation.op == "BitOr":
        sides = [s for s in (annotation.left, annotation.right) if not _is_none(s)]
        return bool(sides) and all(map(is_number_type, sides))
    return isinstance(annotation, Subscript) and _wraps_number(annotation)


def _wraps_number(annotation: Subscript) -> bool:
    """``Optional[int]``, ``Annotated[int, ...]``: a wrapper keeping its first item's type."""
    wrapper = annotation.value.dotted if isinstance(annotation.value, Name) else ""
    if wrapper.rpartition(".")[2] not in _WRAPPERS or not annotation.items:
        return False
    return is_number_type(annotation.items[0])


def _is_none(expr: Expr | None) -> bool:
    """``None`` in an annotation (a constant or the name)."""
    if isinstance(expr, Const):
        return expr.value is None
    return isinstance(expr, Name) and expr.dotted == "None"
