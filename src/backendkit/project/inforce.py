"""The values of the names the app model reads (the receivers of registrations, the routers
and endpoints they are given), with the binding in force at the line of the use.

Name resolution is flow-insensitive: the latest binding of a scope wins for every use. That is
right for a use in a nested function (it runs after the scope is done) but not for a use in the
scope itself: in ::

    app = FastAPI(dependencies=[...])
    attach_router(app)          # includes the routers into the FastAPI()
    app = bootstrap(app)        # a library's wrapper

``attach_router`` is given the ``FastAPI()``, not what ``bootstrap`` returns. Here a use sees
the latest binding of its own scope before its line (else the scope's parameter of that name),
and a helper's parameter what each call site passes as seen at that call's line, hop by hop.

Also: an argument that is the caller's ``self`` (``register_routes(self)`` in a method) is that
instance, so ``api._router`` in the helper is the router the class sets in ``self._router``.

Every answer is None ("as the flow-insensitive lookup says") unless a rebinding after a use, or
a ``self`` handed to a helper, was met on the way: other uses keep their values.
"""

from __future__ import annotations

from backendkit.project.evaluate import decorated_with
from backendkit.project.index import ProjectIndex
from backendkit.project.members import MethodValues
from backendkit.project.symbols import (
    Ctx,
    Instance,
    OneOf,
    ParamSym,
    Unresolved,
    Value,
    VarSym,
)
from backendkit.summary.model import Call, Expr, FunctionInfo, Name

_UNSEEN = object()  # no answer memoised


class BindingsInForce:
    """Values of names as read at a line (see the module docstring)."""

    def __init__(self, index: ProjectIndex, members: MethodValues) -> None:
        self.index = index
        self.members = members
        #: (function, parameter index, loop iteration) -> what its callers pass, or None
        self._params: dict[tuple[object, ...], Value | None] = {}
        self._open: set[tuple[object, ...]] = set()
        self._cuts = 0  # cycles of parameters cut so far: answers that met one are not kept
        self._lines: dict[str, dict[int, int]] = {}  # callee name -> id(call) -> its line

    def value(self, expr: Expr | None, ctx: Ctx, line: int) -> Value:
        """The value of ``expr`` used at ``line`` of ``ctx``'s innermost scope."""
        found = self.at(expr, ctx, line) if isinstance(expr, Name) else None
        return self.members.value(expr, ctx) if found is None else found

    def at(self, expr: Name, ctx: Ctx, line: int, passed: bool = False) -> Value | None:
        """``expr``'s value at ``line`` when it differs from the flow-insensitive one (else
        None); ``passed``: ``expr`` is an argument of a call, where a method's ``self`` is the
        instance."""
        if line <= 0:
            return None  # the line is not known
        head, *attrs = expr.dotted.split(".")
        symbol = self.index.lookup(head, ctx)
        found: Value | None = None
        if isinstance(symbol, VarSym):
            found = self._variable(symbol, ctx, line)
        elif isinstance(symbol, ParamSym):
            found = self._receiver(symbol) if passed else None
            found = self._param(symbol) if found is None else found
        if found is None:
            return None
        for attr in attrs:
            found = self.members.attribute(found, attr)
        return found

    def _variable(self, var: VarSym, ctx: Ctx, line: int) -> Value | None:
        """The binding of ``var``'s name in force at ``line`` (``var`` is the latest one), when
        the use is in the scope binding it: an earlier binding, the parameter of that name, or
        what an alias (``router = api._router``) reads at its own line."""
        scope = ctx.scopes[-1]
        if var.ctx.scopes[-1] is not scope:
            return None  # bound in an enclosing scope: read when this one runs, after it
        if var.assign.line < line:
            return self._alias(var)
        before = [a for a in scope.assigns.get(var.name, ()) if a.line < line]
        if before:
            earlier = VarSym(var.name, max(before, key=lambda a: a.line), var.ctx)
            found = self._alias(earlier)
            return self.members.variable(earlier) if found is None else found
        owner = ctx.owners[-1]
        if owner is None or var.name not in scope.params:
            return None  # read before any binding: Python raises, nothing to say
        param = ParamSym(var.name, scope.params[var.name], owner, var.ctx)
        found = self._param(param)
        return self.members.parameter(param) if found is None else found

    def _alias(self, var: VarSym) -> Value | None:
        """For ``x = name.attr``, what the right side reads at its line (None: as usual)."""
        value = var.assign.value
        return self.at(value, var.ctx, var.assign.line) if isinstance(value, Name) else None

    def _receiver(self, param: ParamSym) -> Value | None:
        """A method's ``self`` (an instance of its class) or a classmethod's ``cls``, handed
        on as an argument; None for other parameters."""
        cls = self.members.owner_class(param) if param.index == 0 else None
        if cls is None or decorated_with(param.func, "staticmethod"):
            return None
        if decorated_with(param.func, "classmethod"):
            return cls
        return Instance(cls, Call(Name(cls.info.name)), cls.ctx)

    def _param(self, param: ParamSym) -> Value | None:
        """What the callers of a function (not a method) pass for ``param``, each argument read
        at its call's line; None when no caller's argument reads differently there."""
        func = param.func
        if self.members.owner_class(param) is not None:
            return None  # a method's: ``MethodValues`` follows its ``self.method(...)`` calls
        if func.params and func.params[0].name in ("self", "cls"):
            return None
        env = tuple(sorted(self.index.evaluator.env.items()))
        key = (id(func), param.index, env)
        known = self._params.get(key, _UNSEEN)
        if known is not _UNSEEN:
            return known  # type: ignore[return-value]
        if key in self._open:
            self._cuts += 1
            return None
        self._open.add(key)
        cuts = self._cuts
        try:
            found = self._passed(param)
        finally:
            self._open.discard(key)
        if cuts == self._cuts:
            self._params[key] = found
        return found

    def _passed(self, param: ParamSym) -> Value | None:
        """The values the calls of ``param``'s function pass for it (see ``_param``)."""
        lines = self._call_lines(param.func)
        values: list[Value] = []
        changed = False
        for call, where in self.index.callers(param.func):
            arg = call.arg(param.index, param.name)
            if arg is None:
                continue  # the default: as the evaluator has it
            found = self._argument(arg, where, lines.get(id(call), 0))
            changed = changed or found is not None
            found = self.members.value(arg, where) if found is None else found
            if not isinstance(found, Unresolved) and found not in values:
                values.append(found)
        if not changed:
            return None
        if not values:
            return Unresolved(f"parameter {param.name} of {param.func.qualname}: nothing known")
        return values[0] if len(values) == 1 else OneOf(tuple(values))

    def _argument(self, arg: Expr, where: Ctx, line: int) -> Value | None:
        """An argument a call at ``line`` passes, when it reads differently there (else
        None)."""
        return self.at(arg, where, line, True) if isinstance(arg, Name) else None

    def _call_lines(self, func: FunctionInfo) -> dict[int, int]:
        """The line of each call of something named as ``func`` is (by the call's
        identity)."""
        found = self._lines.get(func.name)
        if found is None:
            sites = self.index.sites_named(self.index.aliases.names(func.name))
            found = self._lines[func.name] = {id(site.call): site.line for site, _ in sites}
        return found


__all__ = ["BindingsInForce"]
