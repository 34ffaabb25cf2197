"""What the graph work (BK501, BK301, BK502-BK504) adds to a lint whose summaries are cached.

The project is the Copier template's output with its ``app`` package copied (imports rewritten)
as ``svc00``, ``svc01``, ... until it has about ``lines`` lines, with a layers contract per
copy (containers), a forbidden contract and an independence contract between the copies.
In one process, on warm (cached) summaries, it times: loading the project (cache reads, index,
app model, routes), the other project rules, then the graph rules with the graphs shared (one
context, as ``lint`` runs them) and with a fresh context per rule (each rule building its own
graphs, as before the graphs were shared). Then ``backendkit lint`` in a subprocess, warm, with
and without the graph rules (median wall time, peak RSS).

    python bench/graph_bench.py --lint-overhead [DIR] [--lines 70000] [--runs 3]
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.engine import ALWAYS_ON, build_project, make_rules, split_rules
from backendkit.rules.base import ProjectContext

BACKENDKIT = str(Path(sys.executable).with_name("backendkit"))
GRAPH_RULES = ("BK301", "BK501", "BK502", "BK503", "BK504")
_APP_IMPORT = re.compile(r"\b(from|import)\s+app\b")


def generate(dest: Path, lines: int) -> int:
    """Render the template into a temporary directory and copy its ``app`` package into
    ``dest`` until about ``lines`` lines; returns the number of copies."""
    with tempfile.TemporaryDirectory() as tmp:
        rendered = Path(tmp) / "tpl"
        subprocess.run(
            [BACKENDKIT, "new", str(rendered), "--defaults"], check=True, capture_output=True
        )
        app = rendered / "app"
        size = sum(p.read_bytes().count(b"\n") for p in app.rglob("*.py"))
        copies = max(1, round(lines / size))
        dest.mkdir(parents=True, exist_ok=True)
        for number in range(copies):
            _copy(app, dest / f"svc{number:02d}", f"svc{number:02d}")
    names = [f"svc{n:02d}" for n in range(copies)]
    (dest / "pyproject.toml").write_text(_config(names), encoding="utf-8")
    return copies


def _copy(app: Path, target: Path, name: str) -> None:
    for path in app.rglob("*.py"):
        out = target / path.relative_to(app)
        out.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        out.write_text(_APP_IMPORT.sub(lambda m: f"{m.group(1)} {name}", text), encoding="utf-8")


def _config(names: list[str]) -> str:
    quoted = ", ".join(f'"{n}"' for n in names)
    return f"""[tool.backendkit]

[[tool.backendkit.architecture.contracts]]
name = "layers"
type = "layers"
containers = [{quoted}]
layers = ["main", "mcp_server", "api", "services", "models : core"]

[[tool.backendkit.architecture.contracts]]
name = "plain models"
type = "forbidden"
source-modules = ["*.models"]
forbidden-modules = ["fastapi", "*.api"]

[[tool.backendkit.architecture.contracts]]
name = "services apart"
type = "independence"
modules = [{quoted}]
"""


def _lint(root: Path, *extra: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one ``backendkit lint`` run."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [BACKENDKIT, "lint", str(root), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _pid, _status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss


def in_process(root: Path, runs: int) -> None:
    """Per run and mode, on a freshly loaded project (cached summaries): the project rules in
    the order ``lint`` runs them, the graph rules timed apart, with the graphs shared (one
    context, as ``lint`` does) or built per rule (a fresh context for each)."""
    gc.disable()  # as analyze() does: the summaries are large and long-lived
    catalogue = load_catalogue()
    config = load_config(root, catalogue)
    enabled = config.enabled_codes(catalogue) | ALWAYS_ON
    file_rules, project_rules = split_rules(make_rules(config, catalogue, enabled))
    rows: dict[str, list[float]] = {}
    for _run in range(runs):
        for mode in ("shared", "per rule"):
            totals = _one_pass(root, config, file_rules, project_rules, mode == "shared")
            for label, seconds in totals.items():
                rows.setdefault(f"{label} ({mode})" if label != "load" else label, []).append(
                    seconds
                )
    print(f"in process, median of {runs} fresh loads of the project:")
    for label, values in rows.items():
        print(f"  {label:<40} {statistics.median(values):7.3f} s")


def _one_pass(root: Path, config, file_rules, project_rules, shared: bool) -> dict[str, float]:
    """Seconds of: loading the project, the other project rules, each graph rule, all graph
    rules."""
    totals: dict[str, float] = {}
    start = time.perf_counter()
    project, _files = build_project(root, config, file_rules)
    totals["load"] = time.perf_counter() - start

    def context() -> ProjectContext:
        return ProjectContext(project.index, project.model, project.resolver, project.routes)

    ctx = context()
    for rule in project_rules:
        start = time.perf_counter()
        list(rule.check_project(ctx if shared or rule.code not in GRAPH_RULES else context()))
        elapsed = time.perf_counter() - start
        label = rule.code if rule.code in GRAPH_RULES else "other project rules"
        totals[label] = totals.get(label, 0.0) + elapsed
        if rule.code in GRAPH_RULES:
            totals["graph rules"] = totals.get("graph rules", 0.0) + elapsed
    return totals


def _sizes(root: Path) -> None:
    catalogue = load_catalogue()
    config = load_config(root, catalogue)
    project, files = build_project(root, config)
    ctx = ProjectContext(project.index, project.model, project.resolver, project.routes)
    imports, calls = ctx.import_graph, ctx.call_graph.graph
    print(
        f"{len(files)} files; import graph {imports.number_of_nodes()} nodes, "
        f"{imports.number_of_edges()} edges; call graph {calls.number_of_nodes()} nodes, "
        f"{calls.number_of_edges()} edges"
    )


def overhead(directory: Path | None, lines: int, runs: int) -> None:
    """Generate (or reuse) the project and print the figures."""
    tmp = None
    if directory is None:
        tmp = tempfile.mkdtemp(prefix="bk-overhead-")
        directory = Path(tmp) / "project"
    root = directory.resolve()
    try:
        if not (root / "pyproject.toml").is_file():
            copies = generate(root, lines)
            print(f"generated {copies} copies of the template's app package in {root}")
        total = sum(p.read_bytes().count(b"\n") for p in root.rglob("*.py"))
        print(f"{root}: {total:,} lines")
        _lint(root)  # fill the cache (in a subprocess: this process stays small, so the
        # peak RSS of the lint subprocesses below is theirs, not inherited through fork)
        print(f"backendkit lint, warm, median of {runs}, runs interleaved (peak RSS):")
        variants = {"all rules": (), "without graph rules": ("--ignore", ",".join(GRAPH_RULES))}
        results: dict[str, list[tuple[float, int]]] = {label: [] for label in variants}
        for _ in range(runs):
            for label, extra in variants.items():
                results[label].append(_lint(root, *extra))
        for label, found in results.items():
            seconds = statistics.median(r[0] for r in found)
            peak = max(r[1] for r in found) / 1024
            print(f"  {label:<40} {seconds:7.3f} s  {peak:6.0f} MB")
        _sizes(root)
        in_process(root, runs)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
