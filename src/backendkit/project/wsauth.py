"""Authentication of a WebSocket route by the rejections of ``wsrejections.py``.

A websocket rejection (``raise WebSocketException(code=1008)``, a close with such a code) is
for want of a credential by the rule of a 401/403 (``credentials.py``, ``rejections.py``): it
comes after a read of the credential (a ``Header()``, ``Cookie()`` or ``Query()`` parameter,
``websocket.query_params.get("token")``, ``websocket.headers.get(...)``, a parameter a
security scheme fills), in an ``except`` handler or under an ``if`` testing it (not ``if
server_busy:``), and no ``return`` under an unrelated test lets callers through before it.
Only WebSocket routes read these (``auth_status(..., websocket=True)``): for an HTTP route a
``WebSocketException`` is a 500 and ``close()`` answers nothing.

In a dependency (``mark``):

- a raise stops the route: the dependency checks the credential (``DepNode.ws_checks``), when
  it never hands ``None`` on (no ``return None``, ``Optional`` return or end of the body
  reached in a function returning a value elsewhere: an optional user), or returns nothing at
  all (a guard in ``dependencies=[...]``), as for a 401;
- a close does not stop the route: the dependency returns ``None`` and FastAPI runs the
  endpoint, whose code before its first ``accept()`` runs for the refused client (only
  ``accept()`` then fails). Such a dependency (``DepNode.ws_closes``; so is one that raises but
  may hand ``None`` on) authenticates a route only when the endpoint runs nothing for a caller
  it gave nothing (``endpoint_check``): the parameter it fills is tested before anything
  else, by ``if not token: return`` (``if token is None:``) or by an ``if token:`` holding the
  whole rest of the body (freqtrade's ``/api/v1/message/ws``). A guard (in
  ``dependencies=[...]``) that closes authenticates nothing.

In the endpoint (``endpoint_check``), the plain shape of ``endpointauth.py``: its first
rejection, before any ``return``, for want of a credential it reads, under ``if`` tests
reading only that credential and configuration (``if token not in TOKENS: await
websocket.close(code=1008); return``, before ``await websocket.accept()``).

A rejection in a helper the dependency or endpoint calls, or a check the configuration may
skip (``if not settings.ws_token: return`` first), is not read: the route stays ``none``.
"""

from __future__ import annotations

from collections.abc import Callable

from backendkit.project.authstatus import DepNode
from backendkit.project.credentials import CredentialChecks, rejected_read
from backendkit.project.credflow import CredentialRead
from backendkit.project.credhelpers import exits_before, may_return_none, returns_nothing
from backendkit.project.endpointauth import decided_by_credential
from backendkit.project.symbols import FuncSym
from backendkit.project.wsrejections import WebSocketRejections
from backendkit.summary.model import Call, Expr, FunctionInfo, IfBlock, Param, Scope
from backendkit.summary.subexprs import sub_expressions

__all__ = ["WebSocketChecks", "runs_only_with"]

#: the dependencies a parameter of the endpoint declares (``DependencyResolver``)
Declared = Callable[[Param], list[DepNode]]


