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
    """``--focus``: a path (``/items``: its routes and what they depend on; with no route of
    exactly that path, the routes of that path with or without its trailing slash and those
    under it: ``/admin`` for ``/admin/users``), a route handler (as ``backendkit routes`` names
    it: ``items:list_items``, or ``list_items``, or in full) or a dependency (the routes and
    dependencies that use it, and what it uses)."""
    centres = _centres(graph, name)
    if not centres:
        paths = sorted({path for _node, path in _route_paths(graph)})
        such = ", ".join(paths[:3]) or "/items"
        raise ValueError(
            f"--focus {name!r}: no route path, handler or dependency of that name (give a path "
            f"such as {such}, a handler such as items:list_items, or a dependency's name)"
        )
    keep = set(centres)
    for centre in centres:
        keep |= nx.descendants(graph, centre)
        if not name.startswith("/"):
            keep |= nx.ancestors(graph, centre)
    return graph.subgraph(keep).copy()


def _centres(graph: nx.DiGraph, name: str) -> list[str]:
    if name.startswith("/"):
        return _path_routes(graph, name)
    return _handler_routes(graph, name) or _dependencies(graph, name)


def _path_routes(graph: nx.DiGraph, name: str) -> list[str]:
    """The routes of path ``name``; with none, those of that path with or without a trailing
    slash and those under it."""
    routes = _route_paths(graph)
    exact = [n for n, path in routes if path == name]
    if exact:
        return exact
    base = name.rstrip("/")
    return [n for n, path in routes if path.rstrip("/") == base or path.startswith(base + "/")]


def _route_paths(graph: nx.DiGraph) -> list[tuple[str, str]]:
    """Each route node with its path (a node is ``"GET /items"``)."""
    return [(n, n.split(" ", 1)[1]) for n, kind in graph.nodes(data="kind") if kind == "route"]


def _handler_routes(graph: nx.DiGraph, name: str) -> list[str]:
    """The routes whose handler is known by ``name`` (see ``_handler_names``)."""
    return [n for n, h in graph.nodes(data="handler") if h and name in _handler_names(h)]


def _dependencies(graph: nx.DiGraph, name: str) -> list[str]:
    """The nodes named ``name``, or ending in ``.name`` / ``:name``; a name in the form
    ``backendkit routes`` prints dependencies in (``app.deps:get_user``, ``deps:get_user``)
    is also matched dotted."""
    forms = {name, name.replace(":", ".")}
    ends = tuple(f"{sep}{form}" for form in forms for sep in ".:")
    return [n for n in graph if n in forms or n.endswith(ends)]


def _handler_names(handler: str) -> set[str]:
    """The names ``--focus`` knows a handler ``pkg.mod:func`` by: in full, dotted, as the
    routes table shows it (``mod:func``) and bare (``func``)."""
    module, _, qualname = handler.partition(":")
    short = module.rpartition(".")[2]
    return {handler, f"{module}.{qualname}", f"{short}:{qualname}", qualname}
