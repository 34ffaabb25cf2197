"""HTTP statuses of raised errors: which raises of a dependency are a 401/403.

A status is read from a literal, a ``status.HTTP_401_UNAUTHORIZED`` style constant or
``http.HTTPStatus`` (``status_code_of``). An error is a 401/403 when it is built in place
(``HTTPException(401)``, ``HTTPException(status_code=...)``), is a module-level instance or one
returned by a factory (the evaluator), or is an instance of a project subclass. For a subclass
the status is followed through its ``__init__`` and those of its project bases, binding the
arguments of the ``raise`` to the parameters: with ``def __init__(self, msg, code=400):
super().__init__(status_code=code, detail=msg)``, ``ProxyError("x", 403)`` and
``ProxyError("x", code=403)`` are a 403 and ``ProxyError("x")`` a 400 (the default).

A redirect raised as an ``HTTPException`` with a 3xx status and a ``Location`` header (sending
an anonymous caller to the login page) rejects as a 401 does. A status with several possible
values is a 401/403 when every value is one (``401 if token is None else 403``; the
``error_status_code`` of the decision a helper returns, read from each of its returns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from http import HTTPStatus

from backendkit.project.caught import Catches
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import (
    ClassSym,
    Ctx,
    External,
    FuncSym,
    Instance,
    OneOf,
    Unresolved,
    Value,
    VarSym,
)
from backendkit.project.text import expr_text
from backendkit.summary.model import Attr, Call, CallSite, Const, DictExpr, Expr, Name, Scope

_STATUS_RE = re.compile(r"HTTP_(\d{3})")
#: the whole name of a status constant: ``HTTP_401_UNAUTHORIZED``
_NAMED_STATUS = re.compile(r"HTTP_(\d{3})(?:_[A-Z0-9_]+)?")
_HTTP_STATUS = "http.HTTPStatus"
_HTTP_STATUS_CODES = frozenset(int(member) for member in HTTPStatus)
#: the statuses that reject an unauthenticated caller
AUTH_STATUSES = frozenset({401, 403})
#: the statuses that redirect (with a ``Location`` header): to a login page, say
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: class attributes an exception class declares its HTTP status in
_STATUS_ATTRS = ("HTTP_STATUS", "http_status", "STATUS_CODE", "status_code", "status")
_EXC = "HTTPException"  # ``HTTPException(status_code, detail, headers)``
#: how many ``__init__`` levels a subclass's status is followed through
_DEPTH = 8
#: an argument expression with the context it is evaluated in
Bound = tuple[Expr, Ctx]


def status_code_of(value: Value) -> int | None:
    """An HTTP status from a literal, a ``status.HTTP_401_UNAUTHORIZED`` style constant
    (starlette's, fastapi's) or Python's ``http.HTTPStatus``: ``HTTPStatus.NOT_FOUND``,
    ``HTTPStatus.NOT_FOUND.value`` and ``HTTPStatus(404)``, named by ``http.HTTPStatus``'s
    own table."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, External):
        return _constant_status(value)
    if isinstance(value, Instance) and value.cls == External(_HTTP_STATUS):
        code = value.call.arg(0, "value")  # HTTPStatus(404)
        if isinstance(code, Const) and isinstance(code.value, int):
            return code.value if code.value in _HTTP_STATUS_CODES else None
    return None


def _constant_status(value: External) -> int | None:
    """``HTTPStatus.NOT_FOUND`` or ``HTTPStatus.NOT_FOUND.value`` by ``http.HTTPStatus``'s
    table, or the number in a ``status.HTTP_404_NOT_FOUND`` name."""
    if not value.qualname.startswith(_HTTP_STATUS + "."):
        found = _STATUS_RE.search(value.last)
        return int(found.group(1)) if found else None
    name, _, rest = value.qualname[len(_HTTP_STATUS) + 1 :].partition(".")
    member = HTTPStatus.__members__.get(name)
    return int(member) if member is not None and rest in ("", "value") else None


