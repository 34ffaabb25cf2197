"""HTTP statuses of raised errors: which raises of a dependency are a 401/403.

A status is read from a literal, a ``status.HTTP_401_UNAUTHORIZED`` style constant or
``http.HTTPStatus`` (``statuscodes.status_code_of``). An error is a 401/403 when it is built in
place (``HTTPException(401)``, ``HTTPException(status_code=...)``), is a module-level instance
or one returned by a factory (the evaluator), or is an instance of a project subclass. For a
subclass the status is followed through its ``__init__`` and those of its project bases
(``initargs.py``), binding the arguments of the ``raise`` to the parameters: with ``def
__init__(self, msg, code=400): super().__init__(status_code=code, detail=msg)``,
``ProxyError("x", 403)`` and ``ProxyError("x", code=403)`` are a 403 and ``ProxyError("x")`` a
400 (the default). A project exception an exception handler is registered for has the status
the handler answers it with (``errorhandlers.py``: a literal, or the status the error holds,
``exc.status_code``).

A redirect raised as an ``HTTPException`` with a 3xx status and a ``Location`` header (sending
an anonymous caller to the login page) rejects as a 401 does. A status with several possible
values is a 401/403 when every value is one (``401 if token is None else 403``; the
``error_status_code`` of the decision a helper returns, read from each of its returns).
"""

from __future__ import annotations

import re

from backendkit.project.caught import Catches
from backendkit.project.errorhandlers import HandledStatuses
from backendkit.project.index import ProjectIndex
from backendkit.project.initargs import Args, bind_params, init_call_skip, substitute_args
from backendkit.project.statuscodes import AUTH_STATUSES, REDIRECT_STATUSES, status_code_of
from backendkit.project.symbols import (
    ClassSym,
    Ctx,
    External,
    FuncSym,
    Instance,
    OneOf,
    Unresolved,
    Value,
)
from backendkit.summary.model import Call, CallSite, Const, DictExpr, Expr, Name, Scope

#: the whole name of a status constant: ``HTTP_401_UNAUTHORIZED``
_NAMED_STATUS = re.compile(r"HTTP_(\d{3})(?:_[A-Z0-9_]+)?")
_EXC = "HTTPException"  # ``HTTPException(status_code, detail, headers)``
#: how many ``__init__`` levels a subclass's status is followed through
_DEPTH = 8


