"""Whether a 401/403 of a function is for want of a credential it reads (the rule of
``credentials``' docstring): what ties a rejection to the credential, and the returns that let
a missing credential through before it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from backendkit.project.credflow import CredentialRead, derived, tests_any, tests_missing
from backendkit.summary.model import CallSite, IfBlock, Scope


def rejected_read(
    scope: Scope, reads: Sequence[CredentialRead], line: int, site: CallSite
) -> CredentialRead | None:
    """The first of ``reads`` (a function's, in line order) that the rejection on ``line`` of
    ``scope`` (a raised 401/403, a 401 response: the call ``site``) is for, by the rule of the
    module docstring; None when it is for none (an unrelated test decides it, a missing
    credential returns early, nothing but the rejection can happen)."""
    for read in reads:
        if read.line <= line and _rejects_for(scope, read, line, site):
            return read
    return None


def _rejects_for(scope: Scope, read: CredentialRead, line: int, site: CallSite) -> bool:
    """The rejection on ``line`` is for want of ``read``'s credential. Under a condition (an
    ``if``, loop or ``case`` body, an ``except`` handler): unless a bare ``return`` under an
    ``if`` testing the credential comes first (``lets_missing_through``), it is in an ``except``
    handler, or one of the ``if`` tests it is under reads the credential's holder or a value
    derived from it; unknown (no ``if`` around it, no holder) counts too. Unconditional: an
    ``if`` testing the credential returned before it (``_decided_before``)."""
    held = derived(scope, read.holder) if read.holder else set()
    if not (site.conditional or site.in_except):
        return bool(held) and _decided_before(scope, read, line, held)
    return _conditional_for(scope, read, line, site, held)


def _conditional_for(
    scope: Scope, read: CredentialRead, line: int, site: CallSite, held: set[str]
) -> bool:
    """``_rejects_for`` of a rejection under a condition (``held``: the credential's names)."""
    if held and (lets_missing_through(scope, read, line, held) or _when_present(scope, line, held)):
        return False
    if _caller_decides(scope, line, held):
        return False
    if read.when_none:  # only a missing value is for want of the credential (``none_without``)
        return any(block.in_body(line) and tests_missing(block, held) for block in scope.ifs)
    return site.in_except or _guards_test(scope, line, held)


#: what the caller decides whatever the route: its address (``request.client.host``), which a
#: proxy in front may make the same for every caller. Not the method or path, which the
#: route fixes (``if request.method not in SAFE_METHODS and not token:`` protects a DELETE
#: route, not a GET one: read per dependency, not per route, it is taken as a check)
_CALLER_PICKS = frozenset({"client"})


def _caller_decides(scope: Scope, line: int, held: set[str]) -> bool:
    """The rejection on ``line`` is met only for some callers by their address: it is in the
    body of an ``if`` one of whose ``and`` operands reads the caller's address and not the
    credential (``if x_api_key != API_KEY and request.client.host not in TRUSTED:``), or in
    the ``else`` / ``elif`` of an ``if`` whose test reads it and not the credential and whose
    body lets the caller through (``if request.client.host == "127.0.0.1": user = "admin" elif
    not token: raise``; not ``if host in BANNED: raise 403 elif not token: raise 401``)."""
    for block in scope.ifs:
        if not block.holds(line):
            continue
        if block.in_body(line):
            parts = block.parts or (block.reads,)
        elif any(block.in_body(at) for _raised, at in scope.raises):
            continue  # the branch reading the address refuses (a blocklist): no way in
        else:
            parts = (block.reads,)
        if any(_picked_part(scope, part, held) for part in parts):
            return True
    return False


def _picked_part(scope: Scope, reads: Sequence[str], held: set[str]) -> bool:
    """``reads`` (an operand's, or a test's) read the caller's address (a parameter's
    ``.client``) and none of ``held``."""
    if any(read.partition(".")[0] in held for read in reads):
        return False
    return any(_picks(scope, read) for read in reads)


def _picks(scope: Scope, read: str) -> bool:
    head, _, rest = read.partition(".")
    return head in scope.params and rest.partition(".")[0] in _CALLER_PICKS


def _when_present(scope: Scope, line: int, held: set[str]) -> bool:
    """The rejection on ``line`` is in the body of an ``if`` that runs only when the
    credential is there (``if key is not None:``, ``if token and ...``): a caller without one
    never meets it."""
    return any(
        block.in_body(line) and any(name.partition(".")[0] in held for name in block.present)
        for block in scope.ifs
    )


def anonymous(scope: Scope, lines: Sequence[int], bearers: Bearers) -> list[int]:
    """Of the rejections on ``lines``, those a caller without a credential can meet: not one
    only a caller presenting one reaches (``Bearers.only``: ``if token: ... raise 401``
    rejects a bad token, not its absence); all of them when every one is."""
    met = [line for line in lines if not bearers.only(scope, line)]
    return met or list(lines)


@dataclass(frozen=True)
class Bearers:
    """The names of a function that hold a credential as the caller presents it (the
    parameters and reads holding it, not values made from them: ``token = creds.credentials
    if creds else "guest"`` is never empty), and the lines that reject a bad one (its own
    401/403s and its calls of rejecting helpers: ``checks``)."""

    names: frozenset[str] = frozenset()
    #: gives the lines of the rejections, asked for once a return under ``if token:`` needs
    #: them (finding a function's rejecting helpers resolves its calls)
    found: Callable[[], Sequence[int]] = tuple
    #: gives the lines of the kept helper checks (``keptchecks.py``), asked for likewise
    kept: Callable[[], Sequence[int]] = tuple
    #: the parameters among ``names`` that hold the credential as the caller sent it: no
    #: default a caller without one gets (``Header(API_KEY)``), never assigned in the body
    #: (``key = key or API_KEY``)
    exact: frozenset[str] = frozenset()

    @cached_property
    def checks(self) -> tuple[int, ...]:
        """The lines of the rejections (``found``)."""
        return tuple(self.found())

    @cached_property
    def kept_checks(self) -> tuple[int, ...]:
        """The lines of the kept helper checks (``kept``)."""
        return tuple(self.kept())

    def only(self, scope: Scope, line: int) -> bool:
        """``line`` is in the body of an ``if`` that requires one of ``names`` itself to be
        there (``if token:``, ``if key is not None and ...``; not ``if token.scopes``): a
        caller without the credential never runs it."""
        return any(self.requires(block) and block.in_body(line) for block in scope.ifs)

    def checked(self, scope: Scope, line: int) -> bool:
        """``line`` runs only for a caller whose credential was checked first: in the body of
        an ``if`` requiring one of ``names``, after a rejection there that every caller of that
        body meets or that tests the credential (``if key: if key not in KEYS: raise 401 ...
        return``; not a helper's call there, which may reject some keys only). Not a return
        a junk key reaches (``if key: if request.method == "GET": return``)."""
        return any(
            self.requires(block)
            and block.in_body(line)
            and (
                any(self._guards(scope, block, check, line) for check in self.checks)
                or any(_kept_before(scope, block, check, line) for check in self.kept_checks)
            )
            for block in scope.ifs
        )

    def requires(self, block: IfBlock) -> bool:
        """The test of ``block`` requires one of ``names`` itself to be there."""
        return any(name in self.names for name in block.present)

    def _guards(self, scope: Scope, block: IfBlock, check: int, line: int) -> bool:
        """The rejection on ``check``, in ``block``'s body before ``line``, is met on the way
        there: each ``if`` holding it but not ``line`` tests the credential, and none holds
        them in different branches (the check in the body, ``line`` in the ``else``)."""
        if not (block.first + block.test_lines < check < line and block.in_body(check)):
            return False
        around = [b for b in scope.ifs if b.holds(check)]
        if any(b.holds(line) and b.in_body(check) != b.in_body(line) for b in around):
            return False
        return all(tests_any(b, set(self.names)) for b in around if not b.holds(line))


def _kept_before(scope: Scope, block: IfBlock, check: int, line: int) -> bool:
    """The kept helper check on ``check``, in ``block``'s body before ``line``, is met on the
    way there: every ``if`` holding it holds ``line`` too, in the same branch (not ``if
    token: if not token.startswith("dev-"): info = validate(token) ... return``)."""
    if not (block.first + block.test_lines < check < line and block.in_body(check)):
        return False
    around = [b for b in scope.ifs if b.holds(check)]
    return all(b.holds(line) and b.in_body(check) == b.in_body(line) for b in around)


def _guards_test(scope: Scope, line: int, held: set[str]) -> bool:
    """One of the ``if`` tests ``line`` is under reads one of ``held``; True as well when none
    is (a loop, ``case`` or ``else`` body decides) or nothing is known to hold the credential."""
    guards = [block for block in scope.ifs if block.holds(line)]
    return not guards or not held or any(tests_any(block, held) for block in guards)


def _decided_before(scope: Scope, read: CredentialRead, line: int, held: set[str]) -> bool:
    """An ``if`` between the read and the unconditional rejection on ``line`` tests the
    credential and returns (``if token == KEY: return token``): the rejection is what every
    other credential gets."""
    exits = (*scope.return_lines, *scope.bare_returns)
    return any(
        read.line <= block.first + block.test_lines  # before the ``if``, or in its test
        and block.end <= line
        and tests_any(block, held)
        and any(block.holds(exit_line) for exit_line in exits)
        for block in scope.ifs
    )


def lets_missing_through(
    scope: Scope, read: CredentialRead, line: int, held: set[str], bearers: Bearers | None = None
) -> bool:
    """A ``return`` between the read and the rejection on ``line``, in an ``if`` that tests
    the credential and does not hold the rejection: a missing credential returns before it
    is checked. A bare one anywhere in it (``if header is None: return``) but in the body
    of a test that requires the credential and compares it with a value the caller does not
    send (``if key and key == API_KEY: return``: only a caller presenting that value gets
    there); one with a value where only a missing credential gets (``if token is None:
    return None``, the ``else:`` of ``if token:``)."""
    returns = [e for e in (*scope.bare_returns, *scope.return_lines) if read.line <= e < line]
    return any(
        block.holds(early)
        and not block.holds(line)
        and tests_any(block, held)
        and (
            (early in scope.bare_returns and not _matched(scope, block, early, bearers))
            or _when_missing(block, early, held)
        )
        for early in unchecked(scope, returns, bearers)  # not ``if token: <check> return``
        for block in scope.ifs
    )


def unchecked(scope: Scope, lines: Sequence[int], bearers: Bearers | None) -> list[int]:
    """The ``lines`` (returns) a caller may reach with a credential nobody checked
    (``Bearers.checked``); all of them without ``bearers``."""
    if bearers is None:
        return list(lines)
    return [line for line in lines if not bearers.checked(scope, line)]


def _matched(scope: Scope, block: IfBlock, line: int, bearers: Bearers | None) -> bool:
    """``line`` is in the body of ``block``, whose ``and`` test has as operands a parameter
    holding the credential as the caller sent it (``Bearers.exact``) and that name ``==``
    another plain name the caller cannot set (``if key and key == api_key:``,
    ``IfBlock.matches``): only a caller presenting that value runs it. Not ``if key:``, which a
    junk key passes, nor ``key != api_key``, ``key is not None and`` (an empty key is not
    None), any other shape of the comparison, an attribute of the credential
    (``creds.scheme == BEARER``), a key with a default (``Header(API_KEY)``) or assigned in
    the body (``key = key or API_KEY``), nor ``key == API_KEY`` alone, which a missing key
    passes while no key is configured."""
    if bearers is None or not block.in_body(line):
        return False
    return any(
        name in bearers.exact and other not in bearers.names and not _from_caller(scope, other)
        for name, other in block.matches
    )


def _from_caller(scope: Scope, name: str) -> bool:
    """``name`` is bound in the function: a parameter, a local (by assignment, ``with ... as``,
    a ``match`` capture or ``nonlocal``): what the caller sends may be in it."""
    bound = (scope.params, scope.assigns, scope.aug_assigns, scope.comp_binds, scope.rebinds)
    return any(name in names for names in bound)


def _when_missing(block: IfBlock, line: int, held: set[str]) -> bool:
    """``line`` runs for a caller without the credential ``held`` names: in the body of an
    ``if`` its absence makes hold, or in the ``else:`` of one that requires it."""
    if block.in_body(line):
        return any(name.partition(".")[0] in held for name in block.absent)
    orelse = 0 < block.orelse <= line
    return orelse and any(name.partition(".")[0] in held for name in block.present)


__all__ = ["Bearers", "anonymous", "lets_missing_through", "rejected_read", "unchecked"]
