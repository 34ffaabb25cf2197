"""The import graph: one node per project module, edges importer -> imported.

Built from the ``ImportRecord``s of the summaries of the same run (no second parse). Edge
attributes: ``lines`` (every import line), ``toplevel`` (the lines that run at import time:
not inside a function, not under ``if TYPE_CHECKING:``), ``checking`` (the lines under
``if TYPE_CHECKING:``, as the collector records them).
"""

from __future__ import annotations

import networkx as nx

from backendkit.graphs.importlines import deferred_lines, import_targets
from backendkit.project.index import ProjectIndex
from backendkit.summary.model import ImportRecord


def build_import_graph(index: ProjectIndex, *, include_external: bool = False) -> nx.DiGraph:
    """The import graph of the project in ``index``.

    ``import a.b`` gives an edge to ``a.b``; ``from pkg import mod`` to ``pkg.mod`` when that is
    a module, else to ``pkg``. With ``include_external`` other packages become nodes named by
    their top-level name, with ``external=True``.
    """
    graph = nx.DiGraph()
    for summary in index.modules.values():
        graph.add_node(
            summary.module,
            path=summary.path,
            is_package=summary.is_package,
            lines=summary.line_count,
            external=False,
        )
    for summary in index.modules.values():
        deferred = deferred_lines(summary)
        for record in summary.imports:
            checking = _type_checking(record)
            toplevel = record.line not in deferred and not checking
            for target in import_targets(index, summary, record, include_external):
                _add_edge(graph, index, summary.module, target, record.line, toplevel, checking)
    return graph


def unresolved_imports(index: ProjectIndex) -> list[tuple[str, str, int, str]]:
    """Imports of project modules that name nothing in the project: relative imports, and
    absolute imports under a top-level package of the project, of a module that does not exist
    or of a name (``from pkg import name``) that is neither a submodule of ``pkg`` nor defined
    or imported in it; ``(module, path, line, text)`` sorted. A module with a star import or a
    module ``__getattr__`` may define any name, so its names all count as resolved."""
    tops = {name.split(".")[0] for name in index.modules}
    out = []
    for summary in index.modules.values():
        for record in summary.imports:
            if record.level == 0 and record.module.split(".")[0] not in tops:
                continue  # another package
            dots = "." * record.level
            base = index.absolute(record.module, record.level, summary)
            if base is None or not index.is_project_module(base):
                out.append((summary.module, summary.path, record.line, dots + record.module))
                continue
            for name in _missing_names(index, base, record.names):
                text = (
                    f"{dots}{record.module} import {name}" if record.module else f". import {name}"
                )
                out.append((summary.module, summary.path, record.line, text))
    return sorted(out)


def _missing_names(index: ProjectIndex, base: str, names: tuple[str, ...]) -> list[str]:
    """The names of ``from base import ...`` that ``base`` neither has as a submodule nor
    binds at module level."""
    module = index.modules[base]
    scope = module.scope
    if "__getattr__" in scope.functions or any("*" in r.names for r in module.imports):
        return []
    bound = (scope.assigns, scope.imports, scope.functions, scope.classes)
    return [
        name
        for name in names
        if name != "*"
        and not index.is_project_module(f"{base}.{name}" if base else name)
        and not any(name in table for table in bound)
    ]


def _type_checking(record: ImportRecord) -> bool:
    """Whether the import sits under ``if TYPE_CHECKING:`` (once the collector records it)."""
    return bool(getattr(record, "type_checking", False))


def _add_edge(
    graph: nx.DiGraph,
    index: ProjectIndex,
    source: str,
    target: str,
    line: int,
    toplevel: bool,
    checking: bool = False,
) -> None:
    if target == source:
        return
    if target not in graph:
        project = index.is_project_module(target)
        graph.add_node(target, path="", is_package=project, lines=0, external=not project)
    if not graph.has_edge(source, target):
        graph.add_edge(source, target, lines=[], toplevel=[], checking=[])
    data = graph.edges[source, target]
    if line not in data["lines"]:
        data["lines"].append(line)
    if toplevel and line not in data["toplevel"]:
        data["toplevel"].append(line)
    if checking and line not in data["checking"]:
        data["checking"].append(line)


def runtime_imports(graph: nx.DiGraph) -> nx.DiGraph:
    """The subgraph of project modules and the imports that run when a module is imported."""
    keep = [
        (a, b)
        for a, b, data in graph.edges(data=True)
        if data.get("toplevel")
        and not graph.nodes[a].get("external")
        and not graph.nodes[b].get("external")
    ]
    return graph.edge_subgraph(keep).copy()


def collapse(graph: nx.DiGraph, depth: int) -> nx.DiGraph:
    """Modules merged into their packages of ``depth`` dotted parts (``app.api.x`` -> ``app.api``
    at depth 2); edge ``count`` is the number of import lines merged into it."""
    if depth < 1:
        raise ValueError("--depth must be at least 1")
    out = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        _merge_node(out, _prefix(node, depth), node, data)
    for source, target, data in graph.edges(data=True):
        a, b = _prefix(source, depth), _prefix(target, depth)
        if a == b:
            continue
        if not out.has_edge(a, b):
            out.add_edge(a, b, count=0)
        out.edges[a, b]["count"] += len(data.get("lines", [])) or 1
    return out


def _prefix(name: str, depth: int) -> str:
    return ".".join(name.split(".")[:depth])


def _merge_node(out: nx.DiGraph, name: str, node: str, data: dict) -> None:
    if name not in out:
        out.add_node(name, path="", is_package=False, lines=0, external=data["external"])
    merged = out.nodes[name]
    merged["lines"] += data.get("lines", 0)
    merged["is_package"] = merged["is_package"] or name != node or data["is_package"]
    if name == node:
        merged["path"] = data.get("path", "")


def focus(graph: nx.DiGraph, name: str) -> nx.DiGraph:
    """``name`` with its neighbours. ``name`` is a node, or a dotted prefix (a package: the
    nodes under it, such as a package's submodules or the functions of its modules), or the
    last parts of nodes' names (``.name`` / ``:name``). A package's own node stands for the
    package and its submodules; any other node (a function) for itself alone."""
    centres = _centres(graph, name)
    if not centres:
        raise ValueError(f"--focus {name!r}: no such node in the graph")
    keep = set(centres)
    for centre in centres:
        keep.update(graph.predecessors(centre))
        keep.update(graph.successors(centre))
    return graph.subgraph(keep).copy()


def _centres(graph: nx.DiGraph, name: str) -> list[str]:
    """The nodes ``--focus name`` stands for (see ``focus``)."""
    named = [name] if name in graph else _ending_with(graph, name) or [name]
    centres = [node for node in named if node in graph]
    for node in named:
        if node not in graph or graph.nodes[node].get("is_package"):
            centres += _under(graph, node)
    return list(dict.fromkeys(centres))


def _ending_with(graph: nx.DiGraph, name: str) -> list[str]:
    return [node for node in graph if node.endswith((f".{name}", f":{name}"))]


def _under(graph: nx.DiGraph, prefix: str) -> list[str]:
    return [node for node in graph if node.startswith(f"{prefix}.")]