@dataclass(frozen=True)
class Args:
    """The arguments of a constructor call, each with the context it is evaluated in."""

    positional: tuple[Bound, ...] = ()
    keywords: dict[str, Bound] = field(default_factory=dict)

    @staticmethod
    def of(call: Call, ctx: Ctx, skip: int = 0) -> Args:
        """The arguments of ``call`` (the first ``skip`` positional ones left out)."""
        positional = tuple((expr, ctx) for expr in call.args[skip:])
        return Args(positional, {name: (expr, ctx) for name, expr in call.kwargs})

    def get(self, index: int, key: str) -> Bound | None:
        """Positional argument ``index``, else keyword ``key``."""
        if index < len(self.positional):
            return self.positional[index]
        return self.keywords.get(key)


@dataclass(frozen=True)
class HandlerRegistration:
    """An exception handler registered for ``exception`` (an expression evaluated in
    ``ctx``): ``handler`` is the function, None when it cannot be resolved."""

    exception: Expr
    ctx: Ctx
    handler: FuncSym | None


def exception_handlers(index: ProjectIndex) -> list[HandlerRegistration]:
    """Every exception handler registration of the project: ``app.add_exception_handler(E,
    h)``, ``FastAPI(exception_handlers={E: h})`` and ``@app.exception_handler(E)``."""
    found: list[HandlerRegistration] = []
    for site, where in index.call_sites():
        for exception, handler in _registered_by(site.call):
            if exception is not None and handler is not None:
                target = index.resolve_expr(handler, where)
                func = target if isinstance(target, FuncSym) else None
                found.append(HandlerRegistration(exception, where, func))
    for info, where in index.functions():
        for decorator in info.decorators:
            exception = _handler_decorator(decorator)
            if exception is not None:
                found.append(HandlerRegistration(exception, where, FuncSym(info, where)))
    return found


def _registered_by(call: Call) -> list[tuple[Expr | None, Expr | None]]:
    """The ``(exception, handler)`` pairs a call registers: ``add_exception_handler(E, h)``,
    ``exception_handlers={E: h}``."""
    pairs: list[tuple[Expr | None, Expr | None]] = []
    if isinstance(call.func, Name) and call.func.dotted.endswith("add_exception_handler"):
        pairs.append((call.arg(0, "exc_class_or_status_code"), call.arg(1, "handler")))
    if isinstance(mapping := call.kwarg("exception_handlers"), DictExpr):
        pairs += list(mapping.items)
    return pairs


def _handler_decorator(decorator: Expr) -> Expr | None:
    """``E`` of an ``@app.exception_handler(E)`` decorator."""
    callee = decorator.func if isinstance(decorator, Call) else None
    if isinstance(callee, Name) and callee.dotted.endswith(".exception_handler"):
        assert isinstance(decorator, Call)
        return decorator.arg(0, "exc_class_or_status_code")
    return None


