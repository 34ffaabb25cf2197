"""A dependency that authenticates only when the configuration asks for it::

    def check_api_key(request: Request) -> None:
        if not settings.API_KEY:
            return                          # no key configured: everyone gets in
        if request.headers.get("X-API-Key") != settings.API_KEY:
            raise HTTPException(401)

OpenAI-compatible servers and most self-hosted tools make the key optional this way. Read as
one function, the early return lets every caller through before the 401, so the dependency
checked nothing and the route was "open" (BK101 said it had no authentication dependency). It
is two configurations: with a key, the dependency checks the header; without one, it lets
everyone in. ``config_skip`` finds such a return: under an ``if`` before the first 401/403, not
holding it, whose test reads only configuration (module-level names and imports:
``API_KEY``, ``settings.auth_enabled``, ``os.environ.get(...)``; not a parameter, a local or
anything derived from the request). The resolver then makes the dependency two alternatives
(``alternatives.py``): as configured (the function without that return) and letting callers
through, selected at the return, so the route is reported once per dependency as a
configuration switch (BK101, or BK102 when a lenient scheme is left), not route by route.
A return under a test of the request (``if request.url.path in OPEN: return``) is no
configuration: the callers it picks are let through, as before.
"""

from __future__ import annotations

import copy

from backendkit.project.index import ProjectIndex
from backendkit.project.returns import Origin
from backendkit.project.symbols import Ctx, FuncSym, ParamSym, Unresolved, VarSym
from backendkit.summary.model import IfBlock, Scope


def config_skip(
    index: ProjectIndex, func: FuncSym, raise_lines: list[int]
) -> tuple[Origin, FuncSym] | None:
    """Where ``func`` skips its 401/403 (raised on ``raise_lines``) in some configuration,
    and ``func`` as configured to check (without that return); None when it does not."""
    if not raise_lines:
        return None
    first = min(raise_lines)
    scope = func.info.scope
    body = func.ctx.enter(func.info)
    for block in scope.ifs:
        if block.first >= first or block.holds(first):
            continue
        lines = _returns_in(scope, block)
        if lines and block.reads and all(_configuration(index, read, body) for read in block.reads):
            text = f"{func.info.name}'s early return on {_test(block)}"
            origin = (func.ctx.module.path, lines[0], text)
            return origin, _without(func, set(lines))
    return None


def _returns_in(scope: Scope, block: IfBlock) -> list[int]:
    """The lines of the ``return`` statements (with or without a value) in ``block``."""
    found = [line for line in (*scope.return_lines, *scope.bare_returns) if block.holds(line)]
    return sorted(found)


def _configuration(index: ProjectIndex, read: str, body: Ctx) -> bool:
    """``read`` (``API_KEY``, ``settings.auth.enabled``, ``os.environ.get``) starts with a
    module-level name or import: the same for every request."""
    head = read.partition(".")[0]
    symbol = index.lookup(head, body)
    if isinstance(symbol, (ParamSym, Unresolved)):
        return False
    return not (isinstance(symbol, VarSym) and len(symbol.ctx.scopes) > 1)


def _test(block: IfBlock) -> str:
    """What the test reads, for the message: ``API_KEY`` or ``settings.a, settings.b``."""
    return ", ".join(dict.fromkeys(block.reads))


def _without(func: FuncSym, lines: set[int]) -> FuncSym:
    """``func`` with the returns on ``lines`` left out (a copy; the summary is unchanged)."""
    scope = copy.copy(func.info.scope)
    kept = [
        (expr, line)
        for expr, line in zip(scope.returns, scope.return_lines, strict=False)
        if line not in lines
    ]
    scope.returns = [expr for expr, _line in kept]
    scope.return_lines = tuple(line for _expr, line in kept)
    scope.bare_returns = tuple(line for line in scope.bare_returns if line not in lines)
    info = copy.copy(func.info)
    info.scope = scope
    return FuncSym(info, func.ctx)


__all__ = ["config_skip"]
