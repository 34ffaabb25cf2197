"""Responses built by a project helper: whether a call of one answers 401/403.

A middleware may build its 401 in a project function (``return unauthorized("bad key")``, with
``def unauthorized(msg): return JSONResponse({"error": msg}, status_code=401)``), or send the
response such a helper builds as an ASGI app (``return unauthorized(...)(scope, receive,
send)``, ``await unauthorized(...)(scope, receive, send)``). The call rejects when every
``return`` of the helper gives a ``...Response`` whose status (the ``status_code`` keyword or
the second positional argument; none given is a 200) is a 401/403, or a call of another project
function that does, up to ``_DEPTH`` functions deep. The helper's parameters hold what the call
passes (``error_response(401, "no key")``, with ``def error_response(code, msg): return
JSONResponse({"detail": msg}, status_code=code)``); a status computed from a parameter in
another way (``code or 500``) is not read. A helper that returns anything else on some path
(``None``, a response it is handed, a 200) does not reject.
"""

from __future__ import annotations

from collections.abc import Callable

from backendkit.project.index import ProjectIndex
from backendkit.project.initargs import Args, Bound, as_passed, bind_call, substitute_args
from backendkit.project.statuscodes import AUTH_STATUSES
from backendkit.project.symbols import Ctx, FuncSym
from backendkit.project.text import expr_text
from backendkit.summary.model import Call, Expr

#: how many project functions deep a response is followed (the helper, and one it returns)
_DEPTH = 2
#: reads the status an expression evaluates to (``HttpErrors.status_of``)
StatusOf = Callable[[Expr, Ctx], "int | None"]


class HelperResponses:
    """Reads the statuses of the responses project helpers build."""

    def __init__(self, index: ProjectIndex, status_of: StatusOf) -> None:
        self.index = index
        self.status_of = status_of

    def rejects(self, call: Call, ctx: Ctx) -> bool:
        """``call`` (made in ``ctx``) is a call of a project function whose every ``return``
        gives a 401/403 response (see the module docstring)."""
        statuses = self._statuses(call.func, Args.of(call, ctx), ctx, 0)
        return bool(statuses) and all(status in AUTH_STATUSES for status in statuses)

    def _statuses(self, callee: Expr, args: Args, ctx: Ctx, depth: int) -> list[int | None]:
        """The status of what each ``return`` of the project function ``callee`` gives when
        called with ``args`` (None for one that is not a response read); [] when ``callee`` is
        not a project function, or is too deep."""
        target = self.index.resolve_expr(callee, ctx)
        if depth >= _DEPTH or not isinstance(target, FuncSym):
            return []
        bound = bind_call(target, args)
        found: list[int | None] = []
        for expr in target.info.scope.returns:
            found += self._returned(expr, target, bound, depth)
        return found

    def _returned(
        self, expr: Expr, func: FuncSym, bound: dict[str, Bound], depth: int
    ) -> list[int | None]:
        """The statuses one ``return`` of ``func`` (its parameters ``bound``) gives: a
        ``...Response`` built in place, or what a project function it calls returns."""
        if not isinstance(expr, Call):
            return [None]
        if expr_text(expr.func).endswith("Response"):
            code = expr.arg(1, "status_code")
            if code is None:
                return [200]
            passed = as_passed(code, func, bound)
            return [self.status_of(*passed) if passed is not None else None]
        inner = func.ctx.enter(func.info)
        args = substitute_args(Args.of(expr, inner), bound)
        return self._statuses(expr.func, args, inner, depth + 1) or [None]