class HttpErrors:
    """Reads the statuses of raised errors (memo-free: each raise is read once per tree)."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        #: id of a project exception class -> the handlers registered for it (built once)
        self._handlers: dict[int, list[FuncSym | None]] | None = None
        self.catches = Catches(index, self.auth_raise_lines)

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
        statuses = self.statuses(value.cls, Args.of(value.call, value.ctx))
        if isinstance(value.cls, ClassSym):
            statuses += self.handled_statuses(value.cls)
        if any(status in AUTH_STATUSES for status in statuses):
            return True
        redirects = any(status in REDIRECT_STATUSES for status in statuses)
        return redirects and self._has_location(value)

    def handled_statuses(self, cls: ClassSym) -> list[int | None]:
        """The statuses the exception handlers registered for ``cls`` or its nearest project
        base answer a raise of ``cls`` with: the status of the response a handler returns
        (``JSONResponse(..., status_code=401)``, or ``exc.HTTP_STATUS`` read from ``cls``);
        when that cannot be read, a status class attribute of ``cls`` (``HTTP_STATUS =
        401``: a generic handler hands it on). No handler: an unhandled error (500)."""
        if self._handlers is None:
            self._handlers = self._handler_table()
        for klass in self.index.mro(cls):
            handlers = self._handlers.get(id(klass.info))
            if handlers:
                return [self._answer(handler, cls) for handler in handlers]
        return []

    def _handler_table(self) -> dict[int, list[FuncSym | None]]:
        table: dict[int, list[FuncSym | None]] = {}
        for found in exception_handlers(self.index):
            value = self.index.value(found.exception, found.ctx)
            for option in value.values if isinstance(value, OneOf) else (value,):
                if isinstance(option, ClassSym):
                    table.setdefault(id(option.info), []).append(found.handler)
        return table

    def _answer(self, handler: FuncSym | None, cls: ClassSym) -> int | None:
        """The status ``handler`` answers a raise of ``cls`` with (see ``handled_statuses``)."""
        if handler is None:
            return self._class_status(cls, _STATUS_ATTRS)
        params = [p.name for p in handler.info.params if p.name not in ("self", "cls")]
        error = params[1] if len(params) >= 2 else None
        for expr in handler.info.scope.returns:
            if isinstance(expr, Call) and expr_text(expr.func).endswith("Response"):
                return self._response_status(expr, error, handler, cls)
        return self._class_status(cls, _STATUS_ATTRS)

    def _response_status(
        self, response: Call, error: str | None, handler: FuncSym, cls: ClassSym
    ) -> int | None:
        """The status of a ``Response(content, status_code)`` a handler returns: 200 when
        not given, a class attribute of ``cls`` when read from the error (``exc.STATUS``)."""
        code = response.arg(1, "status_code")
        if code is None:
            return 200
        if error is not None and isinstance(code, Name):
            head, _, attr = code.dotted.partition(".")
            if head == error and attr:
                return self._class_status(cls, (attr,))
        return self.status_of(code, handler.ctx.enter(handler.info))

    def _class_status(self, cls: ClassSym, names: tuple[str, ...]) -> int | None:
        """The first status among the class attributes ``names`` of ``cls`` (through its
        project bases)."""
        for name in names:
            member = self.index.class_member(cls, name)
            if isinstance(member, VarSym):
                found = status_code_of(self.index.follow(member))
                if found is not None:
                    return found
        return None

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
        """The call building the error raised on ``line`` (``raise HTTPException(...)``)."""
        for expr, raised in func.info.scope.raises:
            if raised == line and isinstance(expr, Call):
                found = (s for s in func.info.scope.calls if s.call == expr and s.line >= line)
                return next(found, None)
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


def bind_params(init: FuncSym, args: Args) -> dict[str, Bound]:
    """``init``'s parameters (after ``self``) bound to ``args``, or to their defaults: what
    each parameter holds when ``init`` is called with ``args`` (a parameter neither passed nor
    defaulted is left out). Used to follow a value (a status, ``auto_error``) through the
    ``__init__`` of a project subclass."""
    params = init.info.params[1:]
    head = init.head()  # where the defaults are read: its class body first
    bound: dict[str, Bound] = {}
    positional = [p for p in params if p.kind in ("posonly", "normal")]
    for index, param in enumerate(positional):
        if index < len(args.positional):
            bound[param.name] = args.positional[index]
    for param in params:
        if param.name in bound:
            continue
        if param.name in args.keywords and param.kind != "posonly":
            bound[param.name] = args.keywords[param.name]
        elif param.default is not None:
            bound[param.name] = (param.default, head)
    return bound


def substitute_args(args: Args, bound: dict[str, Bound]) -> Args:
    """``args`` (the arguments an ``__init__`` passes on to the next one) with each plain
    parameter name replaced by what the caller bound to it (``bind_params``), so they are
    evaluated where the caller wrote them."""

    def one(item: Bound) -> Bound:
        expr = item[0]
        return bound.get(expr.dotted, item) if isinstance(expr, Name) else item

    positional = tuple(one(item) for item in args.positional)
    return Args(positional, {key: one(item) for key, item in args.keywords.items()})


def init_call_skip(site: CallSite) -> int | None:
    """Whether ``site`` calls the next ``__init__`` of a class, and how many of its leading
    arguments are not the instance's: 0 for ``super().__init__(...)`` (``super(Cls,
    self).__init__`` too), 1 for ``Base.__init__(self, ...)``; None for any other call."""
    func = site.call.func
    if isinstance(func, Attr) and func.attr == "__init__":
        return 0
    if isinstance(func, Name) and func.dotted.endswith(".__init__"):
        return 0 if func.dotted.startswith("super") else 1
    return None
