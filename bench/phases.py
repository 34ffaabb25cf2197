"""Where a lint run's CPU time goes, phase by phase, in one process (no workers, no fork).

Usage::

    .venv/bin/python bench/phases.py DIR [--repeat 3]

The per-file pass over every file backendkit analyses in ``DIR`` (read, Python's own parse where
``needs_precheck`` asks for it, libcst parse, walk, file rules, encode for the cache), then the
project pass from the per-file cache (load the summaries, link, then each project rule alone
from the memos as linking left them: an upper bound of its share of a rule group, whose rules
also share what they memoise). The rules are those the project's configuration enables. Each
figure is CPU seconds, the best of ``--repeat`` rounds; the first round fills the cache.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections import defaultdict
from pathlib import Path

import libcst as cst

from backendkit.cache import Cache, cache_path, encode
from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.discovery import discover
from backendkit.engine import ALWAYS_ON, file_task, link_project, make_rules, split_rules
from backendkit.fanout import memo_state, restore_memos
from backendkit.perfile import (
    count_lines,
    has_continuation,
    lines_agree,
    needs_precheck,
    precheck,
)
from backendkit.rules.base import UNPARSED, FileContext, ProjectContext
from backendkit.runner import summarize_all
from backendkit.summary.collector import walk_module


def per_file(root: Path, rules: list, tasks: list) -> dict[str, float]:
    """CPU seconds of each step of the per-file pass over ``tasks``."""
    spent: dict[str, float] = defaultdict(float)
    for task in tasks:
        clock = time.process_time()
        source = Path(task.abs_path).read_bytes().decode("utf-8-sig")
        clock = _lap(spent, "read", clock)
        native = precheck(source)[0] if needs_precheck(source) else UNPARSED
        clock = _lap(spent, "python parse (precheck)", clock)
        tree = cst.parse_module(source)
        clock = _lap(spent, "libcst parse", clock)
        continued = has_continuation(source)
        summary, spans = walk_module(task.rel_path, task.module, task.is_package, tree, continued)
        trusted = lines_agree(summary.line_count, source)
        summary.line_count = count_lines(source)
        clock = _lap(spent, "walk", clock)
        context = FileContext(summary, source, spans if trusted else None, native)
        for rule in rules:
            summary.findings.extend(rule.check_file(context))
        clock = _lap(spent, "file rules", clock)
        encode(summary)
        _lap(spent, "encode", clock)
    return spent


def project(root: Path, config: object, file_rules: list, rules: list, tasks: list) -> dict:
    """CPU seconds of loading the cached summaries, linking, and each project rule."""
    spent: dict[str, float] = {}
    clock = time.process_time()
    cache = Cache(cache_path(root, config.cache_dir), file_rules)  # type: ignore[attr-defined]
    summaries = summarize_all(tasks, file_rules, cache, 1)
    clock = _lap(spent, "load summaries", clock)
    linked = link_project(root, config, summaries)  # type: ignore[arg-type]
    clock = _lap(spent, "link", clock)
    context = ProjectContext(linked.index, linked.model, linked.resolver, linked.routes)
    start = memo_state(context)
    graphs_built = False
    for rule in rules:
        restore_memos(context, start)
        if rule.uses_graphs and not graphs_built:  # the graph rules share one context
            context = ProjectContext(linked.index, linked.model, linked.resolver, linked.routes)
            graphs_built = True
        list(rule.check_project(context))
        clock = _lap(spent, rule.code, clock)
    return spent


def _lap(spent: dict[str, float], name: str, since: float) -> float:
    now = time.process_time()
    spent[name] = spent.get(name, 0.0) + now - since
    return now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    gc.disable()  # as lint runs
    root = args.root.resolve()
    catalogue = load_catalogue()
    config = load_config(root, catalogue)
    enabled = config.enabled_codes(catalogue) | ALWAYS_ON  # the project's selection, as lint
    file_rules, project_rules = split_rules(make_rules(config, catalogue, enabled))
    tasks = [file_task(root, path) for path in discover(root, config)]
    summarize_all(tasks, file_rules, Cache(cache_path(root, config.cache_dir), file_rules), 1)
    best_files: dict[str, float] = {}
    best_project: dict[str, float] = {}
    for _round in range(args.repeat):
        for name, value in per_file(root, file_rules, tasks).items():
            best_files[name] = min(best_files.get(name, value), value)
        for name, value in project(root, config, file_rules, project_rules, tasks).items():
            best_project[name] = min(best_project.get(name, value), value)
    lines = sum(count_lines(Path(t.abs_path).read_text("utf-8-sig")) for t in tasks)
    print(f"{root}: {len(tasks):,} files, {lines:,} lines; CPU seconds, best of {args.repeat}")
    print(f"per-file pass  {sum(best_files.values()):6.2f}")
    for name, value in best_files.items():
        print(f"  {name:24} {value:6.3f}")
    rules = {k: v for k, v in best_project.items() if k.startswith("BK")}
    print(f"project pass   {sum(best_project.values()):6.2f}")
    for name in ("load summaries", "link"):
        print(f"  {name:24} {best_project[name]:6.3f}")
    print(f"  {'rules':24} {sum(rules.values()):6.3f}")
    for code, value in sorted(rules.items(), key=lambda item: -item[1])[:10]:
        print(f"    {code:22} {value:6.3f}")


if __name__ == "__main__":
    main()
