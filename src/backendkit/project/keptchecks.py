"""Kept helper checks: a dependency that, under ``if token:``, keeps what a project helper
returns after it validated the token (lightrag's ``token_info =
auth_handler.validate_token(token)``) has rejected a bad token before the returns that follow
in the same branches (``Bearers.kept``), when nothing can skip the call or swallow the
helper's rejection:

- the call's result is bound to a name (``ensure_not_revoked(key)``, dropped, may reject some
  keys only), awaited when the helper is ``async`` (else it never runs), and the helper is no
  generator;
- no name it hands the helper is assigned before the call (``token = "good"``);
- only ``if`` statements that hold a ``raise`` or ``return`` guard the call (``Scope.ifs``,
  whose tests are known; ``CallSite.guards`` counts them): no other ``if``, loop, ``case`` or
  ``else:``, nor an ``except`` handler, a lambda or a project context manager (whose
  ``__exit__`` may swallow the error) around it;
- every ``try`` around it either does not catch the helper's error or raises it again for its
  status (``except HTTPException as e: if e.status_code == 401: raise``,
  ``Catches.raised_again``);
- one of the helper's own 401/403s is under an ``if`` reading more than the token it is
  handed: ``if not token: raise ...`` rejects a missing token only, and under ``if token:``
  the token is there (``if username not in self.accounts:`` validates it). A helper that tests
  the token's shape (``len(token) < 10``) or looks it up in a deny-list is taken for a
  validation too: the analysis cannot tell them apart.

Not read for a function met while another's are (a helper calling back into its caller).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backendkit.project.credflow import CredentialRead, handed_on
from backendkit.project.symbols import ClassSym, Ctx, FuncSym, OneOf
from backendkit.summary.model import Call, CallSite, IfBlock, Name, Scope

if TYPE_CHECKING:
    from backendkit.project.credentials import CredentialChecks

__all__ = ["kept_checks"]

#: builtins a test of the token's shape calls (``len(token) < 10``)
_SHAPE_CALLS = frozenset({"len", "isinstance", "str", "bool", "type", "hasattr", "getattr"})


def kept_checks(checks: CredentialChecks, func: FuncSym, reads: list[CredentialRead]) -> list[int]:
    """The lines of ``func`` where a kept helper check (see the module) rejects a bad token."""
    if checks.keeping:
        return []
    scope, inner = func.info.scope, func.ctx.enter(func.info)

    def skipped(site: CallSite) -> bool:
        kept = site.use.startswith("=") and site.guarded and not site.loops
        if not kept or site.in_except or site.lambdas or _unknown_guards(scope, site):
            return True
        return _managed(checks, scope, inner, site.line)

    checks.keeping = True
    try:
        lines = []
        for site, callee, bound in checks.unconditional_callees(func, skipped=skipped):
            if _rebound(scope, site, reads) or not _validates(checks, func, site, callee):
                continue
            handed = handed_on(scope, reads, site.call, callee, bound)
            if checks.dependency_check(callee, 1, handed):
                lines.append(site.line)
        return lines
    finally:
        checks.keeping = False


def _rebound(scope: Scope, site: CallSite, reads: list[CredentialRead]) -> bool:
    """A name the call hands on is assigned before it other than by the read of the
    credential (``token = "good"``; then ``validate(token)`` checks that value, not the
    caller's)."""
    args = [*site.call.args, *(value for _key, value in site.call.kwargs)]
    names = [arg.dotted for arg in args if isinstance(arg, Name)]
    reading = {(read.holder, read.line) for read in reads}
    return any(
        a.line <= site.line and (name, a.line) not in reading
        for name in names
        for a in scope.assigns.get(name, ())
    )


def _validates(checks: CredentialChecks, func: FuncSym, site: CallSite, callee: FuncSym) -> bool:
    """``callee``, called at ``site``, runs, and rejects a token it is handed that is there,
    and nothing around the call keeps that rejection from the caller."""
    info = callee.info
    if (info.is_async and not site.awaited) or info.scope.yields:
        return False
    handed = {param.name for param in info.params} - {"self", "cls"}
    errors = checks.errors.escaping_errors(callee)
    own = [error for line, error in errors if _validating(info.scope, line, handed)]
    if not own:
        return False
    return checks.errors.catches.raised_again(func, site.line, OneOf(tuple(own)))


def _validating(scope: Scope, line: int, params: set[str]) -> bool:
    """The rejection on ``line`` is under no ``if``, or under one reading more than the
    helper's parameters and the builtins a shape test calls."""
    around = [block for block in scope.ifs if block.holds(line)]
    own = params | _SHAPE_CALLS
    return not around or any(
        any(read.partition(".")[0] not in own for read in block.reads) for block in around
    )


def _managed(checks: CredentialChecks, scope: Scope, ctx: Ctx, line: int) -> bool:
    """A ``with`` of a project context manager (whose ``__exit__`` may swallow errors)
    starts before ``line``: it may be around it."""
    for manager, start in scope.withs:
        callee = manager.func if isinstance(manager, Call) else manager
        if start <= line and isinstance(checks.index.resolve_expr(callee, ctx), FuncSym | ClassSym):
            return True
    return False


def _unknown_guards(scope: Scope, site: CallSite) -> bool:
    """Some block guarding ``site`` is not an ``if`` of ``Scope.ifs`` (whose tests are known):
    an ``if`` holding no ``raise`` or ``return``, a ``while``, ``case`` or ``else`` body."""
    return sum(_guarding(block, site.line) for block in scope.ifs) != site.guards


def _guarding(block: IfBlock, line: int) -> bool:
    """``block`` guards ``line`` as ``CallSite.guards`` counts: ``line`` is in its body or
    its ``else:`` (not its test, nor an ``elif``, a block of its own)."""
    if not block.holds(line) or block.in_test(line):
        return False
    return block.in_body(line) or (bool(block.orelse) and line >= block.orelse)
