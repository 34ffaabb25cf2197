"""How a credential flows through a function's names (``credentials.py``): the names bound to
a value computed from it, whether an expression or an ``if`` test reads it, and whether the
function hands it back to its caller (``returned_credential``: a project helper such as
``get_token(request)`` that reads the Authorization header and returns it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backendkit.summary.model import (
    Call,
    Const,
    Expr,
    IfBlock,
    LoopItem,
    Name,
    Scope,
    Unknown,
)
from backendkit.summary.subexprs import sub_expressions

if TYPE_CHECKING:
    from backendkit.project.symbols import FuncSym


@dataclass(frozen=True)
class CredentialRead:
    """Where a function reads a credential: ``what`` (``header authorization``), the line
    (0 for a parameter: read before the body runs) and what holds it: the parameter, the name
    the read is bound to, the reading call's callee (``request.headers.get``) when it is not
    bound, or "" when unknown."""

    what: str
    line: int
    holder: str = ""
    #: held by what a helper answers ``None`` without the credential (``none_without``): only
    #: a test that holds when that value is missing is for want of the credential
    when_none: bool = False


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
            tested = scope.return_reads.get(line, ())
            if (
                line == read.line
                or mentions(expr, held)
                or any(t.partition(".")[0] in held for t in tested)
            ):
                return read.what
    return ""


def none_without(scope: Scope, reads: Sequence[CredentialRead]) -> str:
    """What credential of ``reads`` the function (``scope`` its body) answers ``None`` without:
    its first ``return`` is a ``return None`` (or a bare one) in the body of one ``if`` alone
    (no ``elif``, no ``if`` around or inside it, no ``try`` body, no loop before it) whose test
    holds exactly when that credential, or a value derived from it, is missing (arize-phoenix's
    ``_get_cookie_user``: ``if not request.cookies.get(TOKEN): return None``, then the identity
    a middleware found). A caller that rejects a ``None`` from it rejects every caller without
    the credential, as for a helper returning the credential itself. "" when there is none."""
    block = _none_block(scope)
    if block is None:
        return ""
    for read in reads:
        if _absence_of(block, scope, read):
            return read.what
    return ""


def _none_block(scope: Scope) -> IfBlock | None:
    """The ``if`` that decides whether ``scope`` answers ``None`` first (``none_without``)."""
    first = _first_none(scope)
    around = [block for block in scope.ifs if block.holds(first)] if first else []
    if len(around) != 1 or not around[0].in_body(first) or scope.in_try(first):
        return None
    if any(abs(line) < around[0].first for line in scope.loops) or scope.yields:
        return None  # a loop may skip it; a generator never answers None
    return around[0]


def _first_none(scope: Scope) -> int:
    """The line of the first ``return`` of ``scope`` when it returns ``None`` (a bare one
    too), else 0."""
    first = min((*scope.return_lines, *scope.bare_returns), default=0)
    return first if first in none_lines(scope) else 0


def none_lines(scope: Scope) -> list[int]:
    """The lines of ``scope``'s ``return None`` and bare ``return`` statements."""
    lines = [
        line
        for expr, line in zip(scope.returns, scope.return_lines, strict=False)
        if isinstance(expr, Const) and expr.value is None
    ]
    return [*lines, *scope.bare_returns]


def _absence_of(block: IfBlock, scope: Scope, read: CredentialRead) -> bool:
    """The test of ``block`` holds exactly when ``read``'s credential is missing: it tests the
    absence of one thing, the name holding it (or derived from it), or the reading call
    itself (``if not request.cookies.get(TOKEN)``, read in the test)."""
    names = (*block.absent, *block.absent_calls)
    if len(names) != 1 or not read.holder or read.line > block.first + block.test_lines:
        return False
    if "." in read.holder:  # read in place: its callee holds it
        return block.in_test(read.line) and block.absent_calls == (read.holder,)
    return tests_missing(block, derived(scope, read.holder))


def tests_missing(block: IfBlock, held: set[str]) -> bool:
    """The test of ``block`` holds when one of ``held`` is missing (``if user is None``, ``if
    not user``, ``if get_user(request) is None``: a call's callee)."""
    names = (*block.absent, *block.absent_calls)
    return any(name in held or name.partition(".")[0] in held for name in names)


def _parts(expr: Expr) -> tuple[Expr, ...]:
    """The expressions ``expr`` is made of (a comprehension's iterable included)."""
    return sub_expressions(expr, (LoopItem,))


def holder_of(use: str, call: Call, assigned: str | None) -> str:
    """The name a reading call is bound to (``token = request.headers.get(...)``), else the
    name assigned on its line (``token = request.headers.get(...) or ""``), else its dotted
    callee (read in place: ``if not request.headers.get(...)``), else ""."""
    if use.startswith("="):
        return use[1:]
    if assigned is not None:
        return assigned
    return call.func.dotted if isinstance(call.func, Name) else ""


def handed_on(
    scope: Scope, reads: Sequence[CredentialRead], call: Call, callee: FuncSym, bound: bool
) -> list[CredentialRead]:
    """The parameters of ``callee`` that ``call`` (in ``scope``) hands a credential of
    ``reads``, or a value computed from one (``token=token or ""``), as reads of the callee
    (line 0: held before its body runs)."""
    params = callee.info.params[1:] if bound else callee.info.params
    pairs = [(param.name, arg) for param, arg in zip(params, call.args, strict=False)]
    pairs += [(name, arg) for name, arg in call.kwargs if name]
    found: list[CredentialRead] = []
    for read in reads:
        held = derived(scope, read.holder) if read.holder else set()
        found += [
            CredentialRead(read.what, 0, name) for name, arg in pairs if gives(arg, name, held)
        ]
    return found


def gives(arg: Expr, name: str, held: set[str]) -> bool:
    """``arg`` reads one of ``held``; an expression the summary keeps no parts of
    (``token or ""``) is taken to when it is passed as a parameter of a held name
    (``token=token or ""``)."""
    return mentions(arg, held) or (isinstance(arg, Unknown) and name in held)
