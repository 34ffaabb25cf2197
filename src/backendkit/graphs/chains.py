"""Checking import contracts (``backendkit.contracts``) against the import graph.

Every contract comes down to "no module of these sources may reach those targets". For each
target set one breadth-first search runs backwards from the targets; modules of the contract
(the sources, the targets, the other layers or independent modules) end a chain rather than
pass it on, so the finding goes to the module that crosses the boundary, and a chain through
another layer is reported as that layer's own violation. Each source module that reaches the
targets gives one violation with its shortest chain (ties broken by name).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backendkit.contracts import Contract, expand, pattern_matches

if TYPE_CHECKING:  # networkx is imported when a contract is checked, not at start-up
    import networkx as nx

Chain = list[tuple[str, int]]  # (module, line of its import of the next module); last line 0


@dataclass(frozen=True)
class Violation:
    """A source module of ``contract`` that reaches a module it must not import."""

    contract: Contract
    source: str
    source_entry: str
    target_entry: str
    chain: Chain
    relation: str  # e.g. "layer app.models must not import the higher layer app.api"


@dataclass(frozen=True)
class Boundary:
    """Sources that must not reach ``targets`` (the modules of the entry ``target_entry``);
    ``relation`` describes the rule, with ``{source}`` for the source's entry."""

    sources: frozenset[str]
    targets: frozenset[str]
    target_entry: str
    relation: str


def contract_graph(graph: nx.DiGraph, contract: Contract) -> tuple[nx.DiGraph, list[str]]:
    """The import edges ``contract`` counts, each with the ``line`` of its first counted import,
    and the ``ignore-imports`` that matched no import."""
    import networkx as nx

    out = nx.DiGraph()
    out.add_nodes_from(graph.nodes(data=True))
    used: set[tuple[str, str]] = set()
    for source, target, data in graph.edges(data=True):
        ignored = _ignored_by(contract, source, target)
        used.update(ignored)
        lines = [] if ignored else _counted_lines(contract, data)
        if lines:
            out.add_edge(source, target, line=min(lines))
    unused = [f"{a} -> {b}" for a, b in contract.ignore_imports if (a, b) not in used]
    return out, unused


def _ignored_by(contract: Contract, source: str, target: str) -> list[tuple[str, str]]:
    return [
        rule
        for rule in contract.ignore_imports
        if pattern_matches(rule[0], source, descendants=False)
        and pattern_matches(rule[1], target, descendants=False)
    ]


def _counted_lines(contract: Contract, data: dict) -> list[int]:
    lines = data.get("lines", [])
    if contract.exclude_type_checking_imports:
        return [line for line in lines if line not in data.get("checking", ())]
    return list(lines)


def distances(graph: nx.DiGraph, targets: Iterable[str], blocked: frozenset[str]) -> dict:
    """Shortest number of imports from each module to ``targets``, through no ``blocked``
    module other than at the ends."""
    dist = {t: 0 for t in targets if t in graph}
    queue = deque(sorted(dist))
    while queue:
        node = queue.popleft()
        if dist[node] and node in blocked:
            continue
        for pred in graph.predecessors(node):
            if pred not in dist:
                dist[pred] = dist[node] + 1
                queue.append(pred)
    return dist


def chain(
    graph: nx.DiGraph, dist: dict, source: str, ends: frozenset[str], blocked: frozenset[str]
) -> Chain:
    """The shortest chain from ``source`` to one of ``ends`` along ``dist``."""
    steps: Chain = []
    node = source
    while node not in ends:
        step = min(
            s
            for s in graph.successors(node)
            if dist.get(s) == dist[node] - 1 and (s in ends or s not in blocked)
        )
        steps.append((node, graph.edges[node, step]["line"]))
        node = step
    steps.append((node, 0))
    return steps


def violations(
    graph: nx.DiGraph,
    contract: Contract,
    boundaries: Iterable[Boundary],
    blocked: frozenset[str],
    entry_of: dict[str, str],
) -> Iterator[Violation]:
    """The violations of each boundary, one per source module."""
    for boundary in boundaries:
        dist = distances(graph, boundary.targets, blocked | boundary.targets)
        for source in sorted(boundary.sources - boundary.targets):
            hops = dist.get(source)
            if not hops or (contract.allow_indirect_imports and hops > 1):
                continue
            found = chain(graph, dist, source, boundary.targets, blocked | boundary.targets)
            yield Violation(
                contract,
                source,
                entry_of.get(source, source),
                boundary.target_entry,
                found,
                boundary.relation.format(source=entry_of.get(source, source)),
            )


class Members:
    """Module names of the project (and imported external packages) matched by contract
    entries; collects the entries that match nothing."""

    def __init__(self, graph: nx.DiGraph) -> None:
        self.project = sorted(n for n, d in graph.nodes(data=True) if not d.get("external"))
        self.external = {n for n, d in graph.nodes(data=True) if d.get("external")}
        self.tops = {m.split(".")[0] for m in self.project}
        self.problems: list[str] = []

    def of(self, key: str, name: str, *, optional: bool = False, external: bool = False) -> set:
        """The modules ``name`` covers; none -> a problem (unless ``optional``)."""
        found = self.covered(name)
        if not found and external and self._external_name(name):
            return {name} if name in self.external else set()
        if not found and not optional:
            hint = "; external packages are named by their top-level name" if external else ""
            self.problems.append(f"{key} names {name!r}, which matches no module{hint}")
        return found

    def covered(self, name: str) -> set[str]:
        """The project modules ``name`` covers (itself and its descendants)."""
        if "*" in name:
            return {m for m in self.project if pattern_matches(name, m)}
        found: set[str] = set()
        # no character of a module name sorts before ".": a name's descendants follow it
        for module in self.project[bisect_left(self.project, name) :]:
            if module != name and not module.startswith(name + "."):
                break
            found.add(module)
        return found

    def _external_name(self, name: str) -> bool:
        """A top-level name outside the project: an external package."""
        return "." not in name and name not in self.tops

    def units(self, key: str, pattern: str) -> list[str]:
        """The modules ``pattern`` stands for, each a unit of its own (``app.*``)."""
        found = expand(pattern, self.project) if "*" in pattern else [pattern]
        if "*" not in pattern:
            self.of(key, pattern)
        elif not found:
            self.problems.append(f"{key} names {pattern!r}, which matches no module")
        return found
