"""Whole-project graphs built from the summaries of one run: imports and calls (networkx).

The names below are loaded on first use, so importing a submodule that does not need networkx
(``graphs.chains`` for the contract rules) does not import it at start-up."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backendkit.graphs.calls import CallGraph, build_call_graph
    from backendkit.graphs.imports import (
        build_import_graph,
        collapse,
        focus,
        runtime_imports,
        unresolved_imports,
    )

_HOMES = {
    "CallGraph": "calls",
    "build_call_graph": "calls",
    "build_import_graph": "imports",
    "collapse": "imports",
    "focus": "imports",
    "runtime_imports": "imports",
    "unresolved_imports": "imports",
}


def __getattr__(name: str) -> object:
    """Load the exported ``name`` from its submodule on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)


__all__ = [
    "CallGraph",
    "build_call_graph",
    "build_import_graph",
    "collapse",
    "focus",
    "runtime_imports",
    "unresolved_imports",
]
