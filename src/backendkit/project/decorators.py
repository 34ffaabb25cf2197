"""Decorators that authenticate the function FastAPI calls: an endpoint's (under its route
decorator) or a dependency's.

FastAPI registers what the decorators below the route decorator return; one above it wraps a
function the route does not serve. Two kinds of decorator count as a check there:

- Starlette's ``@requires(scopes)`` asking for some scope: it answers 403 (or redirects)
  unless ``request.auth`` (``AuthenticationMiddleware``) grants the scopes, and fails without
  the middleware (a ``guard`` node);
- a project decorator (``@login_required``), or the decorator a project factory returns
  (``@role_required("admin")``, ``@auth.requires("admin")``), whose wrapper checks a credential
  before it calls the function it wraps, by the rules a dependency's body is judged by
  (``DependencyResolver._own_checks``: it reads a credential, from ``kwargs["request"]``,
  ``args[0]`` or a ``request`` parameter of its own alike, and rejects for want of it; nothing
  lets callers through before; a check the configuration may skip is a switch). The wrapper
  must not call the wrapped function (or hand it on, ``run_in_threadpool(func, ...)``) before
  its first 401/403, except to return its result under an ``if`` (``if token in KEYS: return
  await func(...)``, judged as an early return): a wrapper that runs the endpoint first and
  checks after has let the caller do the work. Every function the decorator may return must
  be such a wrapper (a ``def`` of its own body): a decorator that hands the function back
  (a registry) or wraps it without a check (logging, caching) adds nothing.
  ``functools.wraps`` keeps the endpoint's signature, so the wrapper is handed what the
  endpoint's parameters declare (its ``request``).
"""

from __future__ import annotations

from collections.abc import Callable

from backendkit.project.authstatus import DepNode
from backendkit.project.credentials import CredentialChecks
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx, External, FuncSym, OneOf
from backendkit.project.text import expr_text
from backendkit.summary.model import REPORT_CALLS, Call, Expr, Name, Seq

__all__ = ["ROUTE_METHODS", "DecoratorGuards"]

_REQUIRES = "starlette.authentication.requires"
#: the decorator methods that register a route (``@app.get``, ``@router.api_route``)
ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "options", "head", "trace", "api_route", "route"}
    | {"websocket", "websocket_route"}
)
#: calls a wrapper may hand the wrapped function to without running it (by the callee's last
#: name): ``@functools.wraps(func)``, ``asyncio.iscoroutinefunction(func)``, ``inspect.*``
_INSPECTS = frozenset(
    {"wraps", "update_wrapper", "iscoroutinefunction", "isawaitable", "iscoroutine"}
    | {"isfunction", "ismethod", "signature", "getfullargspec", "callable", "setattr"}
    | REPORT_CALLS
)
#: what judges a wrapper as a dependency's body (``DependencyResolver._own_checks``)
Judge = Callable[[DepNode, FuncSym], None]