class HttpErrors:
    """Reads the statuses of raised errors (memo-free: each raise is read once per tree)."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self.handled = HandledStatuses(index, self.status_of)
        self.catches = Catches(index, self.auth_raise_lines, (self.status_of, self._one_status))

    def status_of(self, expr: Expr, ctx: Ctx) -> int | None:
        """The status ``expr`` evaluates to; a name such as ``status.HTTP_401_UNAUTHORIZED``
        the index cannot follow (a project module re-exporting Starlette's ``status`` under
        a ``try``, say) is read by its own name. A status with several possible values
        (``401 if expired else 403``, the ``error_status_code`` of a decision a helper
        returns with 401 or 403 by case) is the one they all are, or 401 when each is a 401
        or a 403 (it rejects an unauthenticated caller whichever it is); None when they
        differ otherwise."""
        options = self._status_options(expr, ctx)
        if options and all(option == options[0] for option in options):
            return options[0]
        if options and all(option in AUTH_STATUSES for option in options):
            return min(AUTH_STATUSES)
        return None

    def _status_options(self, expr: Expr, ctx: Ctx) -> list[int | None]:
        """Each status ``expr`` may be: one per value of a ``OneOf``; ``decision.code`` where
        ``decision`` is one of several instances, each's own ``code``."""
        value = self.index.value(expr, ctx)
        if isinstance(value, Unresolved) and isinstance(expr, Name) and "." in expr.dotted:
            head, _, attr = expr.dotted.rpartition(".")
            options = self._attribute_options(head, attr, ctx)
            value = OneOf(tuple(options)) if options else value
        if isinstance(value, OneOf):
            return [status_code_of(option) for option in _flat(value)]
        found = status_code_of(value)
        if found is None and isinstance(expr, Name):
            named = _NAMED_STATUS.fullmatch(expr.dotted.rpartition(".")[2])
            found = int(named.group(1)) if named else None
        return [found]

    def _attribute_options(self, head: str, attr: str, ctx: Ctx) -> list[Value]:
        """The values ``head.attr`` may have when they differ: ``head`` is one of several
        values, or is bound to a call of a project function with more different returns
        than the evaluator keeps (sglang's ``decide_request_auth``), each of its returns."""
        owner = self.index.value(Name(head), ctx)
        options = _flat(owner) if isinstance(owner, OneOf) else self._returned(head, ctx)
        return [self.index.evaluator.attribute(option, attr) for option in options]

    def _returned(self, name: str, ctx: Ctx) -> list[object]:
        """What each ``return`` of the project function gives whose call the local ``name``
        of ``ctx``'s innermost scope is last bound to (``decision = decide(...)``)."""
        assigns = ctx.scopes[-1].assigns.get(name, [])
        value = max(assigns, key=lambda assign: assign.line).value if assigns else None
        if not isinstance(value, Call):
            return []
        target = self.index.resolve_expr(value.func, ctx)
        if not isinstance(target, FuncSym):
            return []
        inner = target.ctx.enter(target.info)
        return [self.index.value(expr, inner) for expr in target.info.scope.returns]

    def is_auth_error(self, value: Value) -> bool:
        """``value`` is an error instance whose status is 401 or 403, or a redirect (a 3xx
        with a ``Location`` header: the login page of a dashboard) that an ``HTTPException``
        answers with. A value with several possibilities (``raise to_http(e)``, where the
        project helper ``to_http`` returns an ``HTTPException`` of 503, 403 or 401 by case) is
        one when any of them is: a raise of it rejects the anonymous caller on some path, and
        stops the request before the endpoint on every path."""
        if isinstance(value, OneOf):
            return any(self.is_auth_error(option) for option in value.values)
        if not isinstance(value, Instance):
            return False
        return any(map(self._rejects, self._returned_alike(value)))

    def _one_status(self, error: Instance) -> int | None:
        """The status of an error instance, when it has one known status."""
        found = set(self.statuses(error.cls, Args.of(error.call, error.ctx)))
        return found.pop() if len(found) == 1 else None

    def _returned_alike(self, value: Instance) -> list[Instance]:
        """``value`` and, when it is what one ``return`` of a project function builds (a
        value met through that return alone), the errors its other ``return`` statements
        build: ``raise to_http(e)`` raises any of them. A call of the function gives every
        return already (a ``OneOf``, see ``project/returns.py``)."""
        owner = value.ctx.owners[-1]
        if owner is None or value.call not in owner.scope.returns:
            return [value]
        found = [self.index.value(expr, value.ctx) for expr in owner.scope.returns]
        return [value, *(option for option in found if isinstance(option, Instance))]

    def _rejects(self, value: Instance) -> bool:
        """One error instance is a 401/403, or a redirect with a ``Location`` header."""
        args = Args.of(value.call, value.ctx)
        statuses = self.statuses(value.cls, args)
        if isinstance(value.cls, ClassSym):
            statuses += self.handled.statuses(value.cls, args)
        if any(status in AUTH_STATUSES for status in statuses):
            return True
        redirects = any(status in REDIRECT_STATUSES for status in statuses)
        return redirects and self._has_location(value)

    def _has_location(self, error: Instance) -> bool:
        """The error is built with ``headers={"Location": ...}`` (any case of the name)."""
        headers = error.call.kwarg("headers")
        if headers is None and isinstance(error.cls, External) and error.cls.last == _EXC:
            headers = error.call.arg(2, "headers")
        return headers is not None and "location" in self._header_names(headers, error.ctx)

    def _header_names(self, headers: Expr, ctx: Ctx) -> list[str]:
        """The lower-cased literal names of a ``headers=`` dict (a literal or a name bound
        to one)."""
        found = self.index.value(headers, ctx)
        if isinstance(found, dict):
            return [key.lower() for key in found if isinstance(key, str)]
        if isinstance(headers, DictExpr):
            return [str(key.value).lower() for key, _ in headers.items if isinstance(key, Const)]
        return []

    def statuses(self, cls: ClassSym | External, args: Args, start: int = 0) -> list[int | None]:
        """The statuses an error of ``cls`` built with ``args`` may carry: through the first
        project ``__init__`` from position ``start`` of its bases, else as
        ``HTTPException(status_code, ...)`` takes it."""
        if isinstance(cls, ClassSym) and start < _DEPTH:
            bases = self.index.mro(cls)
            for position in range(start, len(bases)):
                init = bases[position].info.scope.functions.get("__init__")
                if init is not None:
                    func = FuncSym(init, bases[position].ctx)
                    return self._through_init(cls, position, func, args)
        found = args.get(0, "status_code")
        return [] if found is None else [self.status_of(*found)]

    def _through_init(
        self, cls: ClassSym, position: int, init: FuncSym, args: Args
    ) -> list[int | None]:
        """What ``init`` passes on to the next ``__init__`` (``super().__init__(...)`` or
        ``Base.__init__(self, ...)``), its parameters bound to ``args``."""
        inner = init.ctx.enter(init.info)
        bound = bind_params(init, args)
        out: list[int | None] = []
        for site in init.info.scope.calls:
            skip = init_call_skip(site)
            if skip is None:
                continue
            passed = Args.of(site.call, inner, skip)
            out += self.statuses(cls, substitute_args(passed, bound), position + 1)
        return out

    def auth_raise_lines(self, func: FuncSym) -> list[int]:
        """The lines of ``func``'s own body that raise a 401/403."""
        return [line for line, _error in self.auth_errors(func)]

    def rejection_lines(self, func: FuncSym) -> list[int]:
        """The lines of ``func``'s own body that raise a 401/403 the function lets out
        (``escaping_errors``). A middleware reads ``auth_raise_lines``: its handler may answer
        the error itself."""
        return [line for line, _error in self.escaping_errors(func)]

    def escaping_errors(self, func: FuncSym) -> list[tuple[int, Value]]:
        """``auth_errors`` that no ``try`` of ``func`` swallows (``except Exception: return
        None``; ``caught.py``)."""
        errors = self.auth_errors(func)
        return [(at, error) for at, error in errors if not self.catches.swallowed(func, at, error)]

    def auth_errors(self, func: FuncSym) -> list[tuple[int, Value]]:
        """``(line, error)`` for each 401/403 ``func``'s own body raises."""
        inner = func.ctx.enter(func.info)
        found = [(line, self.index.value(expr, inner)) for expr, line in func.info.scope.raises]
        return [(line, value) for line, value in found if self.is_auth_error(value)]

    def raised_site(self, func: FuncSym, line: int) -> CallSite | None:
        """The call building the error raised on ``line`` (``raise HTTPException(...)``); for
        an error made elsewhere (``raise credentials_exception``), a site standing for the
        ``raise`` where it is (``Scope.raised_names``)."""
        scope = func.info.scope
        for expr, raised in scope.raises:
            if raised == line and isinstance(expr, Call):
                found = (s for s in scope.calls if s.call == expr and s.line >= line)
                return next(found, None)
            if raised == line and line in scope.raised_names:
                conditional, in_except = scope.raised_names[line]
                return CallSite(Call(expr), line, guards=int(conditional), in_except=in_except)
        return None

    def always_rejects(self, func: FuncSym) -> bool:
        """``func`` cannot return: it raises a 401/403 as a statement of its own body that no
        ``if``, loop, ``match``, ``try`` or ``except`` holds, has no ``return`` or ``yield``
        value, and no bare ``return`` before the raise (``AlwaysForbidden.__call__``: ``raise
        HTTPException(status_code=403)``; not ``if DEBUG: return`` then the raise)."""
        scope = func.info.scope
        if scope.returns or _yields_value(scope):
            return False
        for line in self.auth_raise_lines(func):
            if any(early < line for early in scope.bare_returns):
                continue
            site = self.raised_site(func, line)
            if site is not None and not (site.conditional or site.in_except or scope.in_try(line)):
                return True
        return False


def _yields_value(scope: Scope) -> bool:
    """``scope`` has a ``yield`` of a value (a bare ``yield`` yields ``None``)."""
    return any(value != Const(None) for value, _at in scope.yields)


def _flat(value: OneOf) -> list[object]:
    """The values of ``value``, nested ``OneOf`` values unpacked."""
    out: list[object] = []
    for option in value.values:
        out += _flat(option) if isinstance(option, OneOf) else [option]
    return out
