"""The status codes a ``responses=`` argument documents, for BK208.

A dict display is read key by key, a name is followed to its value, ``{**A, 404: ...}`` and
``A | B`` merge what both document, and a call of a project helper is read from what it
returns (a dict display) or, when it builds the dict from a list of codes it iterates over
(Airflow's ``create_openapi_http_exception_doc([404, (409, "Conflict")])``), from the codes
the call passes. Anything else (a library call, a comprehension, a parameter no caller passes
a dict for, a key that is not static) documents codes the analysis cannot know: ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable

from backendkit.project.index import ProjectIndex
from backendkit.project.initargs import receivers
from backendkit.project.statuscodes import status_code_of
from backendkit.project.symbols import Ctx, FuncSym, OneOf, Unresolved, Value, VarSym
from backendkit.summary.model import BinOp, Call, Const, DictExpr, Expr, LoopItem, Name, Scope

MAX_DEPTH = 4

#: codes documented, or None when the ``responses=`` cannot be read (it may document any)
Codes = frozenset[int] | None


def union(left: Codes, right: Codes) -> Codes:
    """What two ``responses=`` merged document (unknown when either is)."""
    return None if left is None or right is None else left | right


def documented(index: ProjectIndex, responses: Expr | None, ctx: Ctx, depth: int = 0) -> Codes:
    """Status codes that a ``responses=`` argument documents (None: unknown)."""
    if responses is None or responses == Const(None):
        return frozenset()
    if isinstance(responses, DictExpr) and depth <= MAX_DEPTH:
        return _display(index, responses, ctx, depth)
    if depth > MAX_DEPTH:
        return None
    if isinstance(responses, BinOp) and responses.op == "BitOr":
        left = documented(index, responses.left, ctx, depth + 1)
        return union(left, documented(index, responses.right, ctx, depth + 1))
    if isinstance(responses, Name):
        symbol = index.lookup(responses.dotted, ctx)
        if isinstance(symbol, VarSym):
            return documented(index, symbol.assign.value, symbol.ctx, depth + 1)
    return _value_codes(index, responses, ctx)


def _value_codes(index: ProjectIndex, responses: Expr, ctx: Ctx) -> Codes:
    """The codes of a static dict value, else of a project helper's list of codes."""
    found = _dict_codes(index.value(responses, ctx))
    if found is None and isinstance(responses, Call):
        return _helper_codes(index, responses, ctx)
    return found


def _display(index: ProjectIndex, responses: DictExpr, ctx: Ctx, depth: int) -> Codes:
    codes: Codes = frozenset()
    for key, item in responses.items:
        if key is None:
            codes = union(codes, documented(index, item, ctx, depth + 1))
            continue
        value = index.value(key, ctx)
        if isinstance(value, Unresolved):
            return None  # a key that could be any code
        codes = union(codes, _key_codes([value]))
    return codes


def _dict_codes(value: Value) -> Codes:
    """The codes of a static dict (each alternative of a ``OneOf`` must document a code)."""
    if isinstance(value, dict):
        return _key_codes(value)
    if isinstance(value, OneOf) and value.values:
        alternatives = [_dict_codes(one) for one in value.values]
        if any(codes is None for codes in alternatives):
            return None
        return frozenset.intersection(*(codes for codes in alternatives if codes is not None))
    return None


def _key_codes(keys: Iterable[object]) -> frozenset[int]:
    """The statuses among a dict's keys (``"404"`` strings included; ``"default"`` is none)."""
    codes: set[int] = set()
    for key in keys:
        status = status_code_of(int(key) if isinstance(key, str) and key.isdigit() else key)
        if status is not None:
            codes.add(status)
    return frozenset(codes)


def _helper_codes(index: ProjectIndex, call: Call, ctx: Ctx) -> Codes:
    """The codes a project helper documents when it builds its dict from one parameter it
    iterates over (a ``for`` loop or a comprehension over it): the codes that parameter's
    argument lists, each a status or a ``(status, description)`` pair; None when an item is
    not static."""
    callee = index.value(call.func, ctx)
    if not isinstance(callee, FuncSym):
        return None
    iterated = _iterated_params(callee)
    if len(iterated) != 1:
        return None
    position, name = iterated[0]
    passed = call.args[position] if 0 <= position < len(call.args) else call.kwarg(name)
    items = index.value(passed, ctx)
    if not isinstance(items, list):
        return None
    codes: set[int] = set()
    for item in items:
        status = status_code_of(item[0] if isinstance(item, list) and item else item)
        if status is None:
            return None
        codes.add(status)
    return frozenset(codes)


def _iterated_params(func: FuncSym) -> list[tuple[int, str]]:
    """``(argument position, name)`` of the parameters ``func`` loops over (-1: keyword
    only)."""
    loops = _iterated_names(func.info.scope)
    params, skip = func.info.params, receivers(func.info)
    return [
        (position - skip if param.kind != "kwonly" else -1, param.name)
        for position, param in enumerate(params)
        if param.name in loops and param.kind in ("posonly", "normal", "kwonly")
    ]


def _iterated_names(scope: Scope) -> set[str]:
    """The plain names a ``for`` loop or a comprehension of ``scope`` iterates over."""
    binds = [a.value for binds in scope.comp_binds.values() for a in binds]
    iterables = [*scope.loops.values(), *(i.iterable for i in binds if isinstance(i, LoopItem))]
    return {i.dotted for i in iterables if isinstance(i, Name)}
