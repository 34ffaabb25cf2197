"""What a name holds while its own value is computed, and the object a helper that returns
its parameter hands back (two facts the evaluator reads from a scope's bindings); whether a
scope binds a name, and which of its bindings of a name comes last (the index's lookup)."""

from __future__ import annotations

from backendkit.project.symbols import Ctx, Instance, ParamSym, Value, VarSym
from backendkit.summary.model import Call, Name, Scope

__all__ = ["binds", "bound_result", "earlier_binding", "latest_binding"]


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


def binds(scope: Scope, name: str) -> bool:
    """True when ``scope`` has any binding (or parameter) called ``name``."""
    return (
        name in scope.functions
        or name in scope.classes
        or name in scope.assigns
        or name in scope.imports
        or name in scope.params
    )


def latest_binding(*bindings: tuple[str, object | None]) -> tuple[int, str, object] | None:
    """The binding on the latest line (the first of them on a tie) as (line, kind, binding)."""
    best: tuple[int, str, object] | None = None
    for kind, found in bindings:
        if found is not None and (best is None or found.line > best[0]):  # type: ignore[attr-defined]
            best = (found.line, kind, found)  # type: ignore[attr-defined]
    return best
