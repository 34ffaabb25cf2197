"""The HTML report: one self-contained page rendered by jinja2 with autoescaping.

The stylesheet and the script are package files (``report/assets``) inlined into the page, so it
works offline from a ``file://`` URL. Data for the script is embedded as JSON in a
``<script type="application/json">`` element with ``<``, ``>`` and ``&`` escaped, so no module
name or message can close the element.
"""

from __future__ import annotations

import json
from importlib import resources

import jinja2
import networkx as nx

from backendkit.report.data import ReportData
from backendkit.report.layout import NODE_HEIGHT, edge_path, layout

#: the words of the graph view, per kind of graph
WORDS = {
    "imports": {
        "units": "modules",
        "verb": "imports",
        "out": "Imports",
        "into": "Imported by",
        "cycle": "in an import cycle",
        "hint": "Click a module to see what it imports and what imports it.",
    },
    "calls": {
        "units": "functions",
        "verb": "calls",
        "out": "Calls",
        "into": "Called by",
        "cycle": "in a recursion",
        "hint": "Click a function to see what it calls and what calls it (dashed: FastAPI "
        "dependencies).",
    },
    "routes": {
        "units": "routes and dependencies",
        "verb": "depends on",
        "out": "Depends on",
        "into": "Used by",
        "cycle": "in a cycle",
        "hint": "Click a route to see its dependencies, or a dependency to see the routes and "
        "dependencies that use it.",
    },
}


def safe_json(data: object) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    return (resources.files("backendkit.report") / "assets" / name).read_text(encoding="utf-8")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("backendkit.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def graph_view(graph: nx.DiGraph) -> dict:
    """Placed nodes and edges of a graph (the report's import graph, or any graph of
    ``backendkit graph``), for the SVG and for the script."""
    boxes, width, height = layout(graph)
    names = sorted(graph)
    index = {name: number for number, name in enumerate(names)}
    nodes = []
    for name in names:
        attrs, box = graph.nodes[name], boxes[name]
        nodes.append(
            {
                "id": index[name],
                "name": name,
                "x": box.x,
                "y": box.y,
                "w": box.width,
                "lines": attrs.get("lines", 0),
                "findings": attrs.get("findings", 0),
                "cycle": bool(attrs.get("in_cycle")),
                "members": attrs.get("members", 1),
                "fan_in": graph.in_degree(name),
                "fan_out": graph.out_degree(name),
                "detail": attrs.get("detail", ""),
            }
        )
    edges = [
        {
            "s": index[a],
            "t": index[b],
            "d": edge_path(boxes[a], boxes[b]),
            "count": graph.edges[a, b].get("count", 1),
            "cycle": bool(graph.edges[a, b].get("cycle")),
        }
        for a, b in sorted(graph.edges())
    ]
    return {"nodes": nodes, "edges": edges, "width": width, "height": height}


def _script_data(view: dict, words: dict[str, str]) -> dict:
    """What the script needs: names, degrees and edges (not the drawing), and its words."""
    keep = ("id", "name", "lines", "findings", "cycle", "members", "fan_in", "fan_out", "detail")
    return {
        "nodes": [{k: n[k] for k in keep} for n in view["nodes"]],
        "edges": [[e["s"], e["t"], e["count"], e["cycle"]] for e in view["edges"]],
        "words": words,
    }


def render_html(data: ReportData) -> str:
    """The complete HTML page of ``data``."""
    return _page("report.html.j2", data.graph, "imports", data=data)


def render_graph_page(graph: nx.DiGraph, kind: str, title: str) -> str:
    """One self-contained page with the interactive view of ``graph`` (``graph --format html``):
    zoom, pan, search and click to see a node's edges, as in the report."""
    return _page("graph.html.j2", graph, kind, title=title, kind=kind)


def _page(template: str, graph: nx.DiGraph, graph_kind: str, **context: object) -> str:
    """``template`` rendered with the graph view of ``graph``, its words, style and script."""
    view = graph_view(graph)
    words = WORDS.get(graph_kind, WORDS["imports"])
    return (
        _environment()
        .get_template(template)
        .render(
            view=view,
            words=words,
            node_height=NODE_HEIGHT,
            graph_json=safe_json(_script_data(view, words)),
            css=_asset("report.css"),
            script=_asset("report.js"),
            **context,
        )
    )
