"""The records of the app model (``appmodel.AppModel``): apps and routers, the routes
registered on them, and what each includes and mounts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from backendkit.project.symbols import Ctx, FuncSym, Instance, Value
from backendkit.summary.model import Call, CallSite, Expr, IfExp, Seq


@dataclass
class RouteDecl:
    """A route registered on one app or router."""

    methods: tuple[str, ...]
    path: Value
    path_expr: Expr | None
    kind: str
    handler: FuncSym | None
    handler_name: str
    file: str
    line: int
    def_line: int
    deps: list[tuple[Expr, Ctx]]
    call: Call
    ctx: Ctx
    #: a route object given whole (``routes=[APIRoute(...)]``, ``router.routes.append(...)``,
    #: ``routeobjects.py``): FastAPI built it before the object holding it had it, so that
    #: object's own prefix and ``dependencies=`` do not apply, only those above it
    whole: bool = False
    #: a Starlette route (``add_route``, ``@router.route``, ``add_websocket_route``,
    #: ``@router.websocket_route``, ``Route(...)``): FastAPI resolves no dependencies for it,
    #: neither its endpoint's parameters nor the ``dependencies=`` of its router, includes
    #: and app
    starlette: bool = False


@dataclass
class Include:
    """``parent.include_router(child, prefix=..., dependencies=...)``."""

    child: AppObject
    prefix: Value
    prefix_expr: Expr | None
    deps: list[tuple[Expr, Ctx]]
    file: str
    line: int
    guarded: bool = False
    #: the include call's ``responses=`` argument and its context, merged into every route
    responses: tuple[Expr, Ctx] | None = None
    ctx: Ctx | None = None  # where the include call is made

    def serves_same(self, other: Include) -> bool:
        """``other`` includes the same router at the same prefix, with the same
        ``responses=``, from the same scope: FastAPI serves the same paths again, and each
        include's one ``dependencies=`` list can be an alternative of the other's."""
        if other.child is not self.child or _exprs(self.deps) is None:
            return False
        if _exprs(other.deps) is None or not _same_scope(self.ctx, other.ctx):
            return False
        if isinstance(self.prefix, str) or isinstance(other.prefix, str):
            same_prefix = self.prefix == other.prefix
        else:  # computed at run time: the same expression shows the same path
            same_prefix = self.prefix_expr == other.prefix_expr
        return same_prefix and _responses(self) == _responses(other)

    def absorb(self, later: Include) -> None:
        """Fold ``later`` (which ``serves_same``) into this earlier include. FastAPI matches
        the first registration of a path: an unconditional earlier include is what serves
        it. Under a condition (``if cfg: include(r) else: include(r, dependencies=[...])``),
        either may serve it: the route exists unless both are conditional, and the two
        dependency lists are alternatives, as a conditional ``dependencies=`` list's branches
        are (the route gets the weaker status)."""
        if not self.guarded:
            return
        self.guarded = later.guarded
        if _exprs(self.deps) != _exprs(later.deps):
            either = IfExp(_one_list(self.deps), _one_list(later.deps))
            assert self.ctx is not None
            self.deps = [(either, self.ctx)]


@dataclass
class Mount:
    """``parent.mount(path, child)``; ``child`` is None for non-FastAPI ASGI apps."""

    path: Value
    path_expr: Expr | None
    child: AppObject | None
    target: str
    file: str
    line: int
    #: for an included router that is not analysed: why, when it is a name imported from a
    #: project module that could not be resolved ("" when it comes from a library call or is
    #: computed at run time)
    note: str = ""
    guarded: bool = False  # mounted under a condition


@dataclass(eq=False)
class AppObject:
    """A ``FastAPI()`` or ``APIRouter()`` instance, identified by the variable it is bound to."""

    key: str
    kind: str  # "app" or "router"
    instance: Instance
    file: str
    line: int
    prefix: Value = ""
    prefix_expr: Expr | None = None
    deps: list[tuple[Expr, Ctx]] = field(default_factory=list)
    routes: list[RouteDecl] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    mounts: list[Mount] = field(default_factory=list)
    middleware: list[tuple[CallSite, Ctx]] = field(default_factory=list)
    opaque: list[Mount] = field(default_factory=list)  # includes of routers it cannot see
    #: ``APIRouter(route_class=...)``: the class whose handler wraps each of its routes
    route_class: tuple[Expr, Ctx] | None = None
    #: functions FastAPI calls for the app outside routes: ``(kind, expr, ctx, line)`` with
    #: kind "exception handler" or "middleware" (decorators, ``add_exception_handler``)
    hooks: list[tuple[str, Expr, Ctx, int]] = field(default_factory=list)
    included: int = 0
    mounted: int = 0
    #: calls the analysis cannot follow that were given this router (``AppModel._handed``)
    handed: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def add_include(self, include: Include) -> bool:
        """Record ``include``, or fold it into an earlier include that serves the same routes
        (``Include.absorb``: both branches of an ``if``, a router twice in a looped list), so
        that each route is listed once; True when it is a new include."""
        for earlier in self.includes:
            if earlier.serves_same(include):
                earlier.absorb(include)
                return False
        self.includes.append(include)
        return True

    @property
    def display(self) -> str:
        """The name users know the object by (a module-level name when there is one)."""
        return self.names[0] if self.names else self.key


def _exprs(deps: list[tuple[Expr, Ctx]]) -> list[Expr] | None:
    """The expressions of at most one ``dependencies=`` list (None for several)."""
    return [expr for expr, _ctx in deps] if len(deps) <= 1 else None


def _responses(include: Include) -> Expr | None:
    """The expression of an include's ``responses=`` argument."""
    return None if include.responses is None else include.responses[0]


def _one_list(deps: list[tuple[Expr, Ctx]]) -> Expr:
    """The one ``dependencies=`` list of an include, an empty list display for none."""
    return deps[0][0] if deps else Seq(())


def _same_scope(a: Ctx | None, b: Ctx | None) -> bool:
    """Both contexts evaluate in the same scope of the same module."""
    if a is None or b is None:
        return False
    return a.module is b.module and a.scopes[-1] is b.scopes[-1]


__all__ = ["AppObject", "Include", "Mount", "RouteDecl"]


#: the registrations that make a Starlette route, not FastAPI's ``APIRoute``
STARLETTE_ROUTES = frozenset({"route", "websocket_route", "add_route", "add_websocket_route"})


def starlette_route(line: int, make: Callable[[int], RouteDecl]) -> RouteDecl:
    """The route ``make`` builds at ``line``, marked a Starlette route."""
    decl = make(line)
    decl.starlette = True
    return decl
