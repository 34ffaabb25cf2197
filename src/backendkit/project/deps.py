"""Dependency trees as FastAPI builds them, and the authentication status they give a route.

A dependency is found in a parameter default (``Depends(f)``, ``Security(f, scopes=...)``), in
``Annotated[T, Depends(f)]`` (also through aliases, aliases of aliases and across modules), in
``dependencies=[...]`` lists, and ``Depends()`` with no argument means the annotated class. The
target may be a function, a class (its ``__init__``), an instance (a ``fastapi.security`` scheme,
or a project class whose ``__call__`` is the dependency) or a factory call returning any of these.
A function decorated with ``@functools.wraps(f)`` has ``f``'s signature (``inspect.signature``
follows ``__wrapped__``): its dependency is ``f``. Starlette's ``@requires(scopes)`` on a
function is a ``guard`` node of its dependencies, a project decorator whose wrapper checks a
credential before it runs the function a ``decorator`` node (``decorators.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from backendkit.project.alternatives import Alternatives, Where
from backendkit.project.authstatus import (
    AUTH_WORDS,
    AuthStatus,
    DepNode,
    auth_named,
    auth_status,
    library_class,
)
from backendkit.project.builtflags import as_built, bound_once, closure_built
from backendkit.project.configauth import config_skip, live_returns
from backendkit.project.credentials import CredentialChecks
from backendkit.project.credhelpers import bearers_of
from backendkit.project.decorators import DecoratorGuards
from backendkit.project.endpointauth import endpoint_check
from backendkit.project.httperrors import HttpErrors, status_code_of
from backendkit.project.index import ProjectIndex
from backendkit.project.members import MethodValues
from backendkit.project.rejections import anonymous
from backendkit.project.schemes import SchemeCheck
from backendkit.project.switches import SwitchTable
from backendkit.project.symbols import (
    ClassSym,
    Ctx,
    External,
    FuncSym,
    Instance,
    OneOf,
    Unresolved,
    Value,
    VarSym,
)
from backendkit.project.text import expr_text, strip_annotated
from backendkit.project.wsauth import WebSocketChecks
from backendkit.summary.model import (
    BinOp,
    Call,
    Const,
    Expr,
    FunctionInfo,
    IfExp,
    Name,
    Seq,
    Starred,
    Subscript,
    Unknown,
)

__all__ = ["AuthStatus", "DepNode", "DependencyResolver", "auth_status", "status_code_of"]

_DEPENDS = frozenset({"Depends", "Security"})
_SWITCHES = 3  # configuration switches read in one dependency at most (lightrag has two)
#: libraries whose classes are database sessions and connections: a library dependency declared
#: with such a type gives a database session, not a login session
DATABASE_LIBRARIES = ("sqlalchemy.", "sqlmodel.", "databases.", "motor.", "pymongo.", "redis.")
#: what a ``functools.partial`` binds: how many leading parameters, and keyword defaults
Bound = tuple[int, dict[str, tuple[Expr, Ctx]]]


class DependencyResolver:
    """Builds dependency trees (memoised per dependency callable)."""

    def __init__(self, index: ProjectIndex, auth_names: Iterable[str] = ()) -> None:
        self.index = index
        self.schemes = SchemeCheck(index)
        self.errors = HttpErrors(index)
        #: ``self.attr`` of a method: an attribute an instance of its class is given
        self.members = MethodValues(index)
        self.credentials = CredentialChecks(index, self.errors, self.members)
        self.websockets = WebSocketChecks(self.credentials)
        self.auth_names = frozenset(auth_names)
        self._memo: dict[str, DepNode] = {}
        # a route's handler's declared dependencies: the route inventory, the call graph's
        # framework edges and several rules each ask for them
        self._params: dict[tuple[int, ...], list[DepNode]] = {}
        self._active: set[str] = set()
        self.alternatives = Alternatives(self)
        #: the switch of each route open only in some configuration, by ``switch_key``: the
        #: route inventory records them, BK101 reports one finding per switch
        self.switched = SwitchTable()
        #: the decorators that check a credential before the function runs
        self.decorators = DecoratorGuards(index, self.credentials, self._own_checks)

    # -- markers ------------------------------------------------------------------------------
    def is_marker(self, expr: Expr | None, ctx: Ctx) -> bool:
        """True for a ``Depends(...)`` or ``Security(...)`` call."""
        if not isinstance(expr, Call) or not isinstance(expr.func, Name):
            return False
        callee = self.index.lookup(expr.func.dotted, ctx)
        return isinstance(callee, External) and callee.last in _DEPENDS

    def marker(self, expr: Expr | None, ctx: Ctx) -> tuple[Call, Ctx] | None:
        """``expr`` as a ``Depends(...)`` or ``Security(...)`` call with the context it is read
        in: the call itself, or the call a name is bound to (``DEP = Depends(f)``, used as
        ``dependencies=[DEP]``, ``Annotated[T, DEP]`` or a default) in the name's context."""
        if isinstance(expr, Name):
            symbol = self.index.lookup(expr.dotted, ctx)
            if isinstance(symbol, VarSym) and self.is_marker(symbol.assign.value, symbol.ctx):
                expr, ctx = symbol.assign.value, symbol.ctx
        return (expr, ctx) if isinstance(expr, Call) and self.is_marker(expr, ctx) else None

    def markers_in_annotation(self, annotation: Expr | None, ctx: Ctx, depth: int = 0) -> list:
        """``(marker, type, ctx)`` for every Depends in ``Annotated[...]``, through aliases
        (``ctx`` is the marker's: a name bound to a marker is read where it is bound)."""
        if annotation is None or depth > 20:
            return []
        if isinstance(annotation, Subscript) and self._is_annotated(annotation.value, ctx):
            return self._annotated_markers(annotation, ctx, depth)
        if isinstance(annotation, Name):
            symbol = self.index.lookup(annotation.dotted, ctx)
            if isinstance(symbol, VarSym) and symbol.assign.value is not None:
                return self.markers_in_annotation(symbol.assign.value, symbol.ctx, depth + 1)
        return []

    def _annotated_markers(self, annotation: Subscript, ctx: Ctx, depth: int) -> list:
        if not annotation.items:
            return []
        base, extras = annotation.items[0], annotation.items[1:]
        markers = [self.marker(extra, ctx) for extra in extras]
        found = [(m[0], base, m[1]) for m in markers if m is not None]
        return found or self.markers_in_annotation(base, ctx, depth + 1)

    def _is_annotated(self, expr: Expr, ctx: Ctx) -> bool:
        if not isinstance(expr, Name) or not expr.dotted.endswith("Annotated"):
            return False
        symbol = self.index.lookup(expr.dotted, ctx)
        return isinstance(symbol, External) and symbol.last == "Annotated"

    # -- trees --------------------------------------------------------------------------------
    def param_dependencies(self, func: FuncSym, bound: Bound | None = None) -> list[DepNode]:
        """The dependencies declared by ``func``'s parameters, in order; ``bound`` (from a
        ``functools.partial``) removes the first parameters and replaces defaults."""
        if bound is None:
            key = (id(func.info), *map(id, func.ctx.scopes))
            known = self._params.get(key)
            if known is None:
                known = self._params[key] = self._param_dependencies(func, (0, {}))
            return list(known)
        return self._param_dependencies(func, bound)

    def _param_dependencies(self, func: FuncSym, bound: Bound) -> list[DepNode]:
        skip, defaults = bound
        nodes: list[DepNode] = []
        params = [p for p in func.info.params if p.name not in ("self", "cls")]
        head, typing = func.head(), func.head(annotation=True)  # a method's class body first
        for position, param in enumerate(params):
            if position < skip and param.kind in ("posonly", "normal"):
                continue
            default, ctx = defaults.get(param.name, (param.default, head))
            nodes += self._declared(default, ctx, param.annotation, typing)
        return self.decorators.guards(func) + nodes + self._view_dependencies(func)

    def _declared(
        self, default: Expr | None, default_ctx: Ctx, annotation: Expr | None, ctx: Ctx
    ) -> list[DepNode]:
        """What a parameter (or a class-based view's attribute) declares: a ``Depends(...)``
        default, else the markers of its ``Annotated`` annotation."""
        marker = self.marker(default, default_ctx)
        if marker is not None:
            return [self.from_marker(marker[0], annotation, marker[1])]
        found = self.markers_in_annotation(annotation, ctx)
        return [self.from_marker(marker, base, inner) for marker, base, inner in found]

    def _view_dependencies(self, func: FuncSym) -> list[DepNode]:
        """A class-based view's shared dependencies (fastapi-utils' ``@cbv(router)``): class
        attributes declared with ``Depends(...)`` (as their value or in ``Annotated``) run for
        every endpoint method of the class, one that takes ``self``."""
        params = func.info.params
        cls = func.ctx.class_of(func.info) if params and params[0].name == "self" else None
        if cls is None:
            return []
        body = func.ctx.enter_class(cls)  # the class attributes' values are read there
        return [
            node
            for assigns in cls.scope.assigns.values()
            for node in self._declared(assigns[-1].value, body, assigns[-1].annotation, body)
        ]

    def from_lists(
        self, declared: Iterable[tuple[Expr, Ctx]], where: Where | None = None
    ) -> list[DepNode]:
        """Dependencies of several ``dependencies=[...]`` arguments (an app's, a router's, an
        include's), in order; ``where`` is the call given them (file and line)."""
        return [node for expr, ctx in declared for node in self.from_list(expr, ctx, where)]

    def from_list(self, expr: Expr | None, ctx: Ctx, where: Where | None = None) -> list[DepNode]:
        """Dependencies from a ``dependencies=[Depends(a), Depends(b)]`` argument (``None``:
        none); the branches of ``[...] if cfg else None`` are alternatives placed at ``where``
        (or at the assignment of the name holding the list)."""
        if expr is None or expr in (Const(None), Name("None")):
            return []
        if isinstance(expr, Name):
            value = self.index.lookup(expr.dotted, ctx)
            if isinstance(value, VarSym) and value.assign.value is not None:
                at = (value.ctx.module.path, value.assign.line)
                return self.from_list(value.assign.value, value.ctx, at)
        if isinstance(expr, IfExp):
            return [self.alternatives.dependency_list(expr, ctx, where)]
        if isinstance(expr, BinOp) and expr.op == "Add":  # ``COMMON + [Depends(auth)]``
            return self.from_list(expr.left, ctx, where) + self.from_list(expr.right, ctx, where)
        if not isinstance(expr, Seq):
            return [DepNode(expr_text(expr), "unresolved")]
        return self._from_items(expr, ctx, where)

    def _from_items(self, expr: Seq, ctx: Ctx, where: Where | None) -> list[DepNode]:
        """The dependencies of a list or tuple display, starred pieces spliced in."""
        out: list[DepNode] = []
        for item in expr.items:
            if isinstance(item, Starred):  # ``[*COMMON, Depends(auth)]``: FastAPI iterates it
                out += self.from_list(item.value, ctx, where)
                continue
            marker = self.marker(item, ctx)
            if marker is not None:
                out.append(self.from_marker(marker[0], None, marker[1]))
            else:
                out.append(DepNode(expr_text(item), "unresolved"))
        return out

    def from_marker(self, marker: Call, annotation: Expr | None, ctx: Ctx) -> DepNode:
        """The node for one ``Depends(target)``; no target means the annotated class."""
        target = marker.arg(0, "dependency")
        if target is None or (isinstance(target, Name) and target.dotted == "None"):
            target = strip_annotated(annotation)
            if target is None:
                return DepNode("Depends()", "unresolved")
        node = self.target_node(target, ctx)
        if node.kind == "external" and self._database_session(node.label, annotation, ctx):
            return replace(node, kind="inert", reason="a database session")
        return node

    def _database_session(self, qualname: str, annotation: Expr | None, ctx: Ctx) -> bool:
        """The library dependency ``qualname``, declared with the type ``annotation``, gives a
        database session: its only word naming authentication is "session" (langflow's
        ``injectable_session_scope``) and the type is a database library's (``AsyncSession``)."""
        if auth_named(qualname, tuple(w for w in AUTH_WORDS if w != "session")):
            return False
        declared = strip_annotated(annotation)
        found = None if declared is None else self.index.resolve_expr(declared, ctx)
        return isinstance(found, External) and found.qualname.startswith(DATABASE_LIBRARIES)

    def target_node(self, target: Expr, ctx: Ctx) -> DepNode:
        """The node for the dependency callable ``target`` names in ``ctx``; a variable keeps
        its name and the other values it may be bound to (``Alternatives.rebound``)."""
        if isinstance(target, Name):  # name the variable a library value is bound to
            if target.dotted.partition(".")[0] in ("self", "cls"):  # ``Depends(self.auth)``
                return self.node_for(self.members.value(target, ctx), expr_text(target))
            symbol = self.index.lookup(target.dotted, ctx)
            if isinstance(symbol, VarSym):  # ``protected = require_user(required=True)``
                value = self.members.known(target, ctx)
                plain = "." not in target.dotted and bound_once(symbol, ctx)
                made = symbol.assign.value if plain else None
                built = self._built(made, symbol.ctx, value, symbol.qualname)
                node = built or self.node_for(value, symbol.qualname)
                return self.alternatives.rebound(node, symbol)
        value, text = self.members.known(target, ctx), expr_text(target)
        return self._built(target, ctx, value, text) or self.node_for(value, text)

    def _built(self, made: Expr | None, ctx: Ctx, value: Value, text: str) -> DepNode | None:
        """The node of ``value``, a function the factory call ``made`` (read in ``ctx``)
        returns, as the literal flags of that call build it (``require_key(enabled=False)``:
        one node per set of flags, ``builtflags.closure_built``); None when nothing is
        decided."""
        if not isinstance(made, Call) or not isinstance(value, FuncSym):
            return None
        built, flags = closure_built(self.index, made, ctx, value)
        return self.node_for(built, text, f"{value.qualname}:{flags!r}") if flags else None

    def node_for(self, value: Value, text: str, key: str = "") -> DepNode:
        """The node for a dependency callable (memoised, cycle-safe); ``key`` tells apart the
        values one callable has (a factory's function as each set of flags builds it)."""
        key = f"built:{key}" if key else _key(value, text)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return DepNode(text, "cycle")
        self._active.add(key)
        try:
            node = self._build(value, text)
        finally:
            self._active.discard(key)
        self._memo[key] = node
        return node

    def _build(self, value: Value, text: str) -> DepNode:
        if isinstance(value, FuncSym):
            return self._function(value)
        if isinstance(value, ClassSym):
            return self._class(value)
        if isinstance(value, Instance) and _is_partial(value):
            return self._partial(value, text)
        if isinstance(value, Instance):
            return self._instance(value, text)
        if isinstance(value, OneOf):
            return self.alternatives.one_of(value, text)
        if isinstance(value, External):
            kind = "external" if self._library_call(value) else "inert"
            return self._configured(DepNode(value.qualname, kind), value.qualname)
        reason = value.reason if isinstance(value, Unresolved) else type(value).__name__
        return self._configured(DepNode(text, "unresolved", reason=reason), text)

    def _class(self, cls: ClassSym) -> DepNode:
        """A class as a dependency: FastAPI calls it with what its ``__init__`` declares."""
        init = self.index.class_member(cls, "__init__")
        node = DepNode(cls.qualname, "class")
        if isinstance(init, FuncSym):
            node.children = self.param_dependencies(init)
        return self._configured(node, cls.qualname)

    def _function(self, func: FuncSym, label: str = "", bound: Bound | None = None) -> DepNode:
        node = DepNode(label or func.qualname, "function", is_async=func.info.is_async, func=func)
        head = func.head()  # a method's decorators are read in its class body
        wrapped = wraps_target(self.index, func.info, head)
        if wrapped is None:
            node.children = self.param_dependencies(func, bound)
        else:  # FastAPI reads the signature of the function it wraps, and calls it
            node.children = [self._wrapped_node(wrapped, head)]
        self._own_checks(node, func)
        self.websockets.mark(node, func)
        return self._configured(node, func.qualname)

    def endpoint_node(self, func: FuncSym, websocket: bool = False) -> DepNode:
        """The endpoint's own body as the last check FastAPI runs: a credential it reads and
        rejects without before anything else (``endpointauth``; for a ``websocket`` route, a
        websocket rejection, or a closing dependency's value tested first: ``wsauth``); its
        parameters' dependencies are not its children (they are the route's)."""
        node = DepNode("its own body", "function", is_async=func.info.is_async, func=func)
        node.checks = endpoint_check(self.credentials, func)
        if websocket and not node.checks:
            node.checks = self.websockets.endpoint_check(
                func, lambda p: self._declared(p.default, func.ctx, p.annotation, func.ctx)
            )
        return node

    def _wrapped_node(self, wrapped: Expr, ctx: Ctx) -> DepNode:
        """The node for the function a ``functools.wraps`` wrapper wraps. A decorator's
        parameter (``@wraps(func)``) is bound at every call of the decorator: each function
        it may be is an alternative (the wrapper is read once for all its uses)."""
        value = self.index.value(wrapped, ctx)
        if not isinstance(value, OneOf):
            return self.target_node(wrapped, ctx)
        return self.alternatives.one_of(value, expr_text(wrapped))

    def _partial(self, inst: Instance, text: str) -> DepNode:
        """``functools.partial(f, *args, **kwargs)``: FastAPI reads the signature left over, so
        the positionally bound parameters are gone and a keyword binds a new default."""
        label = inst.origin.qualname if inst.origin else text
        target = self.index.value(inst.call.arg(0, "func"), inst.ctx)
        args = inst.call.args[1:]
        if not isinstance(target, FuncSym) or any(isinstance(a, Unknown) for a in args):
            reason = "functools.partial of something other than a project function"
            return self._configured(DepNode(label, "unresolved", reason=reason), label)
        defaults = {name: (expr, inst.ctx) for name, expr in inst.call.kwargs}
        return self._function(target, label, (len(args), defaults))

    def _instance(self, inst: Instance, text: str) -> DepNode:
        label = inst.origin.qualname if inst.origin else text
        scheme = self.schemes.scheme_name(inst.cls)
        if scheme is not None:
            rejects = self.schemes.rejects_anonymous(inst)
            node = DepNode(label, "scheme", scheme=scheme, auto_error=rejects)
        elif self._library_call(inst.cls):
            reason = f"an instance of a library class ({inst.cls.qualname})"
            node = DepNode(label, "library", reason=reason)
        else:
            node = DepNode(label, "instance")
        if isinstance(inst.cls, ClassSym):
            call = self.index.class_member(inst.cls, "__call__")
            if isinstance(call, FuncSym):
                node.children = self.param_dependencies(call)
                call = as_built(self.index, call, inst)  # ``if self.required:`` decided
                self._own_checks(node, call)
                self.websockets.mark(node, call)
                node.is_async = call.info.is_async
        return self._configured(node, label)

    def _own_checks(self, node: DepNode, func: FuncSym) -> None:
        """What the body of ``func`` (a function, or a ``__call__``) does for authentication:
        raises 401/403 at all, checks a credential it reads, always rejects. A check the
        configuration may skip (``configauth``) makes two alternatives: as configured, and
        letting callers through, selected at the return that skips it."""
        node.enforces = self._raises_auth_error(func) or self.credentials.helper_rejects(func)
        if not node.enforces:  # a 401/403 it raises, if any, its own ``try`` swallows
            node.caught = min((line for line, _ in self.errors.auth_errors(func)), default=0)
            return
        func = live_returns(self.index, func)  # ``if not KEYS: return`` on keys always set
        early = self.credentials.lets_through(func)
        node.enforces = not early  # an early return lets anonymous callers through
        own = self.errors.rejection_lines(func)  # else a rejecting helper's call (chainlit)
        lines = own or self.credentials.check_lines(func)

        def helpers() -> list[int]:  # the rejecting helpers' calls, asked for when needed
            return [line for line in self.credentials.check_lines(func) if line not in own]

        bearers = bearers_of(self.credentials, func)
        met = anonymous(func.info.scope, lines, bearers)  # not a bad token's 401 alone
        skip = config_skip(self.index, func, met, early or not own, helpers, bearers)
        for _switch in range(_SWITCHES):
            if skip is None:
                break
            origin, func = skip  # the alternative selected at that return lets all in
            node.alternatives.append(replace(node, enforces=False, origin=origin, alternatives=[]))
            early = self.credentials.lets_through(func)
            node.enforces = not early
            skip = config_skip(self.index, func, met, early, helpers, bearers) if early else None
        if node.enforces:
            node.checks = self.credentials.dependency_check(func)
            node.rejects_all = self.errors.always_rejects(func)

    def _library_call(self, cls: ClassSym | External) -> bool:
        """Calling ``cls`` (a library function or class) or an instance of it runs a
        library's code the analysis cannot see, and that code may authenticate: a
        third-party one (not FastAPI's, Starlette's, the standard library's, ...), or a
        project subclass of one without a ``__call__`` of its own, named like
        authentication (``auth_named``) in its module or own name or in the project
        subclass's name. Any other (fastapi-limiter's ``RateLimiter(times=2, seconds=5)``,
        ``somelib.db.get_db``) is not authentication."""
        if isinstance(cls, External):
            return library_class(cls.qualname) and auth_named(cls.qualname)
        if isinstance(self.index.class_member(cls, "__call__"), FuncSym):
            return False
        bases = [b.qualname for b in self.index.external_bases(cls) if library_class(b.qualname)]
        return bool(bases) and any(map(auth_named, [cls.info.name, *bases]))

    def _raises_auth_error(self, func: FuncSym, depth: int = 0) -> bool:
        """``func`` (or a project helper it calls) raises an HTTP 401/403: an ``HTTPException``
        built in place, a module-level instance, one returned by a factory, or a subclass."""
        if self.errors.rejection_lines(func):
            return True
        if depth >= 1:
            return False
        inner = func.ctx.enter(func.info)
        for site in func.info.scope.calls:
            callee = site.call.func
            if isinstance(callee, Name) and not self.is_marker(site.call, inner):
                target = self.index.lookup(callee.dotted, inner)
                if not isinstance(target, FuncSym) or not self._raises_auth_error(target, 1):
                    continue
                if not self._caught_here(func, site.line, target):
                    return True
        return False

    def _caught_here(self, func: FuncSym, line: int, helper: FuncSym) -> bool:
        """A ``try`` of ``func`` around ``line`` swallows every 401/403 that ``helper``, called
        there, lets out."""
        errors = tuple(error for _at, error in self.errors.escaping_errors(helper))
        return bool(errors) and self.errors.catches.swallowed(func, line, OneOf(errors))

    def _configured(self, node: DepNode, qualname: str) -> DepNode:
        if not self.auth_names:
            return node
        dotted = qualname.replace(":", ".")
        short = qualname.rpartition(":")[2].rpartition(".")[2]
        if self.auth_names & {qualname, dotted, short}:
            node.kind = "configured" if node.kind != "scheme" else node.kind
            node.enforces = True
        return node


def wraps_target(index: ProjectIndex, func: FunctionInfo, ctx: Ctx) -> Expr | None:
    """``X`` when ``func`` (defined where ``ctx`` is) is decorated with
    ``@functools.wraps(X)``: it has ``X``'s ``__wrapped__``, so ``inspect.signature`` (and
    FastAPI) reads ``X``'s parameters, and a call of a decorated function runs it."""
    for decorator in func.decorators:
        if isinstance(decorator, Call):
            found = index.resolve_expr(decorator.func, ctx)
            if isinstance(found, External) and found.qualname == "functools.wraps":
                return decorator.arg(0, "wrapped")
    return None


def _is_partial(value: Instance) -> bool:
    return isinstance(value.cls, External) and value.cls.qualname == "functools.partial"


def _key(value: Value, text: str) -> str:
    if isinstance(value, (FuncSym, ClassSym)):
        return f"{type(value).__name__}:{value.qualname}"
    if isinstance(value, Instance) and value.origin is not None:
        return f"inst:{value.origin.qualname}"
    return f"other:{id(value)}:{text}"
