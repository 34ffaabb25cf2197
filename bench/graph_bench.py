"""Time the import and call graphs on a large tree.

Default: a temporary project holding copies of the installed ``sqlalchemy`` and ``pydantic``
packages. Prints the time of the per-file summaries, of the project pass (index, app model), of
each graph and of the cycle search, with the peak resident memory (``ru_maxrss``) after each.

    python bench/graph_bench.py [PROJECT_DIR] [--packages sqlalchemy pydantic]

``--lint-overhead`` measures instead what the graph work adds to a lint whose summaries are
cached, on the generated template project scaled up to ``--lines`` (copies of its ``app``
package as ``svc00``, ``svc01``, ...) with layers, forbidden and independence contracts
configured (see ``lint_overhead.py``).
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.discovery import discover, module_name
from backendkit.graphs import build_call_graph, build_import_graph, runtime_imports
from backendkit.perfile import FileTask, summarize_file
from backendkit.project.appmodel import AppModel
from backendkit.project.deps import DependencyResolver
from backendkit.project.index import ProjectIndex
from backendkit.rules.architecture import cycle_groups

T = TypeVar("T")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, action: Callable[[], T]) -> T:
    """Run ``action`` and print its wall time and the peak memory so far."""
    start = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - start
    print(f"{label:<28} {elapsed:8.2f} s   peak RSS {_peak_mb():7.0f} MB", flush=True)
    return result


def copy_packages(names: list[str], dest: Path) -> Path:
    """A project at ``dest`` holding copies of the installed packages ``names``."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "pyproject.toml").write_text("[tool.backendkit]\n", encoding="utf-8")
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            sys.exit(f"graph_bench: package {name!r} is not installed")
        source = Path(next(iter(spec.submodule_search_locations)))
        shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def run(root: Path) -> None:
    """Summarise ``root`` serially, link it, and build and query both graphs."""
    config = load_config(root, load_catalogue())
    files = discover(root, config)

    def summaries() -> list:
        out = []
        for path in files:
            module, is_package = module_name(root, path)
            rel = path.relative_to(root).as_posix()
            out.append(summarize_file(FileTask(str(path), rel, module, is_package), ()))
        return out

    print(f"{len(files)} files under {root}")
    found = timed("summaries (1 process)", summaries)
    index = timed("index", lambda: ProjectIndex(found))
    model = timed("app model", lambda: AppModel(index))
    resolver = DependencyResolver(index)
    imports = timed("import graph", lambda: build_import_graph(index))
    cycles = timed("import cycles (SCC)", lambda: cycle_groups(runtime_imports(imports)))
    calls = timed("call graph", lambda: build_call_graph(index, model, resolver))
    print(f"import graph: {imports.number_of_nodes()} nodes, {imports.number_of_edges()} edges")
    print(f"cycle groups: {len(cycles)}, largest {max((s for _c, s in cycles), default=0)}")
    graph = calls.graph
    print(
        f"call graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges, "
        f"{calls.unresolved_count()} unresolved call sites, "
        f"{sum(len(v) for v in calls.external.values())} external call sites"
    )


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, help="a project directory")
    parser.add_argument("--packages", nargs="+", default=["sqlalchemy", "pydantic"])
    parser.add_argument("--lint-overhead", action="store_true", help="see lint_overhead.py")
    parser.add_argument("--lines", type=int, default=70_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.lint_overhead:
        sys.path.insert(0, str(Path(__file__).parent))
        from lint_overhead import overhead

        overhead(args.project, args.lines, args.runs)
        return
    if args.project is not None:
        run(args.project.resolve())
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(copy_packages(args.packages, Path(tmp) / "bench"))


if __name__ == "__main__":
    main()
