"""Expands the app model into the route inventory: one ``Route`` per endpoint per app."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

from backendkit.project.appmodel import AppModel, AppObject, Include, Mount, RouteDecl
from backendkit.project.conventions import conventional_segment
from backendkit.project.deps import (
    AuthStatus,
    DependencyResolver,
    DepNode,
    auth_status,
    status_code_of,
)
from backendkit.project.middleware import MiddlewareAuth
from backendkit.project.pathtext import PathPart, join_path
from backendkit.project.routeclass import RouteClassAuth
from backendkit.project.routesources import RouteSources
from backendkit.project.switches import route_chain
from backendkit.project.symbols import ClassSym, External
from backendkit.project.text import expr_text
from backendkit.project.walk import IncludeWalk
from backendkit.result import Route
from backendkit.summary.model import ModuleSummary

#: stands for the parameters of an endpoint the analysis could not resolve (a lambda, say)
_UNRESOLVED_ENDPOINT = DepNode(
    "(endpoint not resolved)", "unresolved", reason="endpoint function could not be resolved"
)


@dataclass(frozen=True)
class PublicPolicy:
    """Which routes are public by convention, by configuration, or by a mark in the code."""

    paths: tuple[str, ...] = ()
    handlers: tuple[str, ...] = ()
    conventions: bool = True

    def reason(self, route: RouteDecl, path: str, summary: ModuleSummary | None) -> str:
        """Why the route is public, briefly (``conventional: health``), or an empty string."""
        if summary is not None and _marked_public(route, summary):
            return "marked '# backendkit: public'"
        segment = conventional_segment(path, route.methods) if self.conventions else ""
        if segment:
            return f"conventional: {segment}"
        for pattern in self.paths:
            if fnmatchcase(path, pattern):
                return f"public-paths: '{pattern}'"
        short = route.handler_name.rpartition(":")[2].rpartition(".")[2]
        for pattern in self.handlers:
            if fnmatchcase(short, pattern):
                return f"public-handlers: '{pattern}'"
        return ""


def _marked_public(route: RouteDecl, summary: ModuleSummary) -> bool:
    first = min(route.line, route.def_line) - 1
    lines = range(first, max(route.line, route.def_line) + 1)
    return any(d.kind == "public" and d.line in lines for d in summary.directives)


@dataclass(frozen=True)
class _At:
    """Where the route walk stands: the path so far, the dependencies FastAPI adds to every
    route below, and whether an include on the way was conditional."""

    prefix: list[PathPart]
    deps: list[DepNode]
    guarded: bool = False
    #: for the routes of a router no app includes: the call it was handed to, if any
    handed: str = ""
    #: for a route object given whole, when its object's own dependencies do not apply
    unapplied: str = ""
    #: the files of the objects and includes on the way (``Route.sources``)
    files: tuple[str, ...] = ()


class RouteBuilder(IncludeWalk[_At]):
    """Walks apps, includes and mounts, merging prefixes and dependencies as FastAPI does."""

    def __init__(self, model: AppModel, resolver: DependencyResolver, policy: PublicPolicy):
        super().__init__(_At([], []))
        self.model = model
        self.resolver = resolver
        self.policy = policy
        self.middleware = MiddlewareAuth(model, resolver)
        self.route_classes = RouteClassAuth(model.index, self.middleware)
        self.routes: list[Route] = []
        self.app = ""  # the root app being walked ("" for a router no app includes)
        self.sources = RouteSources(model)

    def build(self) -> list[Route]:
        """Every route of every root app, then of routers that no app includes."""
        for root in self.model.roots():
            self.app = root.display if root.kind == "app" else ""
            self.walk_from(root)
        self.routes.sort(key=lambda r: (r.app == "", r.app, r.path, r.methods, r.handler))
        return _with_alternatives(self.routes)

    def enter(self, obj: AppObject, above: _At) -> _At:
        """The object's prefix and dependencies join the path; its routes are added (a route
        object given whole gets only what reached the object)."""
        here = _At(
            [*above.prefix, (obj.prefix, obj.prefix_expr)],
            above.deps + self.resolver.from_lists(obj.deps, (obj.file, obj.line)),
            above.guarded,
            above.handed or (obj.handed[0] if obj.handed and not self.app else ""),
            files=(*above.files, obj.file),
        )
        whole = replace(above, handed=here.handed, unapplied=_unapplied(obj))
        wrapper = self.route_classes.guard(obj)
        for decl in obj.routes:
            own = "" if decl.whole or decl.starlette else wrapper  # the router's route class
            self._add(decl, whole if decl.whole else here, own)
        return here

    def include(self, inc: Include, here: _At) -> _At:
        """``include_router(prefix=..., dependencies=...)`` extends both."""
        return _At(
            [*here.prefix, (inc.prefix, inc.prefix_expr)],
            here.deps + self.resolver.from_lists(inc.deps, (inc.file, inc.line)),
            here.guarded or inc.guarded,
            here.handed,
            files=(*here.files, inc.file),
        )

    def leave(self, obj: AppObject, above: _At, here: _At) -> None:
        """Routers included from a library call or computed at run time: one entry each."""
        for opaque in obj.opaque:
            where = [*here.prefix, (opaque.path, opaque.path_expr)]
            self._add_mount(opaque.target, where, opaque.file, opaque.line, "include", opaque.note)

    def mount(self, mount: Mount, above: _At) -> _At:
        """A mounted FastAPI app keeps the path to the mount point, not the dependencies."""
        return _At([*above.prefix, (mount.path, mount.path_expr)], [], mount.guarded)

    def foreign_mount(self, obj: AppObject, mount: Mount, above: _At) -> None:
        """A mounted ASGI app the analysis cannot see into: one entry."""
        where = [*above.prefix, (mount.path, mount.path_expr)]
        self._add_mount(mount.target, where, mount.file, mount.line)

    def _add(self, decl: RouteDecl, at: _At, wrapper: str = "") -> None:
        """Record the route ``decl`` declares, reached with ``at``; ``wrapper`` is the link of
        a route class that authenticates it (``routeclass.py``)."""
        app = self.app
        path, resolved = join_path([*at.prefix, (decl.path, decl.path_expr)])
        nodes = self._dependencies(decl, at)
        status, considered = self._auth(decl, nodes, wrapper)
        status = self.middleware.behind(status, app, decl)
        auth = status.status
        if at.handed and auth == "none":
            auth = "unknown"  # what the call it was handed to adds is not known
        summary = self.model.index.modules.get(decl.ctx.module.module)
        reason = self.policy.reason(decl, path, summary)
        if auth == "required" and reason.startswith("conventional"):
            reason = ""  # an authenticated logout is not public, whatever its path says
        notes = _notes(decl, at, resolved, bool(app)) + caught_notes(nodes)
        self._record(
            status,
            Route(
                methods=decl.methods,
                path=path,
                kind=decl.kind,
                app=app,
                handler=decl.handler_name,
                file=decl.file,
                line=decl.line,
                def_line=decl.def_line,
                auth=auth,
                auth_chain=route_chain(decl.handler_name, status),
                public=bool(reason),
                public_reason=reason,
                path_resolved=resolved,
                status_code=self._status(decl),
                response_model=self._response_model(decl),
                response_class=self._response_class(decl),
                dependencies=tuple(n.label for n in nodes),
                is_async=bool(decl.handler and decl.handler.info.is_async),
                notes=tuple(notes),
                sources=self.sources.of(decl.file, at.files, considered),
            ),
        )

    def _dependencies(self, decl: RouteDecl, at: _At) -> list[DepNode]:
        """What FastAPI resolves for the route: the dependencies that reached it, its own and
        its endpoint's parameters' (none for a Starlette route)."""
        if decl.starlette:
            return []
        nodes = at.deps + self.resolver.from_lists(decl.deps, (decl.file, decl.line))
        if decl.handler is not None:
            nodes += self.resolver.param_dependencies(decl.handler)
        return nodes

    def _auth(
        self, decl: RouteDecl, nodes: list[DepNode], wrapper: str
    ) -> tuple[AuthStatus, list[DepNode]]:
        """The route's status from its dependency ``nodes``, the endpoint's own checks and
        the route class that wraps it (``wrapper``: its link when it authenticates), and the
        nodes it was read from."""
        websocket = decl.kind == "websocket"  # its websocket rejections count (``wsauth``)
        if decl.handler is None:  # the endpoint's own parameters may hold the authentication
            status = auth_status([*nodes, _UNRESOLVED_ENDPOINT], websocket)
        else:
            status = auth_status(nodes, websocket)
            if status.status != "required":  # the endpoint may check a credential itself
                nodes = [*nodes, self.resolver.endpoint_node(decl.handler, websocket)]
                status = auth_status(nodes, websocket)
        if wrapper and not websocket and status.status != "required":
            return AuthStatus("required", (wrapper,)), nodes
        return status, nodes

    def _record(self, status: AuthStatus, route: Route) -> None:
        """Add ``route``; the switch that gives it its status is kept for BK101."""
        self.routes.append(route)
        if status.switch is not None:
            self.resolver.switched.record(route, status.switch)

    def _add_mount(
        self,
        target: str,
        prefix: list[PathPart],
        file: str,
        line: int,
        kind: str = "mount",
        note: str = "",
    ) -> None:
        path, resolved = join_path(prefix)
        note = note or (
            "router from a library call or computed at run time: its routes are not analysed"
            if kind == "include"
            else "mounted ASGI app: its own routes are not analysed"
        )
        self.routes.append(
            Route(
                methods=("*",),
                path=path,
                kind=kind,
                app=self.app,
                handler=target,
                file=file,
                line=line,
                def_line=line,
                path_resolved=resolved,
                notes=(note,),
            )
        )

    def _status(self, decl: RouteDecl) -> int | None:
        expr = decl.call.kwarg("status_code")
        if expr is None:
            return None
        return status_code_of(self.model.index.value(expr, decl.ctx))

    def _response_class(self, decl: RouteDecl) -> str | None:
        """The qualified name of the class ``response_class=`` names (a library's or the
        project's), if it names one."""
        expr = decl.call.kwarg("response_class")
        value = None if expr is None else self.model.index.value(expr, decl.ctx)
        return value.qualname if isinstance(value, (External, ClassSym)) else None

    @staticmethod
    def _response_model(decl: RouteDecl) -> str | None:
        expr = decl.call.kwarg("response_model")
        if expr is not None:
            return expr_text(expr)
        if decl.handler is not None and decl.handler.info.returns is not None:
            return expr_text(decl.handler.info.returns)
        return None


def _with_alternatives(routes: list[Route]) -> list[Route]:
    """Note on each endpoint served at several paths (a router included or mounted twice,
    or in both branches of an ``if``) the other paths, in the inventory's order."""
    paths: dict[tuple[object, ...], list[str]] = {}
    for route in routes:
        paths.setdefault(_endpoint(route), []).append(route.path)
    out = []
    for route in routes:
        others = [p for p in paths[_endpoint(route)] if p != route.path]
        if others and route.kind in ("http", "websocket"):
            note = "same endpoint also at " + ", ".join(dict.fromkeys(others))
            route = replace(route, notes=(*route.notes, note))
        out.append(route)
    return out


def _endpoint(route: Route) -> tuple[object, ...]:
    """What makes routes one endpoint: one registration of one handler for one app."""
    return (route.app, *route.endpoint_key())


#: the words of a note on a dependency that catches its own 401/403 (``caught_notes``)
CAUGHT = "catches the 401/403 it raises on line"


def caught_notes(nodes: list[DepNode]) -> list[str]:
    """A note for each dependency in the trees of ``nodes`` that raises a 401/403 only to
    catch it itself (``DepNode.caught``)."""
    notes: list[str] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if node.caught:
            name = node.label.rpartition(":")[2] or node.label
            notes.append(f"{name} {CAUGHT} {node.caught} itself")
        stack += reversed([*node.children, *node.alternatives])
    return list(dict.fromkeys(notes))


def _notes(decl: RouteDecl, at: _At, resolved: bool, in_app: bool) -> list[str]:
    """What a route's record should say about how it was found."""
    notes: list[str] = []
    if not resolved:
        notes.append("part of the path is computed at run time")
    if at.handed:
        notes.append(at.handed)
    elif not in_app:
        notes.append("router is not included in any app the analysis could see")
    if decl.handler is None:
        notes.append("endpoint function could not be resolved")
    if at.guarded:
        notes.append("included under a condition; reported as if the condition holds")
    if decl.whole and at.unapplied:
        notes.append(at.unapplied)
    if decl.starlette and at.deps:
        notes.append(STARLETTE_NOTE)
    return notes


STARLETTE_NOTE = (
    "a Starlette route (add_route, route, websocket_route): the dependencies= of its router, "
    "includes and app do not apply to it"
)


def _unapplied(obj: AppObject) -> str:
    """Why ``obj``'s own ``dependencies=`` are not a route object's it holds ("": none)."""
    if not obj.deps:
        return ""
    return (
        f"a route object given whole: the dependencies= of {obj.display} do not apply to it "
        "(FastAPI adds them only to the routes it builds)"
    )
