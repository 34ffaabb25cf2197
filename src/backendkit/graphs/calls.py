"""The call graph: project functions and methods, edges caller -> callee.

Nodes are named ``pkg.mod.Class.method`` (attributes ``path``, ``line``, ``kind``: function,
method, route or dependency; ``is_async``). Edges carry the ``line`` of the first call and a
``kind``: ``call`` for a call in the source, ``framework`` for a call FastAPI makes (a route's
dependencies at every level, sub-dependencies, a class dependency's ``__init__``, an instance
dependency's ``__call__``, ``background_tasks.add_task(f)``). Calls that cannot be resolved
are never guessed into edges; they are kept per function in ``CallGraph.unresolved``.

Resolved: direct, imported, aliased and re-exported names; ``self``/``cls`` methods; methods of
objects whose class is known from a constructor call, an annotation or the return annotation
of the function that made them (``make_repo().save()``); ``super().m()`` through the MRO;
names bound to ``functools.partial(f, ...)``; class instantiation (``__init__``); a call of an
instance of a project class (``checker()``, ``self.checker()``, ``Checker()()``: its class known
as a method's receiver's is, or from the value the evaluator finds) to its ``__call__``. A call
to a decorated function goes to the function itself and to each ``functools.wraps`` wrapper
that a project decorator (or decorator factory) returns around it. A decorator that returns
some other function without ``functools.wraps`` is still taken to call the function it
decorates.

The calls in a lambda handed to a thread offloader (``THREAD_OFFLOADERS``, ``run_in_executor``,
``add_task``, an executor's ``submit``, ``Thread(target=...)``) are not calls of the enclosing
function: a worker thread makes them, as it calls a function handed over by name. Calls in any
other lambda are the enclosing function's.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from backendkit.graphs.digraph import DiGraph
from backendkit.graphs.framework import FrameworkEdges
from backendkit.graphs.receivers import ReceiverTypes, _is_super
from backendkit.project.appmodel import AppModel
from backendkit.project.deps import DependencyResolver, wraps_target
from backendkit.project.index import ProjectIndex
from backendkit.project.scopewalk import signature_calls
from backendkit.project.symbols import (
    ClassSym,
    Ctx,
    External,
    FuncSym,
    Instance,
    ParamSym,
    Symbol,
    VarSym,
)
from backendkit.project.text import expr_text
from backendkit.summary.model import (
    Attr,
    Call,
    CallSite,
    Const,
    Expr,
    FString,
    FunctionInfo,
    Name,
)

if TYPE_CHECKING:
    import networkx as nx

_BUILTINS = frozenset(dir(builtins))
#: Library functions that run the callable given as their first argument in a worker thread
#: (an event loop's ``run_in_executor`` takes it second and is known by its name).
THREAD_OFFLOADERS = frozenset(
    {
        "fastapi.concurrency.run_in_threadpool",
        "starlette.concurrency.run_in_threadpool",
        "asyncio.to_thread",
        "anyio.to_thread.run_sync",
    }
)

#: Methods that run the callable they are given (by position or keyword) outside the event
#: loop: a sync background task runs in the thread pool after the response, an executor's
#: ``submit`` in a worker, a ``threading.Thread``'s ``target`` in its thread.
_HANDS_TO_THREADS: dict[str, tuple[int | str, ...]] = {
    "add_task": (0, "func"),
    "submit": (0, "fn"),
    "Thread": ("target",),
}


@dataclass
class CallGraph:
    """The graph, and per function the calls it could not resolve and the externals it calls
    (not those it awaits: ``await session.execute(...)`` is an async client's, whatever the
    annotation says, so it cannot block the event loop). ``build_call_graph`` gives a
    ``networkx.DiGraph``; the lazy graph BK301 searches is a ``digraph.DiGraph`` (the same
    operations, without importing networkx)."""

    graph: nx.DiGraph | DiGraph
    unresolved: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    external: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    #: per function, its source calls of project functions: (callee node, call site)
    sites: dict[str, list[tuple[str, CallSite]]] = field(default_factory=dict)
    defs: dict[str, list[_Def]] = field(default_factory=dict)  # every definition, by node

    def unresolved_count(self) -> int:
        """How many call sites could not be resolved."""
        return sum(len(v) for v in self.unresolved.values())

    def expand(self, node: str) -> None:
        """Make sure ``node``'s own calls are in the graph (they always are here; see
        ``LazyCallGraph``)."""


@dataclass
class LazyCallGraph(CallGraph):
    """The call graph for searches from a few entry points (BK301): every node, FastAPI's
    framework edges and background tasks are there from the start; a function's own calls
    (its ``call`` edges, externals and unresolved calls) are resolved when ``expand`` first
    asks for them. A project whose async routes reach a tenth of its functions resolves a tenth
    of its call sites."""

    pending: dict[str, list[_Def]] = field(default_factory=dict)
    builder: _Builder | None = None

    def expand(self, node: str) -> None:
        """Resolve the calls of every definition named ``node`` (once)."""
        defs = self.pending.pop(node, None)
        if defs and self.builder is not None:
            for item in defs:
                self.builder.calls_of(item)


@dataclass(frozen=True)
class _Def:
    """A function with its symbol and the class it is a method of."""

    sym: FuncSym
    owner: ClassSym | None


def node_name(func: FuncSym) -> str:
    """``pkg.mod.Class.method``: the call-graph node of a project function."""
    return f"{func.ctx.module.module}.{func.info.qualname}"


def source_call_line(data: dict) -> int | None:
    """The line of the call the caller of an edge (``data``: its attributes) makes itself, or
    None for an edge FastAPI alone makes (a dependency the caller does not call)."""
    return data["line"] if data["kind"] == "call" else data.get("call_line")


def build_call_graph(
    index: ProjectIndex,
    model: AppModel | None = None,
    resolver: DependencyResolver | None = None,
) -> CallGraph:
    """The call graph of the project; with the app model, also FastAPI's framework edges."""
    return _Builder(index).build(model, resolver)


