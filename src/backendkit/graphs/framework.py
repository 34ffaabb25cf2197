"""FastAPI's framework edges of the call graph: route -> dependency -> sub-dependency."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backendkit.project.appmodel import AppModel, AppObject, Include
from backendkit.project.deps import DependencyResolver, DepNode
from backendkit.project.middleware import middleware_classes
from backendkit.project.symbols import ClassSym, Ctx, FuncSym, Instance, VarSym
from backendkit.project.walk import IncludeWalk
from backendkit.summary.model import Call, DictExpr, Expr, Seq

if TYPE_CHECKING:
    from backendkit.graphs.calls import _Builder


class FrameworkEdges(IncludeWalk[list[DepNode]]):
    """Edges FastAPI adds at run time: route -> dependency -> sub-dependency."""

    def __init__(self, builder: _Builder, model: AppModel, resolver: DependencyResolver) -> None:
        super().__init__([])
        self.builder = builder
        self.model = model
        self.resolver = resolver
        self.done: set[int] = set()

    def add(self) -> None:
        """Edges from every route handler to the dependencies FastAPI resolves for it: those
        of its apps and routers, of every ``include_router(..., dependencies=...)`` on the way
        (walked from the root apps as the route inventory is), its decorator's and its
        parameters'."""
        self.walk(self.model)
        for obj in self.model.iter_objects():
            if obj.kind == "app":
                AppHooks(self.builder, obj).add()

    def enter(self, obj: AppObject, above: list[DepNode]) -> list[DepNode]:
        """Each route of ``obj`` gets what reached it, its object's (not for a route object
        given whole: ``RouteDecl.whole``), its decorator's and its parameters' dependencies."""
        own = above + self.resolver.from_lists(obj.deps)
        for decl in obj.routes:
            if decl.handler is not None:
                nodes = (above if decl.whole else own) + self.resolver.from_lists(decl.deps)
                nodes += self.resolver.param_dependencies(decl.handler)
                self._route(decl.handler, nodes, decl.line)
        return own

    def include(self, inc: Include, here: list[DepNode]) -> list[DepNode]:
        """``include_router(..., dependencies=...)`` adds to every route below."""
        return here + self.resolver.from_lists(inc.deps)

    def _route(self, handler: FuncSym, nodes: list[DepNode], line: int) -> None:
        name = self.builder.add_node(handler, "route")
        self.builder.graph.nodes[name]["kind"] = "route"
        self._children(name, nodes, line)

    def _children(self, parent: str, nodes: list[DepNode], line: int) -> None:
        for node in nodes:
            target = self._target(node)
            if target is None:
                continue
            name = self.builder.add_node(target, "dependency")
            data = self.builder.graph.nodes[name]
            if data["kind"] != "route":
                data["kind"] = "dependency"
            self.builder.add_edge(parent, name, line, "framework")
            if id(node) not in self.done:
                self.done.add(id(node))
                self._children(name, node.children, target.info.line)

    def _target(self, node: DepNode) -> FuncSym | None:
        """The function FastAPI calls for a dependency: the function itself, a class's
        ``__init__``, or the ``__call__`` of a project class instance."""
        if node.func is not None:
            return node.func
        method = {"class": "__init__", "instance": "__call__"}.get(node.kind)
        if method is None:
            return None
        index = self.builder.index
        module, _, qual = node.label.partition(":")
        summary = index.modules.get(module)
        found = index.lookup(qual, Ctx(summary, (summary.scope,))) if summary else None
        if isinstance(found, VarSym):
            value = index.follow(found)
            found = value.cls if isinstance(value, Instance) else None
        if not isinstance(found, ClassSym):
            return None
        member = index.class_member(found, method)
        return member if isinstance(member, FuncSym) else None


class AppHooks:
    """Edges from an app to what FastAPI calls outside its routes: the lifespan, exception
    handlers (decorator, ``add_exception_handler``, ``exception_handlers={...}``) and
    middleware (``@app.middleware("http")``, ``add_middleware(Cls)``, ``middleware=[...]``:
    the class's ``dispatch``, ``__call__`` and ``__init__``). Edge attribute ``hook`` says which;
    a middleware's functions get the node attribute ``middleware``."""

    def __init__(self, builder: _Builder, obj: AppObject) -> None:
        self.builder, self.obj = builder, obj
        self.index = builder.index
        self.name = obj.display.replace(":", ".")

    def add(self) -> None:
        """Add the app node and its hook edges (no node when the app has no hooks)."""
        call, ctx = self.obj.instance.call, self.obj.instance.ctx
        self._link("lifespan", call.kwarg("lifespan"), ctx, self.obj.line)
        handlers = call.kwarg("exception_handlers")
        for _, value in handlers.items if isinstance(handlers, DictExpr) else ():
            self._link("exception handler", value, ctx, self.obj.line)
        for kind, expr, where, line in self.obj.hooks:
            self._link(kind, expr, where, line)
        for expr, where, line in middleware_classes(self.obj):
            self._link("middleware", expr, where, line)
        for expr, where, line in _dispatch_functions(self.obj):
            self._link("middleware", expr, where, line)

    def _link(self, hook: str, expr: Expr | None, ctx: Ctx, line: int) -> None:
        if expr is None:
            return
        found = self.index.resolve_expr(expr, ctx)
        targets: list[FuncSym] = [found] if isinstance(found, FuncSym) else []
        if isinstance(found, ClassSym):
            methods = (self.index.class_member(found, m) for m in _MIDDLEWARE_METHODS)
            targets = [m for m in methods if isinstance(m, FuncSym)]
        for target in targets:
            if self.name not in self.builder.graph:
                self.builder.graph.add_node(
                    self.name, path=self.obj.file, line=self.obj.line, kind="app", is_async=False
                )
            callee = self.builder.add_node(target, "function")
            if hook == "middleware":  # on the event loop for every request, when async
                self.builder.graph.nodes[callee]["middleware"] = True
            self.builder.add_edge(self.name, callee, line, "framework")
            self.builder.graph.edges[self.name, callee].setdefault("hook", hook)


_MIDDLEWARE_METHODS = ("__init__", "dispatch", "__call__")


def _dispatch_functions(obj: AppObject) -> list[tuple[Expr, Ctx, int]]:
    """The functions handed to ``BaseHTTPMiddleware`` as ``dispatch=``: in
    ``app.add_middleware(BaseHTTPMiddleware, dispatch=f)`` and
    ``FastAPI(middleware=[Middleware(BaseHTTPMiddleware, dispatch=f)])``."""
    found = [(site.call.kwarg("dispatch"), ctx, site.line) for site, ctx in obj.middleware]
    stack = obj.instance.call.kwarg("middleware")
    for item in stack.items if isinstance(stack, Seq) else ():
        if isinstance(item, Call):
            found.append((item.kwarg("dispatch"), obj.instance.ctx, obj.line))
    return [(expr, ctx, line) for expr, ctx, line in found if expr is not None]
