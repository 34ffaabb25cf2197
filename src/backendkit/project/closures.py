"""Names a dependency reads from the factory that made it, set once per deployment::

    def get_auth_dependency(api_key: str | None = None):
        key_set = bool(api_key)

        async def dependency(token: str | None = Security(bearer)):
            if not key_set:
                return                      # no key configured: everyone gets in
            ...

    app.include_router(router, dependencies=[Depends(get_auth_dependency(settings.API_KEY))])

lightrag's ``get_combined_auth_dependency`` is written so. ``key_set`` is fixed when the
factory runs, as the app is set up, so a test of it picks a configuration, not callers: the
same as a module-level ``API_KEY`` (``configauth.configuration``). It is so only where no call
of the factory gives the parameter it comes from a literal (``make_user_dep(required=False)``,
or a literal default some call leaves in place): that literal decides the test for the routes
of that call (``builtflags.closure_built``), it selects no deployment.
"""

from __future__ import annotations

from backendkit.project.index import ProjectIndex
from backendkit.project.initargs import Args, bind_call
from backendkit.project.symbols import Ctx, FuncSym, ParamSym, VarSym
from backendkit.summary.model import Attr, Call, Expr, Name
from backendkit.summary.subexprs import sub_expressions

#: how many steps (a local to its value, a parameter to its calls) a value is followed
_DEPTH = 6


def closed_over(index: ProjectIndex, symbol: ParamSym | VarSym, body: Ctx) -> bool:
    """``symbol`` is a parameter or variable of a function around ``body``'s (a factory)
    that ``body`` does not rebind (``nonlocal``), made of no literal a call of the factory
    gives: one value per deployment, the same for every request."""
    depth = len(symbol.ctx.scopes)
    if not 1 < depth < len(body.scopes) or symbol.name in symbol.ctx.scopes[-1].rebinds:
        return False
    return _set_up(index, symbol, 0)


def _set_up(index: ProjectIndex, symbol: ParamSym | VarSym, depth: int) -> bool:
    """A factory's ``symbol`` takes its value from the calls of the factory, never a literal:
    a parameter no call may give one (``_param_literal``), or a local made of such
    parameters and of module-level names (``key_set = bool(api_key)``)."""
    if isinstance(symbol, ParamSym):
        return not _param_literal(index, symbol, depth)
    value = symbol.assign.value
    if value is None or depth >= _DEPTH or len(symbol.ctx.scopes[-1].assigns[symbol.name]) > 1:
        return False
    for name in _names(value):
        found = index.lookup(name, symbol.ctx)
        if isinstance(found, (ParamSym, VarSym)) and len(found.ctx.scopes) > 1:
            if found.ctx.scopes[-1] is not symbol.ctx.scopes[-1]:
                return False  # a name of a function around the factory: not followed
            if not _set_up(index, found, depth + 1):
                return False
    return True


def _param_literal(index: ProjectIndex, param: ParamSym, depth: int) -> bool:
    """A call of ``param``'s function may give it a literal (``_may_be_literal``: passed, or a
    literal default left in place); so may a function the analysis sees no call of."""
    factory = FuncSym(param.func, param.ctx.outer())
    calls = index.callers(param.func)
    for call, ctx in calls:
        given = bind_call(factory, Args.of(call, ctx)).get(param.name)
        if given is None or _may_be_literal(index, given[0], given[1], depth + 1):
            return True
    return not calls


def _may_be_literal(index: ProjectIndex, expr: Expr, ctx: Ctx, depth: int) -> bool:
    """``expr`` (read in ``ctx``) may be a value written in the code: a literal, a container
    of literals (``[]``, ``["admin"]``), a variable assigned one (``require = False``), a
    parameter a call gives one (``build(True)`` calling ``user_dependency(flag)``); and
    whatever cannot be followed. A call (``os.getenv("KEY")``) or an attribute of an object
    (``settings.api_key``) is not."""
    if depth >= _DEPTH:
        return True
    if isinstance(expr, Name):
        if "." in expr.dotted:
            return False  # an attribute of an object (``self.api_key``, ``args.key``)
        found = index.lookup(expr.dotted, ctx)
        if isinstance(found, ParamSym):
            return _param_literal(index, found, depth)
        if isinstance(found, VarSym):
            assigns = found.ctx.scopes[-1].assigns.get(found.name, [])
            return any(
                a.value is None or _may_be_literal(index, a.value, found.ctx, depth + 1)
                for a in assigns
            )
        return False
    if isinstance(expr, (Call, Attr)):
        return False
    return all(_may_be_literal(index, part, ctx, depth) for part in sub_expressions(expr, ()))


def _names(expr: Expr) -> list[str]:
    """The first part of each name ``expr`` reads (``settings`` of ``settings.key``)."""
    if isinstance(expr, Name):
        return [expr.dotted.partition(".")[0]]
    return [name for part in sub_expressions(expr, ()) for name in _names(part)]


__all__ = ["closed_over"]
