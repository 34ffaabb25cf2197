"""The rule framework: a rule is a small class with its valid and invalid examples beside it.

Examples may span several files, because the rules that matter most here are cross-file. In an
invalid example every line that must be reported carries a ``# expect: CODE`` comment; one
generic test (``tests/test_rule_examples.py``) runs every example of every rule.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NoReturn

from backendkit.catalogue import RuleInfo
from backendkit.findings import Finding, Fix, Severity

if TYPE_CHECKING:
    import networkx as nx

    from backendkit.graphs.calls import CallGraph
    from backendkit.project.appmodel import AppModel
    from backendkit.project.deps import DependencyResolver
    from backendkit.project.index import ProjectIndex
    from backendkit.result import Route
    from backendkit.summary.model import ModuleSummary


@dataclass(frozen=True)
class Example:
    """Source files of an example project (a single string is ``example.py``) and options."""

    files: Mapping[str, str] | str
    options: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    note: str = ""
    also_select: tuple[str, ...] = ()  # other rules the example needs to run

    def file_map(self) -> dict[str, str]:
        """The example as ``{relative path: source}``."""
        if isinstance(self.files, str):
            return {"example.py": self.files}
        return dict(self.files)


class Unparsed:
    """The ast of a file context that has not been parsed yet."""


UNPARSED = Unparsed()


def native_tree(source: str) -> ast.Module | None:
    """Python's own ast of ``source``, or None when this interpreter cannot parse it."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


class FileContext:
    """What a file rule sees: the summary and source of one file, the span of each of its
    functions, and Python's own ast of it, parsed on first use."""

    def __init__(
        self,
        summary: ModuleSummary,
        source: str,
        spans: Sequence[tuple[int, int]] | None = None,
        tree: ast.Module | Unparsed | None = UNPARSED,
    ) -> None:
        self.summary = summary
        self.source = source
        #: (first line, last line) of every function, decorators included; None when unknown
        self.spans = spans
        self._tree = tree

    @property
    def tree(self) -> ast.Module | None:
        """Python's own ast of the file; None when this interpreter cannot parse it."""
        if isinstance(self._tree, Unparsed):
            self._tree = native_tree(self.source)
        return self._tree


class LinkNeeded(RuntimeError):
    """A rule marked ``links = False`` read the app model or the routes."""


class Unlinked:
    """Stands for the app model or the route list in the context of the rules that run before
    linking: any use raises ``LinkNeeded`` (a BK002 finding, never a silent empty answer)."""

    def __init__(self, what: str) -> None:
        self._what = what

    def _refuse(self) -> NoReturn:
        raise LinkNeeded(f"{self._what} is not built yet: the rule must not set links = False")

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("__"):
            raise AttributeError(name)
        self._refuse()

    def __iter__(self) -> NoReturn:
        self._refuse()

    def __len__(self) -> NoReturn:
        self._refuse()

    def __bool__(self) -> NoReturn:
        self._refuse()


@dataclass
class ProjectContext:
    """What a project rule sees: the index, the app model and the route inventory, and the
    graphs, built on first use and shared by every rule of the run."""

    index: ProjectIndex
    model: AppModel
    resolver: DependencyResolver
    routes: list[Route]
    #: where configuration problems are reported (the configuration file, relative to the root)
    config_file: str = "pyproject.toml"
    #: the project root (``None`` when the context is built outside a lint run)
    root: Path | None = None

    @cached_property
    def import_graph(self) -> nx.DiGraph:
        """Every import of the project, external packages as top-level nodes (built once)."""
        from backendkit.graphs.imports import build_import_graph

        return build_import_graph(self.index, include_external=True)

    @cached_property
    def runtime_import_graph(self) -> nx.DiGraph:
        """Project modules and the imports that run at import time (built once)."""
        from backendkit.graphs.imports import runtime_imports

        return runtime_imports(self.import_graph)

    @cached_property
    def call_graph(self) -> CallGraph:
        """The call graph with framework edges (built once). Each function's own calls are
        resolved when a search first reaches it (``CallGraph.expand``), so a search from the
        async routes resolves only what they reach; expand every node for the whole graph."""
        from backendkit.graphs.calls import lazy_call_graph

        return lazy_call_graph(self.index, self.model, self.resolver)

    @cached_property
    def source_calls(self) -> CallGraph:
        """The call graph without FastAPI's edges from routes to their dependencies, which
        need the app model: the calls functions make in their source (resolved on first use,
        as in ``call_graph``), and background tasks. A rule with ``links = False`` may read it.
        """
        from backendkit.graphs.calls import lazy_call_graph

        return lazy_call_graph(self.index, None, None)


