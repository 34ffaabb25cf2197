"""Routers built by a factory, one per call: ``make_crud_router("items")`` and
``make_crud_router("orders")`` are two routers, each with its call's prefix, route paths and
``dependencies=``.

The app model knows one object per creation site (``APIRouter(prefix=f"/{name}")`` in the
factory), whose prefix is the factory's parameter over all its callers. Where an include's
router is a call of that factory (directly or through a name bound to it), with static values
for some of its parameters, the include gets a *variant* of the object: the same key,
routes, includes and mounts, with the prefix, the route paths and ``dependencies=`` evaluated
for that call (``callbinds.substitute``; a parameter handed on as it is becomes the call's
argument). The object itself then counts as included (its routes are listed through its
variants). A factory called with more than ``MAX_VARIANTS`` different argument sets keeps
the shared object for the further calls.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from backendkit.project.appobjects import AppObject, RouteDecl
from backendkit.project.callbinds import Arg, Passed, bind, static, substitute
from backendkit.project.superinit import constructor_keywords
from backendkit.project.symbols import Ctx, FuncSym, VarSym
from backendkit.summary.model import Call, Const, Expr, FunctionInfo, Name

if TYPE_CHECKING:
    from backendkit.project.appmodel import AppModel

__all__ = ["FactoryRouters"]

MAX_VARIANTS = 32  # variants of one router; further calls share the router itself
MAX_HOPS = 4  # names followed from an include's argument to the factory call


class FactoryRouters:
    """The variants of routers created in factory functions, per call of the factory."""

    def __init__(self, model: AppModel) -> None:
        self.model = model
        #: variant key -> (variant, the object it is a variant of, the constants it binds)
        self._made: dict[str, tuple[AppObject, AppObject, dict[str, Const]]] = {}
        self._count: dict[int, int] = {}

    def child(self, obj: AppObject, expr: Expr | None, ctx: Ctx) -> AppObject:
        """The router an include of ``expr`` (which evaluated to ``obj``) adds: a variant of
        ``obj`` for the factory call ``expr`` is, else ``obj``."""
        found = self._factory(obj, expr, ctx)
        if found is None:
            return obj
        func, site = found
        passed = bind(func, *_arguments(*site))
        consts = self._consts(passed, func)
        key = f"{obj.key}({', '.join(f'{k}={v.value!r}' for k, v in sorted(consts.items()))})"
        if key in self._made:
            return self._made[key][0]
        if not consts or self._count.get(id(obj), 0) >= MAX_VARIANTS:
            return obj
        variant = self._variant(obj, func, passed, consts)
        if variant is None:
            return obj
        self._count[id(obj)] = self._count.get(id(obj), 0) + 1
        self._made[key] = (variant, obj, consts)
        obj.included += 1  # listed through its variants
        return variant

    def finish(self) -> None:
        """Give each variant its object's routes (all known once the model is scanned), their
        paths evaluated for its call."""
        for variant, obj, consts in self._made.values():
            variant.routes = [self._route(decl, obj, consts) for decl in obj.routes]

    def _factory(
        self, obj: AppObject, expr: Expr | None, ctx: Ctx
    ) -> tuple[FunctionInfo, tuple[Call, Ctx]] | None:
        """The plain function ``obj`` is created in, and the call of it ``expr`` is."""
        func = obj.instance.ctx.owners[-1]
        site = self._factory_call(expr, ctx)
        if func is None or site is None or obj.kind != "router" or _method(func):
            return None
        return (func, site) if _calls(self.model, site, func) else None

    def _factory_call(self, expr: Expr | None, ctx: Ctx) -> tuple[Call, Ctx] | None:
        """The call ``expr`` is, directly or through local names bound once to it."""
        for _ in range(MAX_HOPS):
            if isinstance(expr, Call):
                return expr, ctx
            if not isinstance(expr, Name) or "." in expr.dotted:
                return None
            symbol = self.model.index.lookup(expr.dotted, ctx)
            if not isinstance(symbol, VarSym):
                return None
            expr, ctx = symbol.assign.value, symbol.ctx
        return None

    def _consts(self, passed: Passed, func: FunctionInfo) -> dict[str, Const]:
        """The parameters the call passes static values for, and those it does not pass
        with a constant default, as constants."""
        consts = {
            param.name: param.default
            for param in func.params
            if param.name not in passed.named and isinstance(param.default, Const)
        }
        for name, (expr, ctx, _call) in passed.named.items():
            value = self.model.members.value(expr, ctx)
            if static(value):
                consts[name] = Const(value)
        return consts

    def _variant(
        self, obj: AppObject, func: FunctionInfo, passed: Passed, consts: dict[str, Const]
    ) -> AppObject | None:
        """``obj`` as the call binding ``passed`` builds it; None when nothing changes."""
        keywords = constructor_keywords(self.model.index, obj.instance, self.model.members.value)
        prefix, prefix_expr = obj.prefix, obj.prefix_expr
        found = keywords.get("prefix")
        if found is not None and found[1].scopes[-1] is func.scope:
            prefix_expr = substitute(found[0], consts, func.scope)
            prefix = self.model.members.value(prefix_expr, found[1])
        deps = obj.deps
        found = keywords.get("dependencies")
        if found is not None and found[1].scopes[-1] is func.scope:
            deps = self._dependencies(found, func, passed, consts)
        changed = prefix != obj.prefix or deps != obj.deps
        if not changed and not any(_own_path(decl, func, consts) for decl in obj.routes):
            return None
        variant = AppObject(obj.key, obj.kind, obj.instance, obj.file, obj.line, prefix)
        variant.prefix_expr, variant.deps = prefix_expr, deps
        for shared in ("includes", "mounts", "middleware", "opaque", "hooks", "handed", "names"):
            setattr(variant, shared, getattr(obj, shared))
        return variant

    def _dependencies(
        self, keyword: Arg, func: FunctionInfo, passed: Passed, consts: dict[str, Const]
    ) -> list[tuple[Expr, Ctx]]:
        """The factory's ``dependencies=`` for one call: a parameter handed on as it is is
        what the call passes (or the parameter's default)."""
        expr, ctx, call = keyword
        if isinstance(expr, Name) and expr.dotted in passed.named:
            argument = passed.named[expr.dotted]
            return self.model.dependencies(argument)
        substituted = substitute(expr, consts, func.scope)
        # unchanged by the call: read as the constructor's own (a local list grown in steps)
        return self.model.dependencies((substituted, ctx, call if substituted is expr else None))

    def _route(self, decl: RouteDecl, obj: AppObject, consts: dict[str, Const]) -> RouteDecl:
        """``decl`` with its path evaluated for the variant's call."""
        func = obj.instance.ctx.owners[-1]
        assert func is not None
        path_expr = _own_path(decl, func, consts)
        if path_expr is None:
            return decl
        return replace(decl, path=self.model.members.value(path_expr, decl.ctx))


def _own_path(decl: RouteDecl, func: FunctionInfo, consts: dict[str, Const]) -> Expr | None:
    """The path of a route declared in ``func``'s body with the constants in it, when they
    change it."""
    if decl.path_expr is None or decl.ctx.scopes[-1] is not func.scope:
        return None
    rewritten = substitute(decl.path_expr, consts, func.scope)
    return None if rewritten is decl.path_expr else rewritten


def _calls(model: AppModel, site: tuple[Call, Ctx], func: FunctionInfo) -> bool:
    """Whether the call of ``site`` calls ``func``."""
    callee = model.members.value(site[0].func, site[1])
    return isinstance(callee, FuncSym) and callee.info is func


def _method(func: FunctionInfo) -> bool:
    """A method (its first parameter is the receiver): not modelled per call."""
    return bool(func.params) and func.params[0].name in ("self", "cls")


def _arguments(call: Call, ctx: Ctx) -> tuple[list[Arg], dict[str, Arg]]:
    """A call's arguments as ``callbinds.bind`` takes them."""
    return [(expr, ctx, call) for expr in call.args], {k: (v, ctx, call) for k, v in call.kwargs}
