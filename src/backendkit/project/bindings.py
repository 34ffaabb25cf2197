"""What a name holds while its own value is computed, and the object a helper that returns
its parameter hands back: two facts the evaluator reads from a scope's bindings."""

from __future__ import annotations

from backendkit.project.symbols import Ctx, Instance, ParamSym, Value, VarSym
from backendkit.summary.model import Call, Name

__all__ = ["bound_result", "earlier_binding"]


def earlier_binding(var: VarSym) -> VarSym | ParamSym | None:
    """The binding of ``var``'s name before it in its scope (an earlier assignment, else the
    parameter of that name): what the name holds while ``var``'s own value is computed
    (``app = configure(app)``, ``prefix = prefix + "/v1"``)."""
    scope = var.ctx.scopes[-1]
    before = [a for a in scope.assigns.get(var.name, ()) if a.line < var.assign.line]
    if before:
        return VarSym(var.name, max(before, key=lambda a: a.line), var.ctx)
    owner = var.ctx.owners[-1]
    if owner is not None and var.name in scope.params:
        return ParamSym(var.name, scope.params[var.name], owner, var.ctx)
    return None


def bound_result(value: Value, param: ParamSym, call: Call, where: Ctx) -> Value:
    """An instance created in a call's argument (``r = include_routers(APIRouter())``) is
    known by the name the call's result is bound to, when the function returns that
    parameter: the object the callee works on is the one the caller keeps."""
    if not isinstance(value, Instance) or value.origin is not None:
        return value
    if not any(isinstance(r, Name) and r.dotted == param.name for r in param.func.scope.returns):
        return value
    for name, assigns in where.scopes[-1].assigns.items():
        for assign in assigns:
            if assign.value is call:
                return Instance(value.cls, value.call, value.ctx, VarSym(name, assign, where))
    return value