class Rule:
    """Base of all rules; subclasses set ``code`` and implement ``check_file`` or
    ``check_project``."""

    code: ClassVar[str]
    VALID: ClassVar[tuple[Example, ...]] = ()
    INVALID: ClassVar[tuple[Example, ...]] = ()

    def __init__(self, info: RuleInfo, options: Mapping[str, object]) -> None:
        self.info = info
        self.options = options

    def finding(
        self,
        path: str,
        line: int,
        message: str,
        *,
        column: int = 1,
        end_line: int | None = None,
        fix: Fix | None = None,
        extra: dict[str, object] | None = None,
        severity: Severity | None = None,
        related: tuple[str, ...] = (),
    ) -> Finding:
        """A finding of this rule with its catalogue name and severity (or ``severity``);
        ``related``: see ``Finding``."""
        return Finding(
            code=self.info.code,
            name=self.info.name,
            message=message,
            path=path,
            line=line,
            column=column,
            end_line=end_line,
            severity=severity or self.info.severity,
            fix=fix,
            extra=extra or {},
            related=related,
        )


class FileRule(Rule):
    """A rule that needs one file only; it runs in the per-file pass."""

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        """Findings for one file."""
        raise NotImplementedError


class ProjectRule(Rule):
    """A rule that needs the whole program; it runs in the project pass.

    ``uses_graphs`` and ``cost`` guide how a large project's rules are shared between two
    processes (``fanout.py``): rules that use the context's graphs run in the same process,
    and ``cost`` is the rule's time relative to a typical one (about 20 ms per 100k lines).

    ``focusable``: every finding of the rule is reported in the file of the item its walk
    (``rules.support``: functions, classes, call sites, comparisons; or its own loop checking
    ``index.wanted``) was at, so a run given some files (pre-commit's list) walks only those
    files' items. The whole project is still linked and resolved; only the search for
    findings is narrowed. A rule that gathers across files before it reports stays False.

    ``reads``: what of the project the rule's findings depend on besides the configuration.
    "all" (anything) by default; "imports" for a rule that reads only the modules (names,
    paths) and their import statements (``graphs.importlines.import_facts``), such as the
    import graph: an incremental run whose imports are all unchanged keeps its last findings
    (``snapshot.RuleReuse``) instead of running it.

    ``links``: whether the rule reads the app model or the routes (``ctx.model``,
    ``ctx.routes``, ``ctx.call_graph``). A rule that reads only the index, the resolver and
    the import graphs sets it False: it runs while the project is linked (``pipeline.py``),
    from a context whose model and routes are ``Unlinked``. Such a rule may still leave some
    findings to be settled by the app model: ``after_link`` gets them, with the linked
    context, in the process that linked."""

    uses_graphs: ClassVar[bool] = False
    links: ClassVar[bool] = True
    cost: ClassVar[float] = 1.0
    focusable: ClassVar[bool] = False
    reads: ClassVar[str] = "all"

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Findings for the whole project."""
        raise NotImplementedError

    def after_link(self, ctx: ProjectContext, findings: list[Finding]) -> list[Finding]:
        """The findings of a ``links = False`` rule once the project is linked (``ctx``):
        its ``check_project`` findings as they are, unless the rule settles some here."""
        del ctx
        return findings
