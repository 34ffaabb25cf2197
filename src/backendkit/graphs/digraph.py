"""A directed graph whose nodes and edges carry attribute dicts: the part of
``networkx.DiGraph`` the call graph is built with.

BK301 searches the call graph on every lint run of a project with async code, and importing
networkx takes about 0.08 s: a tenth of a pre-commit run of one file in a 100k-line project,
where nothing else needs networkx while the import graph rules keep their last findings. So the
call graph is built on this class, and ``to_networkx`` hands the finished graph to networkx
where its algorithms are wanted (``backendkit graph``, reports, the full call graph).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

Attrs = dict[str, Any]


class NodeView:
    """``graph.nodes``: iterate the nodes, ``nodes(data=True)`` with their attributes,
    ``nodes[n]`` the attribute dict of ``n``."""

    def __init__(self, attrs: dict[Hashable, Attrs]) -> None:
        self._attrs = attrs

    def __call__(self, data: bool = False) -> Iterator[Any]:
        """The nodes, or ``(node, attributes)`` pairs with ``data``."""
        return iter(self._attrs.items()) if data else iter(self._attrs)

    def __getitem__(self, node: Hashable) -> Attrs:
        return self._attrs[node]

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._attrs)

    def __len__(self) -> int:
        return len(self._attrs)


class EdgeView:
    """``graph.edges``: ``edges[u, v]`` the attribute dict of an edge, ``edges(data=True)``
    the ``(u, v, attributes)`` triples."""

    def __init__(self, succ: dict[Hashable, dict[Hashable, Attrs]]) -> None:
        self._succ = succ

    def __call__(self, data: bool = False) -> Iterator[Any]:
        """The ``(u, v)`` pairs, or ``(u, v, attributes)`` triples with ``data``."""
        for source, targets in self._succ.items():
            for target, attrs in targets.items():
                yield (source, target, attrs) if data else (source, target)

    def __getitem__(self, pair: tuple[Hashable, Hashable]) -> Attrs:
        source, target = pair
        return self._succ[source][target]

    def __iter__(self) -> Iterator[Any]:
        return self()


class DiGraph:
    """Nodes and directed edges with attributes, in insertion order (as networkx keeps them)."""

    def __init__(self) -> None:
        self._attrs: dict[Hashable, Attrs] = {}
        self._succ: dict[Hashable, dict[Hashable, Attrs]] = {}
        self.nodes = NodeView(self._attrs)
        self.edges = EdgeView(self._succ)

    def __contains__(self, node: object) -> bool:
        return node in self._attrs

    def __len__(self) -> int:
        return len(self._attrs)

    def add_node(self, node: Hashable, **attrs: Any) -> None:
        """Add ``node`` (if new) and update its attributes."""
        if node not in self._attrs:
            self._attrs[node] = {}
            self._succ[node] = {}
        self._attrs[node].update(attrs)

    def add_edge(self, source: Hashable, target: Hashable, **attrs: Any) -> None:
        """Add the edge (and its nodes, if new) and update its attributes."""
        for node in (source, target):
            if node not in self._attrs:
                self.add_node(node)
        self._succ[source].setdefault(target, {}).update(attrs)

    def has_edge(self, source: Hashable, target: Hashable) -> bool:
        """Whether the edge ``source -> target`` is there."""
        return target in self._succ.get(source, {})

    def successors(self, node: Hashable) -> Iterator[Hashable]:
        """The targets of ``node``'s edges (KeyError for a node not in the graph)."""
        return iter(self._succ[node])

    def to_networkx(self) -> nx.DiGraph:
        """The same graph as a ``networkx.DiGraph`` (the attribute dicts are shared)."""
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(self._attrs.items())
        graph.add_edges_from(self.edges(data=True))
        return graph


__all__ = ["DiGraph", "EdgeView", "NodeView"]
