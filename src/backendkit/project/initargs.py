"""The arguments of a constructor call, followed through the ``__init__`` of project classes.

``ProxyError("x", code=403)`` builds an error whose ``__init__`` (``def __init__(self, msg,
code=400)``) hands ``code`` on to ``super().__init__(status_code=code, detail=msg)``: binding
the call's arguments to the parameters (``bind_params``), then putting what each parameter was
bound to in place of its name among the arguments passed on (``substitute_args``), reads what
the next ``__init__`` is called with, evaluated where the caller wrote it. Used for the status
of a raised error (``httperrors.py``), the status an exception keeps in an attribute
(``errorhandlers.py``) and a scheme's ``auto_error`` (``schemes.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from backendkit.project.credflow import mentions
from backendkit.project.symbols import Ctx, FuncSym
from backendkit.summary.model import Attr, Call, CallSite, Expr, FunctionInfo, Name

#: an argument expression with the context it is evaluated in
Bound = tuple[Expr, Ctx]


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


def bind_params(init: FuncSym, args: Args, skip: int = 1) -> dict[str, Bound]:
    """``init``'s parameters (after the first ``skip``: ``self``) bound to ``args``, or to
    their defaults: what each parameter holds when ``init`` is called with ``args`` (a
    parameter neither passed nor defaulted is left out). Used to follow a value (a status,
    ``auto_error``) through the ``__init__`` of a project subclass, or through a helper
    building a response (``skip=0``)."""
    params = init.info.params[skip:]
    head = init.head()  # where the defaults are read: a method's class body first
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


def receivers(func: FunctionInfo) -> int:
    """How many leading parameters of ``func`` a call does not pass: 1 for a ``self`` or
    ``cls``, else 0."""
    params = func.params
    return 1 if params and params[0].name in ("self", "cls") else 0


def bind_call(func: FuncSym, args: Args) -> dict[str, Bound]:
    """``bind_params`` of a call of ``func`` (a function or a method called on its object or
    class: its ``self`` or ``cls`` is not among ``args``)."""
    return bind_params(func, args, receivers(func.info))


def as_passed(value: Expr, func: FuncSym, bound: dict[str, Bound]) -> Bound | None:
    """``value``, an expression of ``func``'s body, as the call that binds ``func``'s
    parameters to ``bound`` gives it: a parameter is what the call binds it to; a value
    computed from a parameter (``code or 500``) is not read (None); any other is evaluated in
    ``func``."""
    if isinstance(value, Name) and value.dotted in bound:
        return bound[value.dotted]
    if mentions(value, {param.name for param in func.info.params}):
        return None
    return value, func.ctx.enter(func.info)


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
