"""The route graph (``backendkit graph --kind routes``): each endpoint with the dependencies
FastAPI resolves for it, and their sub-dependencies, taken from the framework edges of the call
graph (parameters, decorators, routers, includes and apps)."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from backendkit.result import Route


def route_label(route: Route) -> str:
    """``GET /items/{item_id}``; websockets as ``WS /path``."""
    methods = "WS" if route.kind == "websocket" else ",".join(route.methods)
    return f"{methods} {route.path}"


def build_route_graph(routes: Iterable[Route], calls: nx.DiGraph) -> nx.DiGraph:
    """Routes (nodes named by method and path) -> dependency -> sub-dependency, from the
    ``framework`` edges of the call graph ``calls``. Route nodes carry their handler and auth
    status; dependency nodes their file and line."""
    graph = nx.DiGraph()
    for route in routes:
        if route.kind not in ("http", "websocket"):
            continue
        label = route_label(route)
        graph.add_node(
            label,
            kind="route",
            handler=route.handler,
            path=route.file,
            line=route.line,
            auth=route.auth,
            public=route.public,
            detail=f"auth {route.auth}{', public' if route.public else ''}",
        )
        handler = route.handler.replace(":", ".")
        if handler in calls:
            _add_dependencies(graph, calls, label, handler, set())
    return graph


def _add_dependencies(
    graph: nx.DiGraph, calls: nx.DiGraph, parent: str, source: str, seen: set[str]
) -> None:
    for target in sorted(calls.successors(source)):
        data = calls.edges[source, target]
        if data.get("kind") != "framework":
            continue
        if target not in graph:
            attrs = calls.nodes[target]
            graph.add_node(
                target, kind="dependency", path=attrs.get("path", ""), line=attrs.get("line", 0)
            )
        graph.add_edge(parent, target, line=data.get("line", 0), kind="framework")
        if target not in seen:
            seen.add(target)
            _add_dependencies(graph, calls, target, target, seen)


def focus_routes(graph: nx.DiGraph, name: str) -> nx.DiGraph:
    """``--focus``: a path (``/items``: its routes and what they depend on) or a dependency
    (the routes and dependencies that use it, and what it uses)."""
    centres = _centres(graph, name)
    if not centres:
        raise ValueError(f"--focus {name!r}: no route or dependency of that name")
    keep = set(centres)
    for centre in centres:
        keep |= nx.descendants(graph, centre)
        if not name.startswith("/"):
            keep |= nx.ancestors(graph, centre)
    return graph.subgraph(keep).copy()


def _centres(graph: nx.DiGraph, name: str) -> list[str]:
    if name.startswith("/"):
        routes = (n for n, kind in graph.nodes(data="kind") if kind == "route")
        return [n for n in routes if n.split(" ", 1)[1] == name]
    return [n for n in graph if n == name or n.endswith((f".{name}", f":{name}"))]
