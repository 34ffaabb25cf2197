"""What refuses a WebSocket client: the rejections of a function run for a WebSocket route.

A WebSocket route answers no HTTP status: a dependency or the endpoint refuses a client by
closing the connection before accepting it. Two statements do (``wsauth.py`` says when one is
for want of a credential):

- ``raise WebSocketException(code=...)`` (FastAPI's or Starlette's, built in place): Starlette
  closes the connection with that code, and nothing after the raise runs;
- ``await websocket.close(code=...)`` on a parameter declared as a ``WebSocket``, followed by
  the end of the function's work (``final``): the first exit after it is a bare ``return``, a
  ``return None``, a ``raise`` or the ``return`` of the close itself, in the same branch of
  every ``if`` holding the close, with nothing but logging between; or, for a close under no
  ``if``, loop or ``case``, nothing but logging comes after it (freqtrade's
  ``validate_ws_token`` ends with its close). A close in a loop is none. The function then
  returns ``None`` and FastAPI goes on with the route; a close followed by a ``raise`` stops
  it as a raise does (``Rejection.stops``).

The code says why: 1008 (policy violation, ``status.WS_1008_POLICY_VIOLATION``) or one of the
application's codes, 4000 to 4999 (4001 and 4003 stand for 401 and 403). A close with another
code (1000 after serving, 1011 on an error) is no rejection, even before ``accept()``, where a
server refuses the handshake whatever the code: the route stays reported rather than a failure
being read as a check. Neither counts after an ``accept()`` of the same websocket once
something was sent on it or it was handed to a call that may send (``manager.connect(ws)``),
or in a loop: the client was let in; one the client meets having only been read from
(``await ws.accept(); token = ws.query_params.get("token")``, a first message received) is
still a refusal. A ``WebSocketException`` a ``try`` of the function swallows is none either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from math import inf
from typing import NamedTuple

from backendkit.project.httperrors import HttpErrors
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx, External, FuncSym, Instance
from backendkit.summary.model import REPORT_CALLS, Call, CallSite, Const, Expr, Name, Scope

__all__ = ["Rejection", "WebSocketRejections"]

_EXC = "WebSocketException"
_SOCKET = "WebSocket"
#: the libraries whose ``WebSocket`` and ``WebSocketException`` these are
_FRAMEWORKS = ("fastapi", "starlette")
#: the close code in a constant's name: ``status.WS_1008_POLICY_VIOLATION``
_WS_CODE = re.compile(r"WS_(\d{4})(?:_[A-Z0-9_]+)?")
#: policy violation: what a server answers a client it refuses
_POLICY = 1008
#: the codes an application defines (4001, 4003 as 401, 403)
_APPLICATION = range(4000, 5000)


class Rejection(NamedTuple):
    """A rejection on ``line``: its call (the error built, or the close), and whether it
    ``stops`` the route there (a raise) or lets the function return ``None`` (a close)."""

    line: int
    site: CallSite
    stops: bool


class WebSocketRejections:
    """Finds the websocket rejections of a function (memo-free: read once per node)."""

    def __init__(self, index: ProjectIndex, errors: HttpErrors) -> None:
        self.index = index
        self.errors = errors

    def of(self, func: FuncSym) -> list[Rejection]:
        """The rejections of ``func``'s own body before it accepts a websocket, or after the
        accept while nothing was sent (``_unserved``), by line."""
        sockets = self.sockets(func)
        found = [*self._raised(func), *self._closes(func, sockets)]
        if not found:
            return []
        accepts = [site.line for site in func.info.scope.calls if _on(site, sockets, "accept")]
        first = min(accepts, default=inf)
        kept = (r for r in found if r.line < first or _unserved(func, sockets, first, r))
        return sorted(kept, key=lambda r: r.line)

    def sockets(self, func: FuncSym) -> set[str]:
        """The parameters of ``func`` declared as Starlette's (or FastAPI's) ``WebSocket``."""
        return {
            param.name
            for param in func.info.params
            if isinstance(param.annotation, Name)
            and param.annotation.dotted.rpartition(".")[2] == _SOCKET
            and _framework(self.index.resolve_expr(param.annotation, func.ctx), _SOCKET)
        }

    def _raised(self, func: FuncSym) -> Iterator[Rejection]:
        """``raise WebSocketException(code)`` with a refusing code, not swallowed."""
        inner = func.ctx.enter(func.info)
        for expr, line in func.info.scope.raises:
            if not _named_call(expr, _EXC):
                continue
            error = self.index.value(expr, inner)
            if not (isinstance(error, Instance) and _framework(error.cls, _EXC)):
                continue
            if self.refuses(error.call.arg(0, "code"), error.ctx):
                site = self.errors.raised_site(func, line)
                swallowed = self.errors.catches.swallowed(func, line, error)
                if site is not None and not swallowed:
                    yield Rejection(line, site, True)

    def _closes(self, func: FuncSym, sockets: set[str]) -> Iterator[Rejection]:
        """``await websocket.close(code)`` with a refusing code that ends the function's work
        (``final``); followed by a ``raise``, it stops the route as a raise does."""
        if not sockets:
            return
        inner = func.ctx.enter(func.info)
        scope = func.info.scope
        raised = {at for _expr, at in scope.raises}
        for site in scope.calls:
            closing = _on(site, sockets, "close") and final(scope, site)
            if closing and self.refuses(site.call.arg(0, "code"), inner):
                stops = _next_exit(scope, site.line)[0] in raised  # then raises: no return
                yield Rejection(site.line, site, stops)

    def refuses(self, code: Expr | None, ctx: Ctx) -> bool:
        """``code`` is 1008 or an application's code (4000-4999): a literal, a constant, or
        Starlette's ``status.WS_1008_POLICY_VIOLATION`` (by the number in its name)."""
        if code is None:
            return False  # ``close()``: 1000, a normal closure
        value = self.index.value(code, ctx)
        number: object = value
        if isinstance(value, External):
            number = _constant(value.last)
        elif isinstance(code, Name) and not isinstance(value, int):
            number = _constant(code.dotted.rpartition(".")[2])
        if not isinstance(number, int) or isinstance(number, bool):
            return False
        return number == _POLICY or number in _APPLICATION


