"""Serialisers for the graphs: DOT and Mermaid (our own, no Graphviz needed), node-link JSON,
GraphML and PyCG's ``{"caller": ["callee", ...]}`` format."""

from __future__ import annotations

import json

import networkx as nx

FORMATS = ("dot", "mermaid", "json", "graphml", "pycg", "html")


def render(graph: nx.DiGraph, fmt: str, name: str = "graph") -> str:
    """``graph`` in format ``fmt`` (one of ``FORMATS``)."""
    writers = {
        "dot": to_dot,
        "mermaid": to_mermaid,
        "json": to_json,
        "graphml": to_graphml,
        "pycg": to_pycg,
        "html": to_html,
    }
    if fmt not in writers:
        raise ValueError(f"--format {fmt!r} is not one of: {', '.join(FORMATS)}")
    return writers[fmt](graph, name)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _edge_label(data: dict) -> str:
    if "count" in data:
        return str(data["count"])
    return ""


def to_dot(graph: nx.DiGraph, name: str = "graph") -> str:
    """Graphviz DOT text: nodes and edges in sorted order, framework edges dashed."""
    lines = [f"digraph {_quote(name)} {{", "  rankdir=LR;", "  node [shape=box];"]
    for node in sorted(graph):
        external = graph.nodes[node].get("external")
        lines.append(f"  {_quote(node)}{' [style=dashed]' if external else ''};")
    for source, target in sorted(graph.edges()):
        data = graph.edges[source, target]
        attrs = []
        if data.get("kind") == "framework":
            attrs.append("style=dashed")
        label = _edge_label(data)
        if label:
            attrs.append(f"label={_quote(label)}")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {_quote(source)} -> {_quote(target)}{suffix};")
    return "\n".join([*lines, "}"]) + "\n"


def to_mermaid(graph: nx.DiGraph, name: str = "graph") -> str:
    """A Mermaid flowchart; node ids are ``n0``, ``n1``... in sorted name order."""
    ids = {node: f"n{number}" for number, node in enumerate(sorted(graph))}
    lines = ["flowchart LR"]
    for node, ident in ids.items():
        label = node.replace('"', "#quot;")
        lines.append(f'  {ident}["{label}"]')
    for source, target in sorted(graph.edges()):
        data = graph.edges[source, target]
        arrow = "-.->" if data.get("kind") == "framework" else "-->"
        label = _edge_label(data)
        arrow = f"{arrow}|{label}|" if label else arrow
        lines.append(f"  {ids[source]} {arrow} {ids[target]}")
    return "\n".join(lines) + "\n"


def node_link(graph: nx.DiGraph) -> dict:
    """networkx node-link data with the edges under ``"edges"`` (networkx >= 3.4 default)."""
    try:
        return nx.node_link_data(graph, edges="edges")
    except TypeError:  # networkx < 3.4
        data = nx.node_link_data(graph)
        data["edges"] = data.pop("links")
        return data


def to_json(graph: nx.DiGraph, name: str = "graph") -> str:
    """Node-link JSON (read it back with ``networkx.node_link_graph(data, edges="edges")``)."""
    data = node_link(graph)
    data["graph"] = {"name": name}
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _scalar(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return "" if value is None else value


def to_graphml(graph: nx.DiGraph, name: str = "graph") -> str:
    """GraphML; list attributes (import lines) become comma-separated strings."""
    plain = nx.DiGraph(name=name)
    for node, data in graph.nodes(data=True):
        plain.add_node(node, **{k: _scalar(v) for k, v in data.items()})
    for source, target, data in graph.edges(data=True):
        plain.add_edge(source, target, **{k: _scalar(v) for k, v in data.items()})
    return "\n".join(nx.generate_graphml(plain)) + "\n"


def to_pycg(graph: nx.DiGraph, name: str = "graph") -> str:
    """PyCG's JSON: every node with the sorted list of what it calls."""
    data = {node: sorted(graph.successors(node)) for node in sorted(graph)}
    return json.dumps(data, indent=2) + "\n"


def to_html(graph: nx.DiGraph, name: str = "graph") -> str:
    """A self-contained interactive page (the report's graph view: zoom, pan, search, click a
    node to see its edges); ``name`` is the kind of graph."""
    from backendkit.report.html import render_graph_page

    return render_graph_page(mark_cycles(graph.copy()), name, f"backendkit {name} graph")


def mark_cycles(graph: nx.DiGraph) -> nx.DiGraph:
    """Set ``in_cycle`` on nodes and ``cycle`` on edges inside a strongly connected group of two
    or more nodes (what the HTML view draws in red)."""
    group: dict[str, int] = {}
    for number, members in enumerate(nx.strongly_connected_components(graph)):
        if len(members) > 1:
            group.update(dict.fromkeys(members, number))
    for node in graph:
        graph.nodes[node]["in_cycle"] = node in group
    for source, target in graph.edges():
        inside = source in group and group[source] == group.get(target)
        graph.edges[source, target]["cycle"] = inside
    return graph
