"""Queries several rules share: calls that resolve to a library function, project classes
that derive from library classes, and every function of the project."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import (
    ClassSym,
    Ctx,
    External,
    FuncSym,
    Instance,
    ParamSym,
    VarSym,
)

if TYPE_CHECKING:
    from backendkit.project.deps import DependencyResolver, DepNode
    from backendkit.result import Route
    from backendkit.rules.base import ProjectContext

from backendkit.summary.model import (
    BinOp,
    Call,
    CallSite,
    Expr,
    FunctionInfo,
    ModuleSummary,
    Name,
    Scope,
    Subscript,
)

PYDANTIC_MODELS = ("BaseModel", "SQLModel", "BaseSettings")


def external_calls(
    index: ProjectIndex, last_names: set[str], accept: Callable[[External], bool]
) -> Iterator[tuple[CallSite, Ctx, External]]:
    """Call sites whose callee is a library function named one of ``last_names`` (checked
    cheaply first) and accepted by ``accept`` once resolved through imports."""
    for site, ctx in index.sites_named(last_names):
        if not index.wanted(ctx.module.path):
            continue
        callee = index.lookup(site.call.func.dotted, ctx)  # type: ignore[union-attr]
        if isinstance(callee, External) and accept(callee):
            yield site, ctx, callee


def derives_from(index: ProjectIndex, cls: ClassSym, package: str, names: tuple[str, ...]) -> bool:
    """True when ``cls`` has a base from ``package`` whose last name is in ``names``."""
    return any(base.is_from(package) and base.last in names for base in index.external_bases(cls))


def is_pydantic_model(index: ProjectIndex, cls: ClassSym) -> bool:
    """A project class deriving from pydantic's BaseModel, SQLModel or BaseSettings."""
    bases = index.external_bases(cls)
    return any(
        b.is_from("pydantic", "sqlmodel", "pydantic_settings") and b.last in PYDANTIC_MODELS
        for b in bases
    ) and not any(b.is_from("pydantic.v1") for b in bases)


def iter_functions(index: ProjectIndex) -> Iterator[tuple[FunctionInfo, Ctx]]:
    """Every function and method of the project with the context it is defined in (of the
    files in the index's ``focus``)."""
    if index.focus is None:
        return iter(index.functions())
    return (item for item in index.functions() if index.wanted(item[1].module.path))


def call_sites(index: ProjectIndex) -> Iterator[tuple[CallSite, Ctx]]:
    """Every call site of the project with the context to evaluate it in (of the files in
    the index's ``focus``)."""
    if index.focus is None:
        return iter(index.call_sites())
    return (item for item in index.call_sites() if index.wanted(item[1].module.path))


def focused_modules(index: ProjectIndex) -> Iterator[ModuleSummary]:
    """The project's module summaries (of the files in the index's ``focus``)."""
    return (summary for summary in index.modules.values() if index.wanted(summary.path))


def iter_classes(index: ProjectIndex) -> Iterator[ClassSym]:
    """Every class of the project, nested ones included (of the files in the index's
    ``focus``)."""
    for summary in focused_modules(index):
        ctx = Ctx(summary, (summary.scope,))
        stack = list(summary.scope.classes.values())
        while stack:
            info = stack.pop()
            yield ClassSym(info, ctx)
            stack.extend(info.scope.classes.values())


def class_of(index: ProjectIndex, expr: Expr, ctx: Ctx) -> ClassSym | None:
    """The project class of the object ``expr`` names or builds, when a parameter annotation
    or a constructor call (``item = Item(...)``, or ``Item(...)`` itself) makes it known."""
    if isinstance(expr, Call):
        return _instance_class(index.value(expr, ctx))
    if not isinstance(expr, Name):
        return None
    symbol = index.lookup(expr.dotted, ctx)
    if isinstance(symbol, ParamSym):
        annotation = unwrap_annotation(symbol.func.params[symbol.index].annotation)
        if annotation is None:
            return None
        # read outside the body (a method's annotation: in its class body first)
        found = index.resolve_expr(annotation, symbol.head(annotation=True))
        return found if isinstance(found, ClassSym) else None
    if isinstance(symbol, VarSym):
        return _instance_class(index.follow(symbol))
    return None


def _instance_class(value: object) -> ClassSym | None:
    """The project class of an instance value."""
    if isinstance(value, Instance) and isinstance(value.cls, ClassSym):
        return value.cls
    return None