def lazy_call_graph(
    index: ProjectIndex, model: AppModel | None, resolver: DependencyResolver | None
) -> CallGraph:
    """The call graph with framework edges, each function's own calls resolved on first use
    (``CallGraph.expand``): what a search from the routes needs, and no more. Without the app
    model (``model`` None), the same graph without FastAPI's edges from routes to
    dependencies, whose node kinds are all "function" or "method": a search along the
    source's calls finds the same there, before the project is linked."""
    return _Builder(index).build_lazy(model, resolver)


class _Builder(ReceiverTypes):
    def __init__(self, index: ProjectIndex) -> None:
        super().__init__(index)
        self._graph = DiGraph()
        self.result = CallGraph(self._graph)
        self._wrapper_cache: dict[int, list[FuncSym]] = {}

    @property
    def graph(self) -> DiGraph:
        """The graph being built."""
        return self._graph

    def build(self, model: AppModel | None, resolver: DependencyResolver | None) -> CallGraph:
        defs = list(self._definitions())
        for item in defs:
            name = self.add_node(item.sym, "method" if item.owner else "function")
            self.result.defs.setdefault(name, []).append(item)
        for item in defs:
            self.calls_of(item)
        if model is not None and resolver is not None:
            FrameworkEdges(self, model, resolver).add()
        self.result.graph = self._graph.to_networkx()
        return self.result

    def build_lazy(
        self, model: AppModel | None, resolver: DependencyResolver | None
    ) -> LazyCallGraph:
        """Nodes, background tasks and framework edges now; calls when expanded. A call edge
        and a framework edge between the same functions end as one framework edge whichever
        comes first (``add_edge``), so expanding later changes no edge a search follows."""
        lazy = LazyCallGraph(self.graph, builder=self)
        self.result = lazy
        for item in self._definitions():
            name = self.add_node(item.sym, "method" if item.owner else "function")
            lazy.pending.setdefault(name, []).append(item)
        lazy.defs = dict(lazy.pending)
        # the scopes calling something named add_task: only their functions may schedule
        scheduling = {id(where.scopes[-1]) for _, where in self.index.sites_named(("add_task",))}
        for defs in lazy.pending.values():
            for item in defs:
                if id(item.sym.info.scope) in scheduling:
                    self._tasks_of(item)
        if model is not None and resolver is not None:
            FrameworkEdges(self, model, resolver).add()
        return lazy

    # -- nodes --------------------------------------------------------------------------------
    def _definitions(self) -> Iterator[_Def]:
        for summary in self.index.modules.values():
            ctx = Ctx(summary, (summary.scope,))
            yield from self._in_scope(summary.scope.functions.values(), summary.scope, ctx)

    def _in_scope(self, funcs: Iterable[FunctionInfo], scope, ctx: Ctx) -> Iterator[_Def]:
        for func in funcs:
            yield _Def(FuncSym(func, ctx), None)
            inner = ctx.enter(func)
            yield from self._in_scope(func.scope.functions.values(), func.scope, inner)
            yield from self._classes(func.scope, inner)
        yield from self._classes(scope, ctx)

    def _classes(self, scope, ctx: Ctx) -> Iterator[_Def]:
        for cls in scope.classes.values():
            owner = ClassSym(cls, ctx)
            for method in cls.scope.functions.values():
                yield _Def(FuncSym(method, ctx), owner)
                inner = ctx.enter(method)
                yield from self._in_scope(method.scope.functions.values(), method.scope, inner)
            yield from self._classes(cls.scope, ctx)

    def add_node(self, func: FuncSym, kind: str) -> str:
        name = node_name(func)
        if name not in self.graph:
            self.graph.add_node(
                name,
                path=func.ctx.module.path,
                line=func.info.line,
                kind=kind,
                is_async=func.info.is_async,
            )
        return name

    def add_edge(self, source: str, target: str, line: int, kind: str) -> None:
        """An edge, keeping the first line; a framework edge never downgrades to a call. A
        framework edge that the source also makes itself (a route calling its own dependency)
        keeps the line of that call as ``call_line``: searches along the source's calls
        follow it (``source_call_line``)."""
        if not self.graph.has_edge(source, target):
            self.graph.add_edge(source, target, line=line, kind=kind)
            return
        data = self.graph.edges[source, target]
        if kind == "framework" and data["kind"] == "call":
            data["kind"] = kind
            data["call_line"] = data["line"]
        elif kind == "call" and data["kind"] == "framework":
            data.setdefault("call_line", line)

    # -- call sites ---------------------------------------------------------------------------
    def calls_of(self, item: _Def) -> None:
        """Add the calls ``item``'s body makes: edges, externals, unresolved, tasks."""
        caller = node_name(item.sym)
        body = item.sym.ctx.enter(item.sym.info)
        for site in self._own_sites(item, body):
            target = self.resolve_callee(site.call.func, body, item.owner)
            if isinstance(target, FuncSym):
                for callee in (target, *self._wrappers(target)):
                    name = self.add_node(callee, "function")
                    self.add_edge(caller, name, site.line, "call")
                    self.result.sites.setdefault(caller, []).append((name, site))
            elif isinstance(target, External) and not site.awaited and not _kernel_file(site):
                self.result.external.setdefault(caller, []).append((site.line, target.qualname))
            elif isinstance(target, str):
                self.result.unresolved.setdefault(caller, []).append((site.line, target))
            if _is_add_task(site.call):
                self._background(caller, site.call, body, item.owner, site.line)

    def _tasks_of(self, item: _Def) -> None:
        """Only the background tasks ``item`` schedules (``calls_of`` adds them too)."""
        info = item.sym.info
        if not any(_is_add_task(site.call) for site in info.scope.calls):
            return
        body = item.sym.ctx.enter(info)
        for site in self._own_sites(item, body):
            if _is_add_task(site.call):
                self._background(node_name(item.sym), site.call, body, item.owner, site.line)

    def _own_sites(self, item: _Def, body: Ctx) -> Iterator[CallSite]:
        """The call sites of ``item``'s body that it runs itself: not those in a lambda that
        it hands to a thread (``to_thread(lambda: f())``), which a worker thread runs."""
        for site in _body_sites(item.sym.info):
            if not site.lambdas or not any(
                self._offloads(call, key, body, item.owner) for call, key in site.lambdas
            ):
                yield site

    def _offloads(self, call: Call, key: int | str, body: Ctx, owner: ClassSym | None) -> bool:
        """Whether ``call`` runs its argument ``key`` (a position or keyword) in a worker
        thread: the ``func`` of ``run_in_threadpool``, ``asyncio.to_thread``, ... and of an
        event loop's ``run_in_executor(executor, func)``."""
        func = call.func
        name = _method_name(func)
        if name == "run_in_executor":
            return key in (1, "func")
        if name in _HANDS_TO_THREADS:  # ``background_tasks.add_task(lambda: ...)``
            return key in _HANDS_TO_THREADS[name]
        if key not in (0, "func"):
            return False
        target = self.resolve_callee(func, body, owner)
        return isinstance(target, External) and target.qualname in THREAD_OFFLOADERS

    # -- decorators ----------------------------------------------------------------------------
    def _wrappers(self, func: FuncSym) -> list[FuncSym]:
        """The ``functools.wraps`` wrappers that project decorators put around ``func``:
        calling ``func`` runs them too (memoised)."""
        key = id(func.info)
        found = self._wrapper_cache.get(key)
        if found is None:
            found = [w for d in func.info.decorators if (w := self._wrapper_of(d, func.ctx))]
            self._wrapper_cache[key] = found
        return found

    def _wrapper_of(self, decorator: Expr, ctx: Ctx) -> FuncSym | None:
        """``@logged`` -> the wrapper ``logged`` returns; ``@retry(3)`` -> the wrapper of the
        decorator ``retry`` returns."""
        func = decorator.func if isinstance(decorator, Call) else decorator
        target = self.index.resolve_expr(func, ctx)
        if not isinstance(target, FuncSym):
            return None
        if isinstance(decorator, Call):
            target = self._returned_inner(target, wraps=False)
        return self._returned_inner(target, wraps=True) if target else None

    def _returned_inner(self, func: FuncSym, *, wraps: bool) -> FuncSym | None:
        """The function defined in ``func`` that ``func`` returns (``return wrapper``); with
        ``wraps``, only one decorated with ``functools.wraps(...)``."""
        inner_ctx = func.ctx.enter(func.info)
        for expr in func.info.scope.returns:
            inner = func.info.scope.functions.get(expr.dotted) if isinstance(expr, Name) else None
            if inner is None:
                continue
            if not wraps or wraps_target(self.index, inner, inner_ctx) is not None:
                return FuncSym(inner, inner_ctx)
        return None

    def _background(self, caller: str, call: Call, body: Ctx, owner, line: int) -> None:
        task = call.arg(0, "func")
        if task is not None:
            target = self.resolve_callee(task, body, owner)
            if isinstance(target, FuncSym):
                name = self.add_node(target, "function")
                self.graph.nodes[name]["background"] = True  # run after the response
                self.add_edge(caller, name, line, "framework")

    def resolve_callee(
        self, expr: Expr, body: Ctx, owner: ClassSym | None
    ) -> FuncSym | External | str | None:
        """A project function, an external, ``None`` (a class without a project ``__init__``)
        or the text of an unresolved callee."""
        if isinstance(expr, Attr):
            return self._on_attr(expr, body, owner)
        if isinstance(expr, Call):  # ``Checker()()``: the instance's ``__call__``
            return self.call_method(self._class_of_value(expr, body)) or expr_text(expr)
        if not isinstance(expr, Name):
            return expr_text(expr)
        head, _, rest = expr.dotted.partition(".")
        if rest:
            return self._on_receiver(head, rest, expr.dotted, body, owner)
        if head in _BUILTINS and self._is_builtin(head, body):
            return External(f"builtins.{head}")
        return self._from_symbol(self.index.lookup(expr.dotted, body), expr.dotted)

    def _on_attr(self, expr: Attr, body: Ctx, owner: ClassSym | None) -> FuncSym | External | str:
        """``value.attr()`` where ``value`` is not a name: ``super()``, ``Repo()``,
        ``make_repo()``."""
        if owner is not None and _is_super(expr.value, owner):
            return self._super_method(owner, expr.attr) or expr_text(expr)
        cls = self._class_of_value(expr.value, body)
        if isinstance(cls, External):
            return External(f"{cls.qualname}.{expr.attr}")
        found = self._on_class(cls, [expr.attr]) if cls else None
        return found or self._library_attr(expr) or expr_text(expr)

    def _on_receiver(
        self, head: str, rest: str, dotted: str, body: Ctx, owner: ClassSym | None
    ) -> FuncSym | External | str | None:
        """``head.rest()``: a method of ``self``/``cls`` or of a typed local, else a lookup."""
        if head in ("self", "cls") and owner is not None:
            symbol: Symbol | None = None
            cls: ClassSym | External | None = owner
        else:
            symbol = self.index.lookup(head, body)
            cls = self.entered_class(head, body) or self._typed_symbol(head, symbol, body)
        if isinstance(cls, External):
            return External(f"{cls.qualname}.{rest}")
        if cls is not None:
            return self._on_class(cls, rest.split(".")) or dotted
        library = self._library_receiver(symbol, rest)
        if library is not None:
            return library
        for attr in rest.split("."):  # as ``index.lookup(dotted)``, without a second lookup
            symbol = self.index.member(symbol, attr, 1)
        return self._from_symbol(symbol, dotted)

    def _is_builtin(self, name: str, body: Ctx) -> bool:
        found = self.index.lookup(name, body)
        return not isinstance(found, (FuncSym, ClassSym, VarSym, ParamSym))

    def _from_symbol(self, symbol: Symbol, text: str) -> FuncSym | External | str | None:
        if isinstance(symbol, VarSym):
            symbol = self._bound_callable(symbol)
        if isinstance(symbol, (FuncSym, External)):
            return symbol
        if isinstance(symbol, ClassSym):
            init = self.index.class_member(symbol, "__init__")
            return init if isinstance(init, FuncSym) else None
        if isinstance(symbol, (VarSym, ParamSym)):
            return self._instance_call(symbol) or text
        return text

    def _bound_callable(self, symbol: VarSym) -> Symbol:
        """What calling the variable ``symbol`` calls when it names a callable: ``f`` of
        ``name = f`` and of ``name = functools.partial(f, ...)``; else ``symbol`` itself."""
        value = symbol.assign.value
        if isinstance(value, Name):
            return self.index.resolve_expr(value, symbol.ctx)
        if isinstance(value, Call):
            return self._partial_target(value, symbol.ctx) or symbol
        return symbol

    def _instance_call(self, symbol: VarSym | ParamSym) -> FuncSym | None:
        """``checker()`` for a variable or parameter holding an instance of a project class
        (by its annotation, its value or, for a variable, what the evaluator finds it holds):
        the class's ``__call__``."""
        cls = self._typed_symbol(symbol.name, symbol, symbol.ctx)
        if cls is None and isinstance(symbol, VarSym):
            value = self.index.follow(symbol)
            cls = value.cls if isinstance(value, Instance) else None
        return self.call_method(cls)

    def _partial_target(self, call: Call, ctx: Ctx) -> Symbol | None:
        """``f`` of ``name = functools.partial(f, ...)``: calling ``name`` calls ``f``."""
        func = self.index.resolve_expr(call.func, ctx)
        if not (isinstance(func, External) and func.qualname == "functools.partial"):
            return None
        target = call.arg(0, "func")
        found = self.index.resolve_expr(target, ctx) if target is not None else None
        return found if isinstance(found, (FuncSym, ClassSym, External)) else None

    def _super_method(self, owner: ClassSym, attr: str) -> FuncSym | External | None:
        """``super().attr``: the first definition after ``owner`` in its MRO, else the
        external base class's method."""
        for klass in self.index.mro(owner)[1:]:
            if attr in klass.info.scope.functions:
                return FuncSym(klass.info.scope.functions[attr], klass.ctx)
        bases = self.index.external_bases(owner)
        return External(f"{bases[0].qualname}.{attr}") if bases else None


