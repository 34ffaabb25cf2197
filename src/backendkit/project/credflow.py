"""How a credential flows through a function's names (``credentials.py``): the names bound to
a value computed from it, whether an expression or an ``if`` test reads it, and whether the
function hands it back to its caller (``returned_credential``: a project helper such as
``get_token(request)`` that reads the Authorization header and returns it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backendkit.summary.model import (
    Expr,
    IfBlock,
    LoopItem,
    Name,
    Scope,
)
from backendkit.summary.subexprs import sub_expressions


@dataclass(frozen=True)
class CredentialRead:
    """Where a function reads a credential: ``what`` (``header authorization``), the line
    (0 for a parameter: read before the body runs) and what holds it: the parameter, the name
    the read is bound to, the reading call's callee (``request.headers.get``) when it is not
    bound, or "" when unknown."""

    what: str
    line: int
    holder: str = ""


def tests_any(block: IfBlock, held: set[str]) -> bool:
    """The test of ``block`` reads one of ``held`` (``token``, ``token.credentials``)."""
    return any(read in held or read.partition(".")[0] in held for read in block.reads)


def derived(scope: Scope, holder: str) -> set[str]:
    """``holder`` and the names of ``scope`` bound to a value computed from it, transitively:
    ``scheme, _, value = token.partition(" ")``, ``user = await verify(token)``."""
    held = {holder}
    sources: list[tuple[str, Expr]] = [
        (name, assign.value)
        for name, assigns in scope.assigns.items()
        for assign in assigns
        if assign.value is not None
    ]
    sources += [
        (site.use.partition("=")[2], site.call)
        for site in scope.calls
        if site.use.startswith(("=", "with="))
    ]
    grown = True
    while grown:
        grown = False
        for name, value in sources:
            if name not in held and mentions(value, held):
                held.add(name)
                grown = True
    return held


def mentions(expr: Expr, held: set[str]) -> bool:
    """``expr`` reads one of ``held`` (a name, or the first part of a dotted name)."""
    if isinstance(expr, Name):
        return expr.dotted in held or expr.dotted.partition(".")[0] in held
    return any(mentions(part, held) for part in _parts(expr))


def returned_credential(scope: Scope, reads: Sequence[CredentialRead]) -> str:
    """What credential of ``reads`` (a function's, with ``scope`` its body) the function
    returns, or a value computed from it (``return token if scheme == "bearer" else ""``); a
    read in place is returned when it is on a ``return`` line (``return
    request.headers.get("Authorization")``). "" when it returns none."""
    for read in reads:
        named = read.holder and "." not in read.holder
        held = derived(scope, read.holder) if named else set()
        for expr, line in zip(scope.returns, scope.return_lines, strict=False):
            if line == read.line or mentions(expr, held):
                return read.what
    return ""


def _parts(expr: Expr) -> tuple[Expr, ...]:
    """The expressions ``expr`` is made of (a comprehension's iterable included)."""
    return sub_expressions(expr, (LoopItem,))
