"""The keywords FastAPI's own ``APIRouter.__init__`` or ``FastAPI.__init__`` receives when a
project subclass builds the object: ``class UserAPIRouter(APIRouter)`` whose ``__init__``
calls ``super().__init__(dependencies=[Depends(auth)], **kwargs)`` gives every router it
builds that dependency, with the ``prefix=`` the call ``UserAPIRouter(prefix="/items")``
forwards through ``**kwargs``.

Each ``__init__`` of the class's project bases, in method resolution order, hands on what it
passes ``super().__init__`` (or ``Base.__init__(self, ...)``): its own keywords, a parameter
by what the call passed for it (or its default), and, when it spreads its arguments
(``**kwargs``), the call's keywords that none of its parameters took. An ``__init__`` that
does not visibly call the next one leaves the call's keywords as they are (today's reading).
"""

from __future__ import annotations

from collections.abc import Callable

from backendkit.project.callbinds import Arg, Passed, bind, is_spread, static, substitute
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx, FuncSym, Instance, Value
from backendkit.summary.model import Attr, Call, Const, Expr, FunctionInfo, Name

__all__ = ["constructor_keywords", "super_init_line"]

MAX_HOPS = 8  # ``__init__`` methods followed up a project class hierarchy
Evaluate = Callable[[Expr, Ctx], Value]


def constructor_keywords(
    index: ProjectIndex, instance: Instance, value: Evaluate
) -> dict[str, Arg]:
    """The keywords the library class's ``__init__`` receives for ``instance`` (the call's
    own for a library class), each with where it is evaluated; ``value`` evaluates."""
    call, ctx = instance.call, instance.ctx
    kwargs: dict[str, Arg] = {key: (expr, ctx, call) for key, expr in call.kwargs}
    if not isinstance(instance.cls, ClassSym):
        return kwargs
    args: list[Arg] = [(expr, ctx, call) for expr in call.args]
    mro = index.mro(instance.cls)
    position = 0
    for _ in range(MAX_HOPS):
        found = _next_init(mro, position)
        if found is None:
            break
        position, init = found
        handed = _super_call(init)
        if handed is None:
            break
        args, kwargs = _handed_on(init, handed, args, kwargs, value)
        position += 1
    return kwargs


def _next_init(mro: list[ClassSym], start: int) -> tuple[int, FuncSym] | None:
    """The first ``__init__`` defined from position ``start`` of ``mro`` on."""
    for position in range(start, len(mro)):
        klass = mro[position]
        init = klass.info.scope.functions.get("__init__")
        if init is not None:
            return position, FuncSym(init, klass.ctx)
    return None


def _super_call(init: FuncSym) -> tuple[Call, int] | None:
    """The call of the next ``__init__`` in ``init``'s body, and how many of its leading
    arguments are not passed on (``self`` of ``Base.__init__(self, ...)``)."""
    for site in init.info.scope.calls:
        callee = site.call.func
        if isinstance(callee, Attr) and callee.attr == "__init__" and _is_super(callee.value):
            return site.call, 0
        if isinstance(callee, Name) and callee.dotted.endswith(".__init__"):
            return (site.call, 1) if not callee.dotted.startswith("self.") else None
    return None


def super_init_line(init: FunctionInfo) -> int:
    """The line of ``init``'s ``super().__init__(...)`` call (0 when it has none)."""
    for site in init.scope.calls:
        callee = site.call.func
        if isinstance(callee, Attr) and callee.attr == "__init__" and _is_super(callee.value):
            return site.line
    return 0


def _is_super(expr: Expr) -> bool:
    """``super()`` or ``super(Class, self)``."""
    return isinstance(expr, Call) and isinstance(expr.func, Name) and expr.func.dotted == "super"


def _handed_on(
    init: FuncSym,
    handed: tuple[Call, int],
    args: list[Arg],
    kwargs: dict[str, Arg],
    value: Evaluate,
) -> tuple[list[Arg], dict[str, Arg]]:
    """The arguments ``init``, called with ``args`` and ``kwargs``, passes the next
    ``__init__`` through ``handed``."""
    call, skip = handed
    passed = bind(init.info, args, kwargs, skip=1)
    inner = init.ctx.enter(init.info)
    forward = _Forward(init, inner, call, passed, value)
    new_kwargs = {key: forward(expr) for key, expr in call.kwargs}
    new_args = [forward(expr) for expr in call.args[skip:] if not is_spread(expr)]
    if any(is_spread(expr) for expr in call.args):
        _spread(init, passed, new_args, new_kwargs)
    return new_args, new_kwargs


def _spread(init: FuncSym, passed: Passed, args: list[Arg], kwargs: dict[str, Arg]) -> None:
    """A call spreading ``init``'s ``*args`` and ``**kwargs`` hands on what no parameter of
    ``init`` took (a keyword it gives itself comes first)."""
    kinds = {param.kind for param in init.info.params}
    if "kwarg" in kinds:
        for key, arg in passed.extra_kwargs.items():
            kwargs.setdefault(key, arg)
    if "vararg" in kinds:
        args += passed.extra_args


class _Forward:
    """An argument of the call in ``init``'s body, as the original call gives it: a parameter
    by what was passed for it (or its default), an expression with the parameters passed
    static values replaced by them."""

    def __init__(self, init: FuncSym, inner: Ctx, call: Call, passed: Passed, value: Evaluate):
        self.init, self.inner, self.call, self.passed = init, inner, call, passed
        self.consts: dict[str, Const] = {}
        for name, (expr, ctx, _call) in passed.named.items():
            known = value(expr, ctx)
            if static(known):
                self.consts[name] = Const(known)

    def __call__(self, expr: Expr) -> Arg:
        if isinstance(expr, Name) and expr.dotted in self.passed.named:
            return self.passed.named[expr.dotted]
        default = self._default(expr)
        if default is not None:
            return default, self.init.head(), None  # read in its class body
        rewritten = substitute(expr, self.consts, self.init.info.scope)
        return rewritten, self.inner, self.call

    def _default(self, expr: Expr) -> Expr | None:
        """The default of the parameter ``expr`` names, when the call passed nothing for it."""
        if not isinstance(expr, Name):
            return None
        for param in self.init.info.params[1:]:
            if param.name == expr.dotted:
                return param.default
        return None