def _body_sites(info: FunctionInfo) -> Iterator[CallSite]:
    """The call sites of ``info``'s body that run when it is called: not those of its
    decorators, parameter defaults and annotations, which run where it is defined."""
    signature: list[Call] | None = None
    for site in info.scope.calls:
        if site.line in info.decorator_lines:
            continue
        if signature is None:
            signature = list(signature_calls(info))
        if site.call not in signature:
            yield site


def _kernel_file(site: CallSite) -> bool:
    """``open(f"/proc/{pid}/stat")``: a kernel pseudo-file under /proc or /sys, read from
    memory (no disk behind it), is no blocking I/O."""
    first = site.call.args[0] if site.call.args else None
    text = first.parts[0] if isinstance(first, FString) and first.parts else first
    return _method_name(site.call.func) == "open" and (
        isinstance(text, Const) and str(text.value).startswith(("/proc/", "/sys/"))
    )


def _is_add_task(call: Call) -> bool:
    return isinstance(call.func, Name) and call.func.dotted.endswith(".add_task")


def _method_name(func: Expr) -> str:
    """The last name of a callee: ``m`` of ``a.b.m`` and of ``f().m``."""
    if isinstance(func, Name):
        return func.dotted.rpartition(".")[2]
    return func.attr if isinstance(func, Attr) else ""
