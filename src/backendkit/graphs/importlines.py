"""Which import statements of a module run when it is imported, and everything the import
graph takes from one summary (no networkx here: the per-file pass digests it for every file).

``graphs/imports.py`` builds the graph from these facts; ``import_facts`` covers them, and the
cache digests them into each file's shape (``cache.imports_of``), so a run whose files all
have the import digests of the last run has the same import graph, and the rules that read
only that graph (``ProjectRule.reads == "imports"``) give the same findings.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import TYPE_CHECKING

from backendkit.summary.model import FunctionInfo, ImportRecord, ModuleSummary, Scope

if TYPE_CHECKING:
    from backendkit.project.index import ProjectIndex


def scope_import_lines(scope: Scope) -> set[int]:
    """Lines of the imports bound in a module scope and its class bodies."""
    lines = {binding.line for binding in scope.imports.values()}
    for cls in scope.classes.values():
        lines |= scope_import_lines(cls.scope)
    return lines


def function_import_lines(scope: Scope) -> set[int]:
    """Lines of the imports bound inside functions and methods (run when called)."""
    lines: set[int] = set()
    for func in functions(scope):
        lines |= {binding.line for binding in func.scope.imports.values()}
    return lines


def functions(scope: Scope) -> Iterator[FunctionInfo]:
    """Every function and method defined in ``scope``, nested ones included."""
    for func in scope.functions.values():
        yield func
        yield from functions(func.scope)
    for cls in scope.classes.values():
        yield from functions(cls.scope)


def deferred_lines(summary: ModuleSummary) -> set[int]:
    """The lines of the imports that do not run when the module is imported: in a function,
    or under ``if __name__ == "__main__":`` (a script's own imports; prefect's ``engine.py``
    imports the flow engine there, which imports it back)."""
    scope = summary.scope
    deferred = function_import_lines(scope) - scope_import_lines(scope)
    lines = {record.line for record in summary.imports}
    for first, end in scope.main_guard:  # its ``else`` runs on import
        deferred |= {line for line in lines if first <= line < end}
    return deferred


def import_facts(summary: ModuleSummary) -> bytes:
    """What the import graph reads from ``summary`` besides its name, path and parse status,
    as bytes: its import records and which of their lines are deferred (``deferred_lines``)."""
    facts = (summary.imports, sorted(deferred_lines(summary)))
    return pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)


__all__ = [
    "deferred_lines",
    "function_import_lines",
    "functions",
    "import_facts",
    "scope_import_lines",
]


def import_targets(
    index: ProjectIndex,
    summary: ModuleSummary,
    record: ImportRecord,
    include_external: bool = False,
) -> list[str]:
    """The modules an import statement of ``summary`` names, once each: ``import a.b`` names
    ``a.b``, ``from pkg import mod`` names ``pkg.mod`` when that is a module, else ``pkg``;
    each as its longest project prefix, or (with ``include_external``) as the top-level name
    of another package; nothing for another package's without it. The import graph's edges
    and a route's sources (``routesources.py``) both read imports so."""
    base = index.absolute(record.module, record.level, summary)
    if base is None:
        return []
    named = [_imported(index, base, name) for name in record.names] if record.names else [base]
    resolved = [_project_or_external(index, t, include_external) for t in dict.fromkeys(named)]
    return [t for t in dict.fromkeys(resolved) if t]


def _imported(index: ProjectIndex, base: str, name: str) -> str:
    """``from base import name``: the submodule ``base.name`` if it is one, else ``base``."""
    sub = f"{base}.{name}" if base else name
    return sub if name != "*" and index.is_project_module(sub) else base


def _project_or_external(index: ProjectIndex, target: str, include_external: bool) -> str:
    """``target`` itself, its longest project prefix, its top-level external name, or ''."""
    if not target:
        return ""
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if index.is_project_module(candidate):
            return candidate
    return parts[0] if include_external else ""