class WebSocketChecks:
    """Decides what a dependency or endpoint checks for a WebSocket route."""

    def __init__(self, checks: CredentialChecks) -> None:
        self.checks = checks
        self.rejections = WebSocketRejections(checks.index, checks.errors)

    def mark(self, node: DepNode, func: FuncSym) -> None:
        """Set ``node.ws_checks`` or ``node.ws_closes`` for the dependency ``func`` (the
        module docstring)."""
        found = self._dependency_check(func)
        if found is None:
            return
        what, stops = found
        if stops and (returns_nothing(func) or not may_return_none(func)):
            node.ws_checks = what
        else:
            node.ws_closes = what

    def _dependency_check(self, func: FuncSym) -> tuple[str, bool] | None:
        """The credential the first rejection of ``func`` for want of one is for, and whether
        that rejection stops the route (a raise)."""
        rejections = self.rejections.of(func)
        if not rejections:
            return None
        reads = self._reads(func)
        scope = func.info.scope
        held = self.checks.credential_names(func, reads)
        for rejection in rejections:
            if exits_before(scope, rejection.line, held):
                continue
            found = rejected_read(scope, reads, rejection.line, rejection.site)
            if found is not None:
                return found.what, rejection.stops
        return None

    def _reads(self, func: FuncSym) -> list[CredentialRead]:
        """The credentials ``func`` reads, the parameters a security scheme fills among them,
        by line."""
        found = [*self.checks.reads(func), *self.checks.scheme_reads(func)]
        return sorted(found, key=lambda read: read.line)

    def endpoint_check(self, func: FuncSym, declared: Declared) -> str:
        """The credential the websocket endpoint ``func`` checks before anything else, itself
        or through a closing dependency whose value it tests first ("" for none)."""
        return self._own_check(func) or self._guarded(func, declared)

    def _own_check(self, func: FuncSym) -> str:
        """The credential ``func`` rejects without in the plain shape (the module
        docstring)."""
        rejections = self.rejections.of(func)
        if not rejections:
            return ""
        first, scope = rejections[0], func.info.scope
        if any(line < first.line for line in (*scope.return_lines, *scope.bare_returns)):
            return ""  # a return before the check
        reads = self._reads(func)
        held = self.checks.credential_names(func, reads)
        if not decided_by_credential(self.checks, func, first.line, held):
            return ""
        found = rejected_read(scope, reads, first.line, first.site)
        return found.what if found is not None else ""

    @staticmethod
    def _guarded(func: FuncSym, declared: Declared) -> str:
        """The credential of a closing dependency (``ws_closes``) filling a parameter of
        ``func`` that ``func`` tests before anything else (``runs_only_with``)."""
        for param in func.info.params:
            if not runs_only_with(func.info, param.name):
                continue
            for node in declared(param):
                if node.ws_closes and not node.alternatives:
                    name = node.label.rpartition(":")[2]
                    return f"{node.ws_closes}, which {name} closes without"
        return ""


def runs_only_with(func: FunctionInfo, name: str) -> bool:
    """The function does nothing unless ``name`` holds a value: before anything else (a call,
    a store into an item or attribute) it returns under ``if not name:`` (or ``if name is
    None:``), or its body ends with an ``if name:`` (``Scope.tail_if``) holding all it does."""
    scope = func.scope
    tail = scope.tail_if
    if tail is not None and name in tail.present and _quiet_before(func, tail.first):
        return True
    return any(
        name in block.absent and _returns_first(scope, block) and _quiet_before(func, block.first)
        for block in scope.ifs
    )


def _returns_first(scope: Scope, block: IfBlock) -> bool:
    """``block`` is under no other ``if`` and its body returns, under no ``if`` of its own."""
    if any(other is not block and other.holds(block.first) for other in scope.ifs):
        return False
    return any(
        block.in_body(line)
        and not any(inner.first > block.first and inner.holds(line) for inner in scope.ifs)
        for line in (*scope.return_lines, *scope.bare_returns)
    )


def _quiet_before(func: FunctionInfo, line: int) -> bool:
    """Nothing with an effect comes before ``line`` in ``func``'s body: no call, loop, ``x[k]
    = v`` or ``a.b = v`` (plain local names may be bound)."""
    scope, header = func.scope, _header_calls(func)
    stores = [at for values in scope.item_assigns.values() for _value, at in values]
    stores += [at for values in scope.attr_assigns.values() for _value, at in values]
    stores += [site.line for site in scope.calls if site.call not in header]
    stores += [abs(loop) for loop in scope.loops]
    return all(at >= line for at in stores)


def _header_calls(func: FunctionInfo) -> list[Expr]:
    """The calls in ``func``'s decorators and signature (``Depends(...)``, ``Query(None)``),
    which its scope records too: they run once, when the function is defined."""
    stack = [*func.decorators]
    stack += [expr for p in func.params for expr in (p.default, p.annotation) if expr is not None]
    found: list[Expr] = []
    while stack:
        expr = stack.pop()
        if isinstance(expr, Call):
            found.append(expr)
        stack.extend(sub_expressions(expr))
    return found
