"""Whole-project graphs built from the summaries of one run: imports and calls (networkx)."""

from __future__ import annotations

from backendkit.graphs.calls import CallGraph, build_call_graph
from backendkit.graphs.imports import (
    build_import_graph,
    collapse,
    focus,
    runtime_imports,
    unresolved_imports,
)

__all__ = [
    "CallGraph",
    "build_call_graph",
    "build_import_graph",
    "collapse",
    "focus",
    "runtime_imports",
    "unresolved_imports",
]
