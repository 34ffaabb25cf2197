"""``graphs.digraph.DiGraph`` behaves as ``networkx.DiGraph`` for what the call graph does
with it, and converts to one."""

from __future__ import annotations

import networkx as nx

from backendkit.graphs.digraph import DiGraph


def _apply(graph: DiGraph | nx.DiGraph) -> None:
    graph.add_node("a", kind="function", line=1)
    graph.add_edge("a", "b", line=3, kind="call")
    graph.add_edge("a", "c", line=4, kind="call")
    graph.add_edge("a", "b", line=9, kind="framework")  # updates the attributes
    graph.add_node("a", kind="route")  # keeps line, changes kind
    graph.nodes["c"]["background"] = True
    graph.edges["a", "c"].setdefault("hook", "startup")


def test_same_as_networkx() -> None:
    ours, theirs = DiGraph(), nx.DiGraph()
    _apply(ours)
    _apply(theirs)
    assert dict(ours.nodes(data=True)) == dict(theirs.nodes(data=True))
    assert list(ours.nodes) == list(theirs.nodes)
    assert list(ours.edges(data=True)) == list(theirs.edges(data=True))
    assert list(ours.edges) == list(theirs.edges)
    assert list(ours.successors("a")) == list(theirs.successors("a"))
    assert ours.has_edge("a", "b")
    assert not ours.has_edge("b", "a")
    assert not ours.has_edge("zzz", "a")
    assert ("a" in ours, "zzz" in ours, len(ours)) == ("a" in theirs, False, len(theirs))
    assert ours.edges["a", "b"] == theirs.edges["a", "b"]


def test_to_networkx() -> None:
    ours = DiGraph()
    _apply(ours)
    converted = ours.to_networkx()
    expected = nx.DiGraph()
    _apply(expected)
    assert nx.utils.graphs_equal(converted, expected)
