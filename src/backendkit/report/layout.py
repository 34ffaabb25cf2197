"""A layered left-to-right layout of the import graph, computed in Python for the HTML report.

Importers sit left of what they import: a module's column is the longest import chain leading
to it (modules of one import cycle share a column; a column taller than ``max_rows`` wraps).
Within a column modules are ordered by the mean position of their neighbours (a few barycentre
sweeps), which keeps most edges short.
Pure networkx: no numpy, no Graphviz, deterministic (the same graph gives the same picture).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

CHAR_WIDTH = 7.2  # px per character of the 12px monospace label font
NODE_HEIGHT = 22
ROW_GAP = 8
COLUMN_GAP = 70
PADDING = 20
SWEEPS = 4
MIN_ROWS = 24


@dataclass
class Box:
    """A placed node: top-left corner, size, and its column."""

    name: str
    x: float
    y: float
    width: float
    column: int


def columns(graph: nx.DiGraph) -> dict[str, int]:
    """Each node's column: the longest path to it from a node nothing imports."""
    condensed = nx.condensation(graph)
    members = nx.get_node_attributes(condensed, "members")
    level: dict[int, int] = {}
    for component in nx.topological_sort(condensed):
        before = [level[p] + 1 for p in condensed.predecessors(component)]
        level[component] = max(before, default=0)
    return {node: level[c] for c, nodes in members.items() for node in nodes}


def max_rows(count: int) -> int:
    """The most boxes stacked in one column; taller columns (a big import cycle, many leaf
    modules) wrap into several, keeping the drawing roughly as wide as it is tall."""
    return max(MIN_ROWS, math.ceil(math.sqrt(count) * 3))


def _order(graph: nx.DiGraph, column: dict[str, int]) -> list[list[str]]:
    count = max(column.values(), default=-1) + 1
    layers: list[list[str]] = [[] for _ in range(count)]
    for node in sorted(graph):
        layers[column[node]].append(node)
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        position = {n: i for layer in layers for i, n in enumerate(layer)}
        for index in range(count) if forward else range(count - 1, -1, -1):
            neighbours = graph.predecessors if forward else graph.successors
            layers[index] = _sorted_by_barycentre(layers[index], neighbours, position)
            position.update({n: i for i, n in enumerate(layers[index])})
    return layers


def _sorted_by_barycentre(layer: list[str], neighbours, position: dict[str, int]) -> list[str]:
    def key(node: str) -> tuple[float, str]:
        places = [position[n] for n in neighbours(node) if n in position]
        return (sum(places) / len(places) if places else float(layer.index(node)), node)

    return sorted(layer, key=key)


def label_width(name: str) -> float:
    """The width of a node box holding ``name``."""
    return round(len(name) * CHAR_WIDTH + 16, 1)


def layout(graph: nx.DiGraph) -> tuple[dict[str, Box], float, float]:
    """Boxes for every node of ``graph`` and the total width and height of the drawing."""
    column = columns(graph)
    rows = max_rows(len(graph))
    stacks = [
        (index, layer[start : start + rows])
        for index, layer in enumerate(_order(graph, column))
        for start in range(0, len(layer), rows)
    ]
    tallest = max((len(stack) for _index, stack in stacks), default=0)
    height = PADDING * 2 + tallest * (NODE_HEIGHT + ROW_GAP)
    boxes: dict[str, Box] = {}
    x = float(PADDING)
    for index, stack in stacks:
        widest = max((label_width(n) for n in stack), default=0.0)
        top = (height - len(stack) * (NODE_HEIGHT + ROW_GAP)) / 2
        for row, node in enumerate(stack):
            y = round(top + row * (NODE_HEIGHT + ROW_GAP), 1)
            boxes[node] = Box(node, x, y, label_width(node), index)
        x += widest + COLUMN_GAP
    return boxes, max(x - COLUMN_GAP + PADDING, 2 * PADDING), max(height, 2 * PADDING)


def edge_path(source: Box, target: Box) -> str:
    """An SVG path from ``source`` to ``target``: a smooth curve from the right side of the
    importer to the left side of the imported module, or a loop round when it points back."""
    y1 = source.y + NODE_HEIGHT / 2
    y2 = target.y + NODE_HEIGHT / 2
    if target.column > source.column:
        x1, x2 = source.x + source.width, target.x
        bend = max((x2 - x1) / 2, 20)
        controls = f"{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f}"
        return f"M{x1:.1f},{y1:.1f} C{controls} {x2:.1f},{y2:.1f}"
    x1, x2 = source.x + source.width, target.x + target.width
    reach = max(x1, x2) + 40
    return f"M{x1:.1f},{y1:.1f} C{reach:.1f},{y1:.1f} {reach:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
