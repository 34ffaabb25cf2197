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

from backendkit.summary.model import FunctionInfo, ModuleSummary, Scope


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