class DecoratorGuards:
    """The decorators of a function that check a credential before it runs (memoised per
    wrapper)."""

    def __init__(self, index: ProjectIndex, credentials: CredentialChecks, judge: Judge) -> None:
        self.index = index
        self.credentials = credentials
        self.judge = judge
        self._memo: dict[tuple[int, ...], DepNode | None] = {}

    def guards(self, func: FuncSym) -> list[DepNode]:
        """The nodes of ``func``'s decorators below every route decorator that authenticate,
        top first."""
        guards: list[DepNode] = []
        for decorator in reversed(func.info.decorators):  # from the ``def`` upwards
            callee = decorator.func if isinstance(decorator, Call) else decorator
            if isinstance(callee, Name) and callee.dotted.rpartition(".")[2] in ROUTE_METHODS:
                break
            node = self._guard(decorator, func.head())  # decorators: a class body first
            if node is not None:
                guards.insert(0, node)
        return guards

    def _guard(self, decorator: Expr, ctx: Ctx) -> DepNode | None:
        """The node for one decorator when it authenticates (None otherwise)."""
        if isinstance(decorator, Call) and self._requires_scopes(decorator, ctx):
            return DepNode("@" + expr_text(decorator), "guard")
        made = self.index.value(decorator, ctx)  # a factory's call: the decorator it returns
        if not isinstance(made, FuncSym):
            return None
        named = self.index.value(decorator.func, ctx) if isinstance(decorator, Call) else made
        label = named.qualname if isinstance(named, FuncSym) else "@" + expr_text(decorator)
        return self._decorator(made, label)

    def _requires_scopes(self, decorator: Call, ctx: Ctx) -> bool:
        """``decorator`` is ``starlette.authentication.requires(scopes)`` with some scope."""
        found = self.index.resolve_expr(decorator.func, ctx)
        if not isinstance(found, External) or found.qualname != _REQUIRES:
            return False
        scopes = decorator.arg(0, "scopes")
        return scopes is not None and not (isinstance(scopes, Seq) and not scopes.items)

    def _decorator(self, deco: FuncSym, label: str) -> DepNode | None:
        """The node for the project decorator ``deco`` when every wrapper it returns checks
        a credential before it runs the function it wraps (the first wrapper's checks)."""
        params = [p.name for p in deco.info.params if p.name not in ("self", "cls")]
        wrappers = _returned_functions(self.index, deco)
        if not params or not wrappers:
            return None
        nodes = [self._wrapper(wrapper, params[0], label) for wrapper in wrappers]
        return nodes[0] if all(nodes) else None

    def _wrapper(self, wrapper: FuncSym, wrapped: str, label: str) -> DepNode | None:
        """The node for ``wrapper`` (which wraps the parameter ``wrapped``) when it checks."""
        key = (id(wrapper.info), *map(id, wrapper.ctx.scopes))
        if key not in self._memo:
            self._memo[key] = self._judged(wrapper, wrapped, label)
        return self._memo[key]

    def _judged(self, wrapper: FuncSym, wrapped: str, label: str) -> DepNode | None:
        """``wrapper`` judged as a dependency's body, when it does not run the wrapped
        function before its first 401/403 (or a call of a project function that rejects)."""
        lines = self.credentials.check_lines(wrapper)
        if not lines or _runs_first(wrapper, wrapped, min(lines)):
            return None
        node = DepNode(label, "decorator", is_async=wrapper.info.is_async)
        self.judge(node, wrapper)
        return node if node.checks or node.rejects_all else None


def _returned_functions(index: ProjectIndex, deco: FuncSym) -> list[FuncSym]:
    """The functions ``deco`` returns, each defined in its own body; none when it may
    return anything else (the function it was given, a value not known)."""
    inner = deco.ctx.enter(deco.info)
    found: list[FuncSym] = []
    for returned in deco.info.scope.returns:
        value = index.value(returned, inner)
        options = value.values if isinstance(value, OneOf) else (value,)
        for option in options:
            if not isinstance(option, FuncSym):
                return []
            if not option.info.qualname.startswith(f"{deco.info.qualname}."):
                return []
            found.append(option)
    return found


def _runs_first(wrapper: FuncSym, wrapped: str, line: int) -> bool:
    """``wrapper`` calls the function it wraps (the name ``wrapped``), or hands it to a call
    that may run it, before ``line``: not only to return its result under an ``if``."""
    for site in wrapper.info.scope.calls:
        if site.line >= line or (site.use == "return" and site.guarded):
            continue
        if _runs(site.call, wrapped):
            return True
    return False


def _runs(call: Call, wrapped: str) -> bool:
    """``call`` is ``wrapped(...)``, or hands ``wrapped`` to a call that is no inspection."""
    callee = call.func
    if isinstance(callee, Name) and callee.dotted == wrapped:
        return True
    last = callee.dotted.rpartition(".")[2] if isinstance(callee, Name) else ""
    handed = [*call.args, *(value for _name, value in call.kwargs)]
    return last not in _INSPECTS and Name(wrapped) in handed