def final(scope: Scope, site: CallSite) -> bool:
    """The close at ``site`` ends the function's work (see the module docstring): the first
    exit after it returns nothing, in the branches the close is in, with nothing but logging
    between; or, the close under no ``if``, loop or ``case``, nothing but logging after it."""
    if site.loops:
        return False
    line = site.line
    exit_line, quiet = _next_exit(scope, line)
    if exit_line is None:
        return not site.guarded and not _work_between(scope, line, inf)
    if not quiet or _work_between(scope, line, exit_line):
        return False
    return all(
        block.holds(exit_line) and block.in_body(line) == block.in_body(exit_line)
        for block in scope.ifs
        if block.holds(line)
    )


def _next_exit(scope: Scope, line: int) -> tuple[int | None, bool]:
    """The first ``return`` or ``raise`` of ``scope`` on ``line`` or after it (None: none),
    and whether it returns nothing: a bare ``return``, ``return None``, a ``raise``, or the
    ``return`` of the close itself (``return await websocket.close(...)``)."""
    quiet = _none_returns(scope) | {at for _expr, at in scope.raises}
    quiet |= {line} & set(scope.return_lines)
    later = [at for at in (*scope.return_lines, *quiet) if at >= line]
    if not later:
        return None, False
    first = min(later)
    return first, first in quiet


def _none_returns(scope: Scope) -> set[int]:
    """The lines of the bare ``return`` and ``return None`` statements of ``scope``."""
    found = {
        at
        for expr, at in zip(scope.returns, scope.return_lines, strict=False)
        if expr == Const(None) or expr == Name("None")
    }
    return found | set(scope.bare_returns)


def _work_between(scope: Scope, start: int, end: float) -> bool:
    """A call other than logging runs on a line after ``start`` and before ``end``."""
    return any(
        start < site.line < end and _callee_name(site.call) not in REPORT_CALLS
        for site in scope.calls
    )


def _unserved(func: FuncSym, sockets: set[str], accepted: int, rejection: Rejection) -> bool:
    """Between the accept on line ``accepted`` and ``rejection`` (in no loop) the websocket
    was only read (``receive_json()``, ``query_params``): nothing sent on it, nor handed to
    a call that may send (``manager.connect(websocket)``). The client got nothing."""
    if rejection.site.loops:
        return False
    between = [s for s in func.info.scope.calls if accepted < s.line < rejection.line]
    return not any(_serves(site, sockets) for site in between)


def _serves(site: CallSite, sockets: set[str]) -> bool:
    """``site`` sends on one of ``sockets`` or hands one to another call."""
    func = site.call.func
    owner, _, last = func.dotted.rpartition(".") if isinstance(func, Name) else ("", "", "")
    if owner in sockets:
        return not last.startswith(("receive", "iter_"))
    arguments = (*site.call.args, *(value for _, value in site.call.kwargs))
    return any(isinstance(a, Name) and a.dotted in sockets for a in arguments)


def _callee_name(call: Call) -> str:
    """The last name of a call's callee ("" for one that is not a name)."""
    return call.func.dotted.rpartition(".")[2] if isinstance(call.func, Name) else ""


def _on(site: CallSite, sockets: set[str], method: str) -> bool:
    """``site`` calls ``method`` (``close``, ``accept``) on one of the websockets ``sockets``."""
    func = site.call.func
    if not isinstance(func, Name):
        return False
    owner, _, last = func.dotted.rpartition(".")
    return last == method and owner in sockets


def _named_call(expr: Expr, name: str) -> bool:
    """``expr`` is a call of something whose last name is ``name``."""
    return isinstance(expr, Call) and _callee_name(expr) == name


def _framework(found: object, name: str) -> bool:
    """``found`` is FastAPI's or Starlette's class ``name``."""
    return isinstance(found, External) and found.last == name and found.is_from(*_FRAMEWORKS)


def _constant(name: str) -> int | None:
    """The close code in a constant's name (``WS_1008_POLICY_VIOLATION``), or None."""
    found = _WS_CODE.fullmatch(name)
    return int(found.group(1)) if found else None