def unwrap_annotation(annotation: Expr | None) -> Expr | None:
    """``Annotated[T, ...]`` and ``Optional[T]`` give ``T``; ``T | None`` gives ``T``."""
    if (
        isinstance(annotation, Subscript)
        and isinstance(annotation.value, Name)
        and annotation.value.dotted.rpartition(".")[2] in ("Annotated", "Optional")
    ):
        return unwrap_annotation(annotation.items[0]) if annotation.items else None
    if isinstance(annotation, BinOp) and annotation.op == "BitOr":
        return unwrap_annotation(annotation.left)
    return annotation


def model_fields(index: ProjectIndex, cls: ClassSym) -> dict[str, int]:
    """Field name -> line of a model (its annotated class-level names), through the project
    base classes."""
    found: dict[str, int] = {}
    for klass in reversed(index.mro(cls)):
        for name, assigns in klass.info.scope.assigns.items():
            if assigns[-1].annotation is not None:
                found[name] = assigns[-1].line
    return found


def find_function(index: ProjectIndex, qualname: str) -> FuncSym | None:
    """The function named ``pkg.mod:outer.inner`` (as routes name their handlers)."""
    found = _defining_scope(index, qualname)
    if found is None:
        return None
    ctx, scope, name = found
    func = scope.functions.get(name)
    return FuncSym(func, ctx) if func is not None else None


def find_class(index: ProjectIndex, qualname: str) -> ClassSym | None:
    """The class named ``pkg.mod:Outer.Inner`` (as dependency trees name class nodes)."""
    found = _defining_scope(index, qualname)
    if found is None:
        return None
    ctx, scope, name = found
    cls = scope.classes.get(name)
    return ClassSym(cls, ctx) if cls is not None else None


def _defining_scope(index: ProjectIndex, qualname: str) -> tuple[Ctx, Scope, str] | None:
    """The context and scope that define the last name of ``pkg.mod:outer.inner``, and that
    name."""
    module, _, path = qualname.partition(":")
    summary = index.modules.get(module)
    if summary is None or not path:
        return None
    ctx = Ctx(summary, (summary.scope,))
    scope = summary.scope
    parts = path.split(".")
    for part in parts[:-1]:
        inner = scope.functions.get(part)
        if inner is not None:
            ctx, scope = ctx.enter(inner), inner.scope
            continue
        cls = scope.classes.get(part)
        if cls is None:
            return None
        scope = cls.scope
    return ctx, scope, parts[-1]


def http_routes(ctx: ProjectContext, *, per_path: bool = False) -> Iterator[Route]:
    """HTTP routes, each declaration once (a router included twice is checked once), or once
    per full path with ``per_path``."""
    seen: set[tuple[str, int, str]] = set()
    for route in ctx.routes:
        key = (route.file, route.line, route.path if per_path else "")
        if route.kind == "http" and key not in seen:
            seen.add(key)
            yield route


def per_endpoint(routes: Iterable[Route]) -> Iterator[tuple[Route, tuple[str, ...]]]:
    """The first of the routes of each endpoint (one handler registered once, served at
    several paths when its router is included or mounted twice, or in either branch of an
    ``if``), with the other paths it is served at: a route rule reports an endpoint once per
    problem. ``routes`` keep their (deterministic) order."""
    groups: dict[tuple[object, ...], list[Route]] = {}
    for route in routes:
        groups.setdefault(route.endpoint_key(), []).append(route)
    for first, *rest in groups.values():
        yield first, tuple(dict.fromkeys(r.path for r in rest if r.path != first.path))


def also_at(paths: tuple[str, ...]) -> str:
    """`` (also at /v2/items)`` for the other paths of an endpoint, or ""."""
    return f" (also at {', '.join(paths)})" if paths else ""


def dependency_functions(
    resolver: DependencyResolver,
    handler: FuncSym,
    seen: set[str] | None = None,
    extra: Iterable[DepNode] = (),
) -> Iterator[FuncSym]:
    """``handler`` and every function in its dependency tree (through class and instance
    dependencies too), each once; ``seen`` (qualnames) may be shared across handlers.
    ``extra`` adds dependencies declared outside the signature (routers, includes, apps)."""
    seen = set() if seen is None else seen
    if handler.qualname not in seen:
        seen.add(handler.qualname)
        yield handler
    visited: set[int] = set()
    stack: list[DepNode] = [*extra, *resolver.param_dependencies(handler)]
    while stack:
        node = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if node.func is not None and node.func.qualname not in seen:
            seen.add(node.func.qualname)
            yield node.func
        stack.extend(node.children)


def config_line(ctx: ProjectContext, pattern: re.Pattern[str]) -> int:
    """The first line of the configuration file that ``pattern`` matches (1 when none does,
    or the file cannot be read)."""
    if ctx.root is None:
        return 1
    try:
        text = (ctx.root / ctx.config_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 1
    found = (n for n, line in enumerate(text.splitlines(), 1) if pattern.search(line))
    return next(found, 1)
