"""Everything a report shows, gathered once from one analysis run (no second libcst parse).

The import graph comes from the run's summaries (``graphs.imports``), cycles from the same
runtime-import graph BK501 uses, routes from the route inventory. Radon's cyclomatic complexity
and maintainability index are computed here on the parsed files: the per-file pass keeps only
the BK401 findings, not the figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from backendkit.catalogue import RuleInfo
from backendkit.engine import Project
from backendkit.findings import Finding
from backendkit.graphs.imports import build_import_graph, collapse, runtime_imports
from backendkit.report.metrics import FileMetrics, FunctionMetric, measure
from backendkit.result import AnalysisResult
from backendkit.rules.architecture import cycle_groups

SEVERITIES = ("error", "warning", "info")
AUTH_STATES = ("required", "optional", "unknown", "none")


@dataclass
class ModuleStat:
    """One project module in the import graph: its file, size, fan-in and fan-out."""

    name: str
    path: str
    lines: int
    fan_in: int
    fan_out: int
    in_cycle: bool


@dataclass
class RuleGroup:
    """The findings of one rule."""

    code: str
    name: str
    severity: str
    category: str
    findings: list[dict]


@dataclass
class ReportData:
    """The content of a report; both renderers read only this."""

    project: str
    version: str
    files: int
    lines: int
    findings: list[dict]
    rules: list[RuleGroup]
    by_file: dict[str, list[dict]]
    by_severity: dict[str, int]
    routes: list[dict]
    auth: dict[str, int]
    hotspots: list[FunctionMetric]
    maintainability: list[FileMetrics]
    largest: list[tuple[str, int]]
    modules: list[ModuleStat]
    module_graph: nx.DiGraph  # every project module, edges importer -> imported
    graph: nx.DiGraph  # what the HTML page draws: modules, or packages at ``depth``
    depth: int | None
    cycles: list[tuple[list[str], int]]
    architecture: list[dict]
    notes: list[str] = field(default_factory=list)
    #: the configured import contracts as ``(name, type)``: what the architecture rules checked
    contracts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def checked(self) -> str:
        """What the architecture findings cover: import cycles, and the configured contracts."""
        if not self.contracts:
            return "import cycles; no import contracts are configured"
        count = len(self.contracts)
        kinds = sorted({kind for _, kind in self.contracts})
        noun = "contract" if count == 1 else "contracts"
        return f"import cycles and {count} configured {noun} ({', '.join(kinds)})"


def choose_depth(graph: nx.DiGraph, limit: int) -> int | None:
    """None when ``graph`` has at most ``limit`` nodes, else the deepest package level whose
    collapsed graph has at most ``limit`` nodes (1 when none has)."""
    if len(graph) <= limit:
        return None
    deepest = max((node.count(".") + 1 for node in graph), default=1)
    for depth in range(deepest - 1, 0, -1):
        if len(collapse(graph, depth)) <= limit:
            return depth
    return 1


def collect(
    result: AnalysisResult,
    project: Project,
    catalogue: dict[str, RuleInfo],
    version: str,
    *,
    depth: int | None = None,
    limit: int = 150,
    top: int = 20,
    cache_dir: Path | None = None,
) -> ReportData:
    """The report content of one run. ``depth`` collapses the shown graph to packages of that
    many dotted parts; without it the graph is collapsed only when it has over ``limit`` nodes.
    ``top`` is the length of the hotspot and largest-file lists; ``cache_dir`` keeps the radon
    figures of unchanged files (None: computed afresh)."""
    modules_graph = build_import_graph(project.index)
    shown_depth = depth or choose_depth(modules_graph, limit)
    findings = [_finding_dict(f, catalogue) for f in result.findings]
    code = _code_metrics(project, cache_dir, top)
    runtime = runtime_imports(modules_graph)
    cyclic = cycle_components(runtime)
    return ReportData(
        project=project.root.name,
        version=version,
        files=len(result.files),
        lines=code.lines,
        findings=findings,
        rules=_by_rule(findings),
        by_file=_by_file(findings),
        by_severity={s: sum(f["severity"] == s for f in findings) for s in SEVERITIES},
        routes=[r.to_dict() for r in result.routes],
        auth=auth_counts(result.routes),
        hotspots=code.hotspots,
        maintainability=code.maintainability,
        largest=code.largest,
        modules=module_stats(modules_graph, cyclic),
        module_graph=modules_graph,
        graph=_display_graph(modules_graph, shown_depth, findings, cyclic),
        depth=shown_depth,
        cycles=cycle_groups(runtime),
        architecture=[f for f in findings if f["category"] == "architecture"],
        notes=list(result.notes),
        contracts=_contracts(project),
    )


def _contracts(project: Project) -> list[tuple[str, str]]:
    """``(name, type)`` of each ``[tool.backendkit.architecture]`` contract."""
    tables = project.config.options.get("architecture", {}).get("contracts", [])
    return [(str(t.get("name", "")), str(t.get("type", ""))) for t in tables if isinstance(t, dict)]


@dataclass
class CodeMetrics:
    """Sizes and radon figures: total lines, worst functions and files, largest files."""

    lines: int
    hotspots: list[FunctionMetric]
    maintainability: list[FileMetrics]
    largest: list[tuple[str, int]]


def _code_metrics(project: Project, cache_dir: Path | None, top: int) -> CodeMetrics:
    parsed = [s.path for s in project.summaries if s.parsed and s.module]
    metrics = measure(project.root, parsed, cache_dir)
    functions = [fn for m in metrics for fn in m.functions]
    functions.sort(key=lambda f: (-f.complexity, f.path, f.line))
    sizes = {s.path: s.line_count for s in project.summaries if s.module}
    return CodeMetrics(
        lines=sum(sizes.values()),
        hotspots=functions[:top],
        maintainability=sorted(metrics, key=lambda m: (m.mi, m.path))[:top],
        largest=sorted(sizes.items(), key=lambda item: (-item[1], item[0]))[:top],
    )


def cycle_components(runtime: nx.DiGraph) -> dict[str, int]:
    """Module -> number of its import cycle (strongly connected group of 2 or more modules)."""
    groups = [c for c in nx.strongly_connected_components(runtime) if len(c) > 1]
    ordered = sorted(groups, key=min)
    return {module: number for number, group in enumerate(ordered) for module in group}


def _finding_dict(finding: Finding, catalogue: dict[str, RuleInfo]) -> dict:
    info = catalogue.get(finding.code)
    data = finding.to_dict()
    data["category"] = info.category if info else "analysis"
    data["summary"] = info.summary if info else ""
    return data


def _by_rule(findings: list[dict]) -> list[RuleGroup]:
    groups: dict[str, RuleGroup] = {}
    for item in findings:
        group = groups.get(item["code"])
        if group is None:
            group = RuleGroup(item["code"], item["name"], item["severity"], item["category"], [])
            groups[item["code"]] = group
        group.findings.append(item)
    order = {s: n for n, s in enumerate(SEVERITIES)}
    return sorted(groups.values(), key=lambda g: (order.get(g.severity, 9), -len(g.findings)))


def _by_file(findings: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for item in findings:
        out.setdefault(item["path"], []).append(item)
    return dict(sorted(out.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def auth_counts(routes) -> dict[str, int]:
    """HTTP and websocket routes by auth status, plus ``public``, ``unprotected`` (no auth and
    not public) and ``total``."""
    served = [r for r in routes if r.kind not in ("mount", "include")]
    counts = Counter(r.auth for r in served)
    out = {state: counts.get(state, 0) for state in AUTH_STATES}
    out["public"] = sum(1 for r in served if r.public)
    out["unprotected"] = sum(1 for r in served if r.auth == "none" and not r.public)
    out["total"] = len(served)
    return out


def module_stats(graph: nx.DiGraph, cyclic: dict[str, int]) -> list[ModuleStat]:
    """Fan-in (modules importing it) and fan-out (modules it imports), most coupled first."""
    stats = [
        ModuleStat(
            name=node,
            path=data.get("path", ""),
            lines=data.get("lines", 0),
            fan_in=graph.in_degree(node),
            fan_out=graph.out_degree(node),
            in_cycle=node in cyclic,
        )
        for node, data in graph.nodes(data=True)
    ]
    return sorted(stats, key=lambda s: (-(s.fan_in + s.fan_out), s.name))


def _display_graph(
    graph: nx.DiGraph, depth: int | None, findings: list[dict], cyclic: dict[str, int]
) -> nx.DiGraph:
    """The graph the report draws: modules (or packages at ``depth``) with their finding counts
    and whether they take part in an import cycle."""
    per_path = Counter(f["path"] for f in findings)
    shown = collapse(graph, depth) if depth else graph.copy()
    for node in shown:
        shown.nodes[node].update(findings=0, in_cycle=False, members=0)
    for node, data in graph.nodes(data=True):
        target = ".".join(node.split(".")[:depth]) if depth else node
        attrs = shown.nodes[target]
        attrs["findings"] += per_path.get(data.get("path", ""), 0)
        attrs["in_cycle"] = attrs["in_cycle"] or node in cyclic
        attrs["members"] += 1
    for source, target in shown.edges():
        edge = shown.edges[source, target]
        edge.setdefault("count", len(edge.get("lines", [])) or 1)
        same = cyclic.get(source, -1) == cyclic.get(target, -2)
        edge["cycle"] = depth is None and same
    return shown
