"""Exception handlers, and the status they answer a raised project exception with.

The project's handlers are registered with ``app.add_exception_handler(E, h)``,
``FastAPI(exception_handlers={E: h})`` or ``@app.exception_handler(E)``
(``exception_handlers``); a raise of ``E`` or of a subclass is answered by the handler of the
class or of its nearest project base. The status is that of the ``...Response`` the handler
returns: a literal (``JSONResponse(..., status_code=401)``; none given is a 200), or an
attribute it reads from the error (``status_code=exc.status_code``). The attribute holds what
the class whose ``__init__`` the raise runs (or a project base that ``__init__`` hands its
arguments on to: ``super().__init__(message, status_code=401)``) stores in it (``self.status_code
= status_code``, the summary's ``instance_attrs``), read with the arguments of the ``raise``
(``initargs.py``): ``R2RException(message="x", status_code=401)`` and ``R2RException("x", 401)``
are a 401, ``R2RException("x")`` the parameter's default. A stored value the analysis cannot
read (computed from a parameter, ``status_code or 500``; ``None``, ``if status_code is not
None:`` around the store; stored twice, ``rebound``), or no ``__init__`` storing the attribute,
leaves the class attribute (``HTTP_STATUS = 401``), read through the project bases, so a
subclass may declare its own. A handler whose response cannot be read (it hands the error on
to another function) answers with the status class attribute of the raised class
(``HTTP_STATUS``, ``status_code``...): a generic handler hands it on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from backendkit.project.index import ProjectIndex
from backendkit.project.initargs import (
    Args,
    Bound,
    as_passed,
    bind_params,
    init_call_skip,
    substitute_args,
)
from backendkit.project.statuscodes import status_code_of
from backendkit.project.symbols import ClassSym, Ctx, FuncSym, OneOf, VarSym
from backendkit.project.text import expr_text
from backendkit.summary.model import Call, DictExpr, Expr, Name

#: class attributes an exception class declares its HTTP status in
_STATUS_ATTRS = ("HTTP_STATUS", "http_status", "STATUS_CODE", "status_code", "status")
#: how many ``__init__`` levels an attribute the error stores is followed through
_DEPTH = 8
#: reads the status an expression evaluates to (``HttpErrors.status_of``)
StatusOf = Callable[[Expr, Ctx], "int | None"]


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
    if not call.kwargs and not _adds_handler(call):
        return []  # most calls: no ``exception_handlers=`` and not ``add_exception_handler``
    pairs: list[tuple[Expr | None, Expr | None]] = []
    if _adds_handler(call):
        pairs.append((call.arg(0, "exc_class_or_status_code"), call.arg(1, "handler")))
    if isinstance(mapping := call.kwarg("exception_handlers"), DictExpr):
        pairs += list(mapping.items)
    return pairs


def _adds_handler(call: Call) -> bool:
    """``app.add_exception_handler(...)``."""
    return isinstance(call.func, Name) and call.func.dotted.endswith("add_exception_handler")


def _handler_decorator(decorator: Expr) -> Expr | None:
    """``E`` of an ``@app.exception_handler(E)`` decorator."""
    callee = decorator.func if isinstance(decorator, Call) else None
    if isinstance(callee, Name) and callee.dotted.endswith(".exception_handler"):
        assert isinstance(decorator, Call)
        return decorator.arg(0, "exc_class_or_status_code")
    return None


class HandledStatuses:
    """The statuses the exception handlers answer a raise of a project exception with (the
    table of handlers by class is built on first use)."""

    def __init__(self, index: ProjectIndex, status_of: StatusOf) -> None:
        self.index = index
        self.status_of = status_of
        #: id of a project exception class -> the handlers registered for it
        self._handlers: dict[int, list[FuncSym | None]] | None = None

    def statuses(self, cls: ClassSym, args: Args) -> list[int | None]:
        """The statuses the handlers registered for ``cls`` or its nearest project base
        answer an error of ``cls`` built with ``args`` with (see the module docstring). No
        handler: an unhandled error (500), no status."""
        if self._handlers is None:
            self._handlers = self._handler_table()
        for klass in self.index.mro(cls):
            handlers = self._handlers.get(id(klass.info))
            if handlers:
                return [self._answer(handler, cls, args) for handler in handlers]
        return []

    def _handler_table(self) -> dict[int, list[FuncSym | None]]:
        table: dict[int, list[FuncSym | None]] = {}
        for found in exception_handlers(self.index):
            value = self.index.value(found.exception, found.ctx)
            for option in value.values if isinstance(value, OneOf) else (value,):
                if isinstance(option, ClassSym):
                    table.setdefault(id(option.info), []).append(found.handler)
        return table

    def _answer(self, handler: FuncSym | None, cls: ClassSym, args: Args) -> int | None:
        """The status ``handler`` answers an error of ``cls`` built with ``args`` with."""
        if handler is None:
            return self._class_status(cls, _STATUS_ATTRS)
        params = [p.name for p in handler.info.params if p.name not in ("self", "cls")]
        error = params[1] if len(params) >= 2 else None
        for expr in handler.info.scope.returns:
            if isinstance(expr, Call) and expr_text(expr.func).endswith("Response"):
                return self._response_status(expr, error, handler, cls, args)
        return self._class_status(cls, _STATUS_ATTRS)

    def _response_status(
        self, response: Call, error: str | None, handler: FuncSym, cls: ClassSym, args: Args
    ) -> int | None:
        """The status of a ``Response(content, status_code)`` a handler returns: 200 when
        not given, an attribute of the error (of ``cls``, built with ``args``) when read from
        it (``exc.status_code``)."""
        code = response.arg(1, "status_code")
        if code is None:
            return 200
        if error is not None and isinstance(code, Name):
            head, _, attr = code.dotted.partition(".")
            if head == error and attr and "." not in attr:
                return self._attribute_status(cls, args, attr)
        return self.status_of(code, handler.ctx.enter(handler.info))

    def _attribute_status(self, cls: ClassSym, args: Args, attr: str) -> int | None:
        """The status in attribute ``attr`` of an error of ``cls`` built with ``args``: what
        its ``__init__`` stores there, else the class attribute."""
        stored = self._stored(cls, attr, args)
        found = self.status_of(*stored) if stored is not None else None
        return found if found is not None else self._class_status(cls, (attr,))

    def _stored(self, cls: ClassSym, attr: str, args: Args, start: int = 0) -> Bound | None:
        """What the first project ``__init__`` of ``cls``'s bases from position ``start``
        stores in ``self.<attr>``, its parameters bound to ``args``; None when it stores
        nothing there, nor the ``__init__`` it hands its arguments on to."""
        bases = self.index.mro(cls)
        for position in range(start, min(len(bases), _DEPTH)):
            init = bases[position].info.scope.functions.get("__init__")
            if init is not None:
                func = FuncSym(init, bases[position].ctx)
                return self._stored_by(cls, attr, position, func, args)
        return None

    def _stored_by(
        self, cls: ClassSym, attr: str, position: int, func: FuncSym, args: Args
    ) -> Bound | None:
        """What the class at ``position`` among ``cls``'s bases, whose ``__init__`` is
        ``func``, stores in ``self.<attr>`` (the summary's ``instance_attrs``: its one value
        other than ``None``; one stored twice, ``rebound``, is not read), else what the
        ``__init__`` it calls next stores."""
        klass = self.index.mro(cls)[position].info
        bound = bind_params(func, args)
        if attr in klass.instance_attrs:
            stored = klass.instance_attrs[attr]
            return None if attr in klass.rebound else as_passed(stored, func, bound)
        inner = func.ctx.enter(func.info)
        for site in func.info.scope.calls:
            skip = init_call_skip(site)
            if skip is not None:
                passed = substitute_args(Args.of(site.call, inner, skip), bound)
                return self._stored(cls, attr, passed, position + 1)
        return None

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
