"""Kept helper checks: a dependency that, under ``if token:``, keeps what a project helper
returns after it validated the token (lightrag's ``token_info =
auth_handler.validate_token(token)``) has rejected a bad token before the returns that follow
in the same branches (``Bearers.kept``), when nothing can skip the call or swallow the
helper's rejection:

- the call's result is bound to a name (``ensure_not_revoked(key)``, dropped, may reject some
  keys only), awaited when the helper is ``async`` (else it never runs), and the helper is no
  generator;
- it hands the helper only names holding the credential (not ``DEV_TOKEN or token``, nor a
  ``fallback=``), none assigned before the call but by the read (``token = "good"``);
- only ``if`` statements that hold a ``raise`` or ``return`` guard the call (``Scope.ifs``,
  whose tests are known; ``CallSite.guards`` counts them): no other ``if``, loop, ``case`` or
  ``else:``, nor an ``except`` handler, a lambda, a ``with`` (a manager's ``__exit__`` may
  swallow the error) or a ``try`` with a ``finally:`` around it (``Scope.opaque``);
- each handler of a ``try`` around it raises what it catches again (``except HTTPException:
  log(e); raise``), or catches only ``HTTPException`` and its only statement raises it again
  for the status of each 401/403 the helper raises (``except HTTPException as e: if
  e.status_code == 401: raise``), the call being the first thing the ``try`` runs
  (``Catches.raised_again``): an ``except ValueError: return`` would end a helper that fails
  before its check;
- the helper is no project decorator's (which may catch its errors), and one of its own
  401/403s, before any of its ``return`` statements, is under ``if`` statements reading no
  other parameter of it (``if required_role and role != required_role:``: the caller decides)
  and more than the token it is handed: ``if not token: raise ...`` rejects a missing token
  only, and under ``if token:`` the token is there (``if username not in self.accounts:``
  validates it). A helper that tests the token's shape (``len(token) < 10``) or looks it up in
  a deny-list is taken for a validation too: the analysis cannot tell them apart. A helper
  that hands the check to another helper is not read (its own raises are).

Not read for a function met while another's are (a helper calling back into its caller).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backendkit.project.credflow import CredentialRead, handed_on
from backendkit.project.symbols import ClassSym, FuncSym, OneOf
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
    scope = func.info.scope

    def skipped(site: CallSite) -> bool:
        kept = site.use.startswith("=") and site.guarded and not site.loops
        if not kept or site.in_except or site.lambdas or _unknown_guards(scope, site):
            return True
        return any(first <= site.line < end for first, end in scope.opaque)

    checks.keeping = True
    try:
        lines = []
        for site, callee, bound in checks.unconditional_callees(func, skipped=skipped):
            handed = handed_on(scope, reads, site.call, callee, bound)
            passed = _passed_names(site, reads)
            if passed is None or _rebound(scope, site.line, passed, reads):
                continue
            if not _validates(checks, func, site, callee, {read.holder for read in handed}):
                continue
            if checks.dependency_check(callee, 1, handed):
                lines.append(site.line)
        return lines
    finally:
        checks.keeping = False


def _passed_names(site: CallSite, reads: list[CredentialRead]) -> list[str] | None:
    """The names the call hands the helper, when they are all names holding the credential
    (None for anything else: not ``DEV_TOKEN or token``, nor a ``fallback=`` the helper may
    check instead)."""
    args = [*site.call.args, *(value for _key, value in site.call.kwargs)]
    holders = {read.holder for read in reads}
    names = [arg.dotted for arg in args if isinstance(arg, Name) and arg.dotted in holders]
    return names if args and len(names) == len(args) else None


def _rebound(scope: Scope, line: int, names: list[str], reads: list[CredentialRead]) -> bool:
    """One of ``names`` is assigned before ``line`` other than by the read of the credential
    (``token = "good"``; then ``validate(token)`` checks that value, not the caller's)."""
    reading = {(read.holder, read.line) for read in reads}
    return any(
        a.line <= line and (name, a.line) not in reading
        for name in names
        for a in scope.assigns.get(name, ())
    )


def _validates(
    checks: CredentialChecks, func: FuncSym, site: CallSite, callee: FuncSym, handed: set[str]
) -> bool:
    """``callee``, called at ``site`` and handed the token as ``handed``, runs, rejects a
    token that is there before it can return, and nothing around the call keeps any of its
    401/403s from the caller."""
    info = callee.info
    if (info.is_async and not site.awaited) or info.scope.yields or _decorated(checks, callee):
        return False
    errors = checks.errors.escaping_errors(callee)
    raised = checks.errors.raised_site
    lines = [line for line, _error in errors if not getattr(raised(callee, line), "loops", ())]
    if not _rejects_first(callee, lines, handed):  # not one in a loop, which may not run
        return False
    every = OneOf(tuple(error for _line, error in errors))
    return checks.errors.catches.raised_again(func, site, every)


def _rejects_first(callee: FuncSym, lines: list[int], handed: set[str]) -> bool:
    """One of the 401/403s ``callee`` raises on ``lines`` validates the token
    (``_validating``), before any ``return`` of the helper."""
    scope = callee.info.scope
    params = {param.name for param in callee.info.params} - {"self", "cls"}
    own = [line for line in lines if _validating(scope, line, params, handed)]
    exits = (*scope.return_lines, *scope.bare_returns)
    return bool(own) and all(exit_line > min(own) for exit_line in exits)


def _decorated(checks: CredentialChecks, callee: FuncSym) -> bool:
    """A project decorator wraps ``callee``: it may catch what the function raises."""
    for decorator in callee.info.decorators:
        name = decorator.func if isinstance(decorator, Call) else decorator
        if isinstance(checks.index.resolve_expr(name, callee.ctx), FuncSym | ClassSym):
            return True
    return False


def _validating(scope: Scope, line: int, params: set[str], handed: set[str]) -> bool:
    """The rejection on ``line`` is under no ``if``, or under ``if`` statements reading no
    other parameter of the helper (``if required_role is not None and ...``: the caller
    decides) and, one of them, more than the token it is handed and the builtins a shape test
    calls (``if not token:`` rejects a missing token only)."""
    blocks = [block for block in scope.ifs if block.holds(line)]
    around = [{read.partition(".")[0] for read in block.reads} for block in blocks]
    if any(heads & (params - handed) for heads in around):
        return False
    return not around or any(heads - handed - _SHAPE_CALLS for heads in around)


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
