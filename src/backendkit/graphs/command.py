"""``backendkit graph``: build the import or call graph of a project and print it."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import networkx as nx

from backendkit.graphs.render import FORMATS, render

KINDS = ("imports", "calls", "routes")


def run_graph(
    paths: Sequence[Path],
    kind: str,
    fmt: str,
    focus_name: str | None,
    depth: int | None,
    unresolved: bool,
    external: bool,
    config: Path | None,
    use_cache: bool = True,
) -> int:
    """Print the graph; raises ``ValueError`` for bad options (the CLI makes them exit 2)."""
    _check(kind, fmt, depth, unresolved, external)
    project = _project(paths, config, use_cache)
    if kind == "routes":
        graph = _route_graph(project, focus_name)
        sys.stdout.write(render(graph, fmt, kind))
        return 0
    if kind == "calls":
        from backendkit.graphs.calls import build_call_graph

        calls = build_call_graph(project.index, project.model, project.resolver)
        if unresolved:
            sys.stdout.write(_unresolved_calls(calls.unresolved, calls.graph, fmt))
            return 0
        graph = calls.graph
    elif unresolved:
        from backendkit.graphs.imports import unresolved_imports

        sys.stdout.write(_unresolved_imports(unresolved_imports(project.index), fmt))
        return 0
    else:
        from backendkit.graphs.imports import build_import_graph, collapse

        graph = build_import_graph(project.index, include_external=external)
        graph = collapse(graph, depth) if depth else graph
    if focus_name:
        from backendkit.graphs.imports import focus

        graph = focus(graph, _route_handler(project, focus_name) if kind == "calls" else focus_name)
    sys.stdout.write(render(graph, fmt, kind))
    return 0


def _route_graph(project, focus_name: str | None) -> nx.DiGraph:
    from backendkit.graphs.calls import build_call_graph
    from backendkit.graphs.routes import build_route_graph, focus_routes

    calls = build_call_graph(project.index, project.model, project.resolver)
    graph = build_route_graph(project.routes, calls.graph)
    return focus_routes(graph, focus_name) if focus_name else graph


def _check(kind: str, fmt: str, depth: int | None, unresolved: bool, external: bool) -> None:
    problems = (
        (external and kind != "imports", "--external applies to --kind imports"),
        (kind not in KINDS, f"--kind {kind!r} is not one of: {', '.join(KINDS)}"),
        (fmt not in FORMATS, f"--format {fmt!r} is not one of: {', '.join(FORMATS)}"),
        (fmt == "pycg" and kind != "calls", "--format pycg needs --kind calls"),
        (depth is not None and kind != "imports", "--depth applies to --kind imports"),
        (depth is not None and depth < 1, "--depth must be at least 1"),
        (
            unresolved and kind not in ("calls", "imports"),
            "--unresolved applies to --kind calls or imports",
        ),
    )
    for failed, message in problems:
        if failed:
            raise ValueError(message)


def _project(paths: Sequence[Path], config: Path | None, use_cache: bool = True):
    from backendkit.catalogue import load_catalogue
    from backendkit.config import find_project_root, load_config
    from backendkit.engine import build_project, configured_file_rules

    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"no such file or directory: {path}")
    root = find_project_root(list(paths)).resolve()
    settings = load_config(root, load_catalogue(), config_file=config)
    rules = configured_file_rules(settings) if use_cache else []  # lint's cache entries
    project, _files = build_project(root, settings, rules, use_cache=use_cache)
    unparsed = [summary.path for summary in project.summaries if not summary.parsed]
    if unparsed:
        from backendkit.result import unparsed_note

        sys.stderr.write(unparsed_note(unparsed, "the graph leaves them out"))
    return project


def _route_handler(project, name: str) -> str:
    """``--focus /api/orders/``: the handler of the route with that path, else ``name``."""
    if not name.startswith("/"):
        return name
    for route in project.routes:
        if route.path == name:
            return route.handler.replace(":", ".")
    raise ValueError(f"--focus {name!r}: no route has this path")


def _unresolved_calls(found: dict[str, list[tuple[int, str]]], graph: nx.DiGraph, fmt: str) -> str:
    """``--unresolved`` for calls: JSON with ``--format json``, else one line per call."""
    rows = [
        {"path": graph.nodes[caller].get("path", "") if caller in graph else "", "line": line,
         "function": caller, "call": text}
        for caller in sorted(found)
        for line, text in found[caller]
    ]  # fmt: skip
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    lines = [f"{r['path']}:{r['line']}: {r['function']} calls {r['call']}" for r in rows]
    lines.append(f"{len(rows)} unresolved call(s)")
    return "\n".join(lines) + "\n"


def _unresolved_imports(found: list[tuple[str, str, int, str]], fmt: str) -> str:
    """``--unresolved`` for imports: JSON with ``--format json``, else one line per import."""
    if fmt == "json":
        rows = [
            {"path": path, "line": line, "module": module, "import": text}
            for module, path, line, text in found
        ]
        return json.dumps(rows, indent=2) + "\n"
    lines = [f"{path}:{line}: {module} imports {text}" for module, path, line, text in found]
    lines.append(f"{len(found)} unresolved import(s)")
    return "\n".join(lines) + "\n"
