"""The project index: resolves names to definitions across modules.

Resolution follows imports (absolute and relative), re-exports in ``__init__.py``, ``import x as
y``, module attributes (``from . import mod`` then ``mod.router``), local variables of factory
functions and class members through project base classes. Anything it cannot follow becomes
``Unresolved`` with a reason, never a guess. Values are computed by ``Evaluator``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import TYPE_CHECKING, TypeVar

from backendkit.project.aliases import ImportAliases
from backendkit.project.bindings import binds, latest_binding
from backendkit.project.evaluate import Evaluator
from backendkit.project.exports import star_imports, static_all
from backendkit.project.scopewalk import functions_in, sites_in
from backendkit.project.symbols import (
    ClassSym,
    Ctx,
    External,
    FuncSym,
    ModuleSym,
    ParamSym,
    Symbol,
    Unresolved,
    Value,
    VarSym,
)
from backendkit.summary.model import (
    Call,
    CallSite,
    ClassInfo,
    Expr,
    FunctionInfo,
    ImportBinding,
    ImportRecord,
    ModuleSummary,
    Name,
    Scope,
    Subscript,
)

if TYPE_CHECKING:
    from backendkit.project.implicitquery import FastAPICalled

T = TypeVar("T")

MAX_DEPTH = 40
_BUILTINS = {"str", "int", "float", "bool", "list", "dict", "set", "tuple", "bytes", "object"}


class ProjectIndex:
    """All module summaries of a project, with name resolution and static evaluation."""

    def __init__(self, summaries: Iterable[ModuleSummary]) -> None:
        self.modules: dict[str, ModuleSummary] = {}
        #: the modules whose file did not parse (BK001): named in what cannot be resolved
        self.unparsed: set[str] = set()
        for summary in summaries:
            if summary.parsed:
                self.modules.setdefault(summary.module, summary)
            elif summary.module:
                self.unparsed.add(summary.module)
        self._packages: set[str] = set()
        for module in self.modules:
            parts = module.split(".")
            self._packages.update(".".join(parts[:i]) for i in range(1, len(parts)))
        self.evaluator = Evaluator(self)
        self._callers: dict[int, list[tuple[Call, Ctx]]] = {}
        self.aliases = ImportAliases(self.modules.values())  # names functions are imported as
        self._sites_by_name: dict[str, list[tuple[int, CallSite, Ctx]]] | None = None
        self._named: dict[frozenset[str], list[tuple[CallSite, Ctx]]] = {}  # sites_named
        self._mro: dict[int, list[ClassSym]] = {}
        self._all_sites: list[tuple[CallSite, Ctx]] | None = None
        self._all_functions: list[tuple[FunctionInfo, Ctx]] | None = None
        self._bases: dict[int, list[External]] = {}
        # names resolved in a scope chain: (name, module, scope ids, depth) -> symbol. Only
        # definitions and imports are followed there, so the answer never changes; answers cut
        # short by MAX_DEPTH depend on the path taken and are not kept.
        self._names: dict[tuple[object, ...], Symbol] = {}
        self._cutoffs = 0
        # ``callers`` in progress, and how often one of them was met again (a cycle): names
        # and call targets resolved while a cycle was cut depend on where the search started,
        # so like answers cut by MAX_DEPTH they are not memoised. Other memos (``callers``,
        # the evaluator's) may still keep an answer cut where a cycle was entered; the
        # project pass restores them between its rule groups (``fanout.py``), so the findings
        # do not depend on how many processes run them.
        self._in_progress: set[int] = set()
        self._guard_hits = 0
        self._targets: dict[int, Symbol] = {}
        # ``from m import *`` per module, latest first (Python allows them at module level
        # only), and each module's static ``__all__``: fixed data, not memos. A star search
        # met again for the same (module, name) is a cycle: cut there, and counted in
        # ``_guard_hits`` since the cut depends on where the search started
        self._stars = {s.module: stars for s in self.modules.values() if (stars := star_imports(s))}
        self._exports = {s.module: static_all(s.scope) for s in self.modules.values()}
        self._star_open: set[tuple[str, str]] = set()
        # what ``from m import *`` binds a name to: (m, name) -> (depth, answer), for answers
        # found with no cycle cut and no MAX_DEPTH cutoff (from ``depth`` or less such a search
        # takes the same steps), so a star-import diamond is searched once per module
        self._star_names: dict[tuple[str, str], tuple[int, Symbol | None]] = {}
        #: the files (relative paths) whose findings the running rule looks for; None: all.
        #: Set by the project pass for a ``focusable`` rule of a run given some files; the
        #: rules' walks (``rules.support``) skip the other files, resolution never does.
        self.focus: frozenset[str] | None = None
        self._called: FastAPICalled | None = None

    def cut_count(self) -> int:
        """How many resolutions were cut short so far (a cycle, or ``MAX_DEPTH``): an answer
        computed while this changed depends on where the search started."""
        return self._cutoffs + self._guard_hits

    def wanted(self, path: str) -> bool:
        """Whether the running rule looks for findings in the file ``path`` (``focus``)."""
        return self.focus is None or path in self.focus

    # -- contexts -----------------------------------------------------------------------------
    def is_project_module(self, module: str) -> bool:
        """True for modules and packages (including namespace packages) of the project."""
        return module in self.modules or module in self._packages

    def value(self, expr: Expr | None, ctx: Ctx) -> Value:
        """The static value of ``expr`` (see ``Evaluator.value``)."""
        return self.evaluator.value(expr, ctx)

    def follow(self, symbol: Symbol | Value) -> Value:
        """What a variable holds (see ``Evaluator.follow``)."""
        return self.evaluator.follow(symbol)

    # -- name resolution ----------------------------------------------------------------------
    def lookup(self, dotted: str, ctx: Ctx, depth: int = 0) -> Symbol:
        """Resolve ``a.b.c`` as seen from ``ctx`` (attributes of variables are evaluated)."""
        head, _, rest = dotted.partition(".")
        symbol = self._lookup_name(head, ctx, depth)
        for attr in rest.split(".") if rest else ():
            symbol = self.member(symbol, attr, depth + 1)
        return symbol

    def _lookup_name(self, name: str, ctx: Ctx, depth: int) -> Symbol:
        # The answer depends on the scopes up to the innermost one binding ``name`` (a name
        # bound at module level resolves alike in every function of the module), so only
        # those are in the key.
        scopes = ctx.scopes
        binding = len(scopes)
        while binding and not binds(scopes[binding - 1], name):
            binding -= 1
        key = (name, id(ctx.module), *map(id, scopes[:binding]), depth)
        found = self._names.get(key)
        if found is None:
            state = (self._cutoffs, self._guard_hits)
            found = self._find_name(name, ctx, depth)
            if state == (self._cutoffs, self._guard_hits):
                self._names[key] = found
        return found

    def _find_name(self, name: str, ctx: Ctx, depth: int) -> Symbol:
        for scope in reversed(ctx.scopes):
            found = self._in_scope(name, scope, ctx, depth)
            if found is not None:
                return found
        if name in _BUILTINS:
            return External(f"builtins.{name}")
        return Unresolved(f"name '{name}' is not defined in {ctx.module.module}")

    def _in_scope(self, name: str, scope: Scope, ctx: Ctx, depth: int) -> Symbol | None:
        """What ``name`` is bound to in ``scope`` (one of ``ctx``'s scopes): the binding on the
        latest line wins, a star import binding the names its module exports."""
        stars = self._stars.get(ctx.module.module) if scope is ctx.module.scope else None
        if not stars and not binds(scope, name):
            return None  # the common case: not bound here, look further out
        best = latest_binding(
            ("func", scope.functions.get(name)),
            ("class", scope.classes.get(name)),
            ("var", scope.last_assign(name)),
            ("import", scope.imports.get(name)),
        )
        starred = self._from_stars(name, stars, best, ctx.module, depth)
        return starred if starred is not None else self._explicit(name, scope, best, ctx, depth)

    def _explicit(
        self, name: str, scope: Scope, best: tuple[int, str, object] | None, ctx: Ctx, depth: int
    ) -> Symbol | None:
        """The latest binding ``best`` of ``name`` in ``scope``, or the parameter it is."""
        inner = ctx.truncate(scope) if best is not None or name in scope.params else ctx
        if name in scope.params and inner.owners[-1] is not None:
            owner = inner.owners[-1]
            if best is None or owner.line > best[0]:
                return ParamSym(name, scope.params[name], owner, inner)
        return None if best is None else self._bound(name, best[1], best[2], inner, depth)

    def _bound(self, name: str, kind: str, found: object, ctx: Ctx, depth: int) -> Symbol:
        """The symbol of one binding of ``name`` in ``ctx``'s innermost scope."""
        if kind == "import":
            return self.resolve_import(found, ctx.module, depth + 1)  # type: ignore[arg-type]
        if kind == "func":
            return FuncSym(found, ctx)  # type: ignore[arg-type]
        if kind == "class":
            return ClassSym(found, ctx)  # type: ignore[arg-type]
        return VarSym(name, found, ctx)  # type: ignore[arg-type]

    def _from_stars(
        self,
        name: str,
        stars: list[ImportRecord] | None,
        best: tuple[int, str, object] | None,
        importer: ModuleSummary,
        depth: int,
    ) -> Symbol | None:
        """What the latest star import below the line of the explicit binding ``best`` that
        provides ``name`` binds it to (None when none does)."""
        after = best[0] if best else 0
        for record in stars or ():
            if record.line <= after:
                break
            found = self._star_member(record, importer, name, depth + 1)
            if found is not None:
                return found
        return None

    def _star_member(
        self, record: ImportRecord, importer: ModuleSummary, name: str, depth: int
    ) -> Symbol | None:
        """``name`` as ``from {record.module} import *`` binds it: a public name (exactly the
        names of a static ``__all__``) of a project module; None when it binds no ``name``."""
        module = self.absolute(record.module, record.level, importer)
        summary = self.modules.get(module) if module is not None else None
        if summary is None:
            return None  # a library's (or a namespace package's) names are not known
        exported = self._exports[module]
        if name not in exported if exported is not None else name.startswith("_"):
            return None
        key = (module, name)
        known = self._star_names.get(key)
        if known is not None and depth <= known[0]:
            return known[1]
        state = (self._cutoffs, self._guard_hits)
        found = self._star_search(summary, name, exported is not None, depth)
        if state == (self._cutoffs, self._guard_hits):
            self._star_names[key] = (depth, found)
        return found

    def _star_search(
        self, summary: ModuleSummary, name: str, listed: bool, depth: int
    ) -> Symbol | None:
        """Search ``summary`` for ``name`` (one step of a star-import chain), cutting cycles
        and chains deeper than MAX_DEPTH."""
        if depth > MAX_DEPTH:
            self._cutoffs += 1
            return Unresolved("star import chain too deep")
        key = (summary.module, name)
        if key in self._star_open:
            self._guard_hits += 1
            return None
        self._star_open.add(key)
        try:
            if listed:  # a name listed in __all__ may be a submodule
                return self._module_member(summary.module, name, depth + 1)
            return self._in_scope(name, summary.scope, Ctx(summary, (summary.scope,)), depth + 1)
        finally:
            self._star_open.discard(key)

    def resolve_import(self, binding: ImportBinding, importer: ModuleSummary, depth: int) -> Symbol:
        """What an import binding refers to."""
        if depth > MAX_DEPTH:
            self._cutoffs += 1
            return Unresolved("import chain too deep")
        base = self.absolute(binding.module, binding.level, importer)
        if base is None:
            return Unresolved(f"relative import beyond the top of {importer.module}")
        if binding.name is None:
            return ModuleSym(base) if self.is_project_module(base) else External(base)
        target = f"{base}.{binding.name}" if base else binding.name
        if base in self.modules:
            found = self._module_member(base, binding.name, depth + 1)
            if not isinstance(found, Unresolved):
                return found
        if self.is_project_module(target):
            return ModuleSym(target)
        if self.is_project_module(base):
            return self._missing(base, binding.name)
        return External(target)

    @staticmethod
    def absolute(module: str, level: int, importer: ModuleSummary) -> str | None:
        """The absolute module name of ``from {'.' * level}{module} import ...``."""
        if level == 0:
            return module
        package = importer.package()
        parts = package.split(".") if package else []
        if level - 1 > len(parts):
            return None
        base = parts[: len(parts) - (level - 1)]
        if module:
            base.append(module)
        return ".".join(base)

    def member(self, symbol: Symbol | Value, attr: str, depth: int = 0) -> Symbol:
        """``symbol.attr`` for modules, classes, externals and variables."""
        if depth > MAX_DEPTH:
            return Unresolved("resolution too deep")
        if isinstance(symbol, ModuleSym):
            return self._module_member(symbol.module, attr, depth)
        if isinstance(symbol, External):
            return External(f"{symbol.qualname}.{attr}")
        if isinstance(symbol, ClassSym):
            found = self.class_member(symbol, attr, depth + 1)
            return found if found is not None else Unresolved(f"{symbol.qualname} has no {attr}")
        if isinstance(symbol, VarSym):
            value = self.evaluator.attribute(self.evaluator.follow(symbol), attr, depth + 1)
            if isinstance(value, (ModuleSym, ClassSym, FuncSym, External, VarSym, Unresolved)):
                return value
            return Unresolved(f"{symbol.qualname}.{attr} is a value, not a definition")
        if isinstance(symbol, Unresolved):
            return symbol
        return Unresolved(f"attribute {attr} of {type(symbol).__name__}")

    def _module_member(self, module: str, attr: str, depth: int) -> Symbol:
        summary = self.modules.get(module)
        if summary is not None:
            ctx = Ctx(summary, (summary.scope,))
            found = self._in_scope(attr, summary.scope, ctx, depth + 1)
            if found is not None:
                return found
        submodule = f"{module}.{attr}"
        if self.is_project_module(submodule):
            return ModuleSym(submodule)
        return self._missing(module, attr)

    def _missing(self, module: str, attr: str) -> Unresolved:
        """What ``module.attr`` is when the project has none: a submodule whose file did not
        parse says so (the route inventory's note then names the right problem)."""
        if f"{module}.{attr}" in self.unparsed:
            return Unresolved(f"{module}.{attr} could not be parsed, BK001")
        return Unresolved(f"{module} has no attribute {attr}")

    def class_member(self, cls: ClassSym, attr: str, depth: int = 0) -> Symbol | None:
        """A method, nested class or field of ``cls`` or of its project base classes."""
        for klass in self.mro(cls, depth):
            scope, inner = klass.info.scope, klass.ctx
            if attr in scope.functions:
                return FuncSym(scope.functions[attr], inner)
            assign = scope.last_assign(attr)
            if assign is not None:  # ``Views.router`` is evaluated in the class body
                return VarSym(attr, assign, inner.enter_class(klass.info))
            if attr in scope.classes:
                return ClassSym(scope.classes[attr], inner)
        return None

    def mro(self, cls: ClassSym, depth: int = 0) -> list[ClassSym]:
        """``cls`` and its project base classes, depth first, each once (memoised)."""
        key = id(cls.info)
        found = self._mro.get(key)
        if found is None:
            found = self._mro[key] = self._compute_mro(cls, depth)
        return found

    def _compute_mro(self, cls: ClassSym, depth: int) -> list[ClassSym]:
        out: list[ClassSym] = []
        named: dict[str, list[ClassInfo]] = {}  # ``out`` by name: ``in out`` was slow
        stack = [(cls, depth)]
        while stack:
            klass, level = stack.pop(0)
            same = named.setdefault(klass.info.name, [])
            if level > MAX_DEPTH or any(info is klass.info or info == klass.info for info in same):
                continue
            same.append(klass.info)
            out.append(klass)
            for base in klass.info.bases:
                resolved = self.resolve_expr(base, klass.ctx, level + 1)
                if isinstance(resolved, ClassSym):
                    stack.append((resolved, level + 1))
        return out

    def external_bases(self, cls: ClassSym) -> list[External]:
        """The external classes ``cls`` derives from, through its project bases (memoised)."""
        key = id(cls.info)
        if key not in self._bases:
            self._bases[key] = [
                resolved
                for klass in self.mro(cls)
                for base in klass.info.bases
                if isinstance(resolved := self.resolve_expr(base, klass.ctx), External)
            ]
        return self._bases[key]

    def resolve_expr(self, expr: Expr | None, ctx: Ctx, depth: int = 0) -> Symbol:
        """The definition a name-like expression refers to, following variables that alias
        other definitions (``Alias = SomeClass``)."""
        if isinstance(expr, Subscript):
            return self.resolve_expr(expr.value, ctx, depth + 1)
        if not isinstance(expr, Name):
            return Unresolved(f"not a name: {type(expr).__name__}")
        symbol = self.lookup(expr.dotted, ctx, depth + 1)
        if isinstance(symbol, VarSym) and isinstance(symbol.assign.value, Name):
            return self.resolve_expr(symbol.assign.value, symbol.ctx, depth + 1)
        return symbol

    def call_sites(self) -> list[tuple[CallSite, Ctx]]:
        """Every call site of the project with the context to evaluate it in (computed once;
        several rules walk them)."""
        if self._all_sites is None:
            self._all_sites = self._in_every_module(sites_in)
        return self._all_sites

    def functions(self) -> list[tuple[FunctionInfo, Ctx]]:
        """Every function and method (nested ones included) with the context it is defined
        in, in module order (computed once; most rules walk them)."""
        if self._all_functions is None:
            self._all_functions = self._in_every_module(functions_in)
        return self._all_functions

    def _in_every_module(self, walk: Callable[[Scope, Ctx], Iterable[T]]) -> list[T]:
        """What ``walk`` yields from each module's scope, in module order."""
        return [
            item
            for summary in self.modules.values()
            for item in walk(summary.scope, Ctx(summary, (summary.scope,)))
        ]

    def sites_named(self, names: Iterable[str]) -> list[tuple[CallSite, Ctx]]:
        """The call sites whose callee is a name (``f``, ``mod.f``, ``obj.f``) ending in one
        of ``names``, in the order of ``call_sites`` (grouped by last name once; memoised)."""
        key = frozenset(names)
        if key not in self._named:
            buckets = [self._by_last_name().get(name, []) for name in key]
            found = sorted((entry for bucket in buckets for entry in bucket), key=itemgetter(0))
            self._named[key] = [(site, where) for _position_, site, where in found]
        return self._named[key]

    def fastapi_called(self, name: str) -> bool:
        """Whether a function named ``name`` is an endpoint or a dependency (computed once)."""
        if self._called is None:
            from backendkit.project.implicitquery import FastAPICalled  # imports this module

            self._called = FastAPICalled(self)
        return self._called.named(name)

    def called_names(self) -> Iterable[str]:
        """The last names of every called name (``f``, ``mod.f``, ``obj.f``: ``f``)."""
        return self._by_last_name().keys()

    def _by_last_name(self) -> dict[str, list[tuple[int, CallSite, Ctx]]]:
        """The call sites by the last name of their callee, each with its position in
        ``call_sites`` (computed once)."""
        if self._sites_by_name is None:
            groups: dict[str, list[tuple[int, CallSite, Ctx]]] = {}
            for position, (site, where) in enumerate(self.call_sites()):
                callee = site.call.func
                if isinstance(callee, Name):
                    last = callee.dotted.rpartition(".")[2]
                    bucket = groups.get(last)
                    if bucket is None:
                        bucket = groups[last] = []
                    bucket.append((position, site, where))
            self._sites_by_name = groups
        return self._sites_by_name

    def callers(self, func: FunctionInfo) -> list[tuple[Call, Ctx]]:
        """The call sites of the project whose callee resolves to ``func``. Only the sites
        that call something of its name (or a name it is imported as) are resolved, once per
        function (memoised)."""
        key = id(func)
        if key in self._callers:
            if key in self._in_progress:
                self._guard_hits += 1  # answers that saw this cycle guard are not memoised
            return self._callers[key]
        self._callers[key] = []  # a parameter met while resolving has no callers (cycle)
        self._in_progress.add(key)
        found = []
        for site, where in self.sites_named(self.aliases.names(func.name)):
            target = self._site_target(site, where)
            if isinstance(target, FuncSym) and target.info is func:
                found.append((site.call, where))
        self._in_progress.discard(key)
        self._callers[key] = found
        return found

    def _site_target(self, site: CallSite, where: Ctx) -> Symbol:
        """What a call site's callee name resolves to, once per site: functions of the same
        name (methods called ``get``, one helper copied in several packages) share the
        resolution of every site that calls that name."""
        key = id(site)
        found = self._targets.get(key)
        if found is None:
            state = (self._cutoffs, self._guard_hits)
            found = self.lookup(site.call.func.dotted, where)  # type: ignore[union-attr]
            if state == (self._cutoffs, self._guard_hits):
                self._targets[key] = found
        return found
