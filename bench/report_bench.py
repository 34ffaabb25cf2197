"""Time ``backendkit report`` on a large tree, step by step.

Default: a temporary project holding a copy of the installed ``sqlalchemy`` package. Prints the
time of the analysis (the lint run the report is built on), of collecting the report data
(import graph, cycles, radon figures: cold, i.e. no metrics cache, then warm) and of rendering
HTML and Markdown, with the peak resident memory after each and the output sizes.

    python bench/report_bench.py [PROJECT_DIR] [--packages sqlalchemy]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from backendkit import __version__
from backendkit.cache import cache_path
from backendkit.catalogue import load_catalogue
from backendkit.engine import analyze_linked
from backendkit.report.data import collect
from backendkit.report.html import render_html
from backendkit.report.markdown import render_markdown
from backendkit.report.metrics import CACHE_NAME

sys.path.insert(0, str(Path(__file__).parent))
from graph_bench import copy_packages, timed


def bench(root: Path) -> None:
    """Print the figures for the project at ``root``."""
    result, project = timed("analysis (engine cache)", lambda: analyze_linked(root, []))
    print(f"{len(result.files)} files, {sum(s.line_count for s in project.summaries)} lines")
    metrics_dir = cache_path(root, project.config.cache_dir) / "files"
    (metrics_dir / CACHE_NAME).unlink(missing_ok=True)
    catalogue = load_catalogue()

    def gather():
        return collect(result, project, catalogue, __version__, cache_dir=metrics_dir)

    timed("collect, radon cold", gather)
    data = timed("collect, radon cached", gather)
    html = timed("render HTML", lambda: render_html(data))
    markdown = timed("render Markdown", lambda: render_markdown(data))
    print(f"HTML {len(html) / 1024:.0f} kB, Markdown {len(markdown) / 1024:.0f} kB, ", end="")
    print(f"graph drawn: {len(data.graph)} nodes (depth {data.depth or 'full'})")


def main() -> None:
    """Command line: a project directory, or packages to copy into a temporary one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path)
    parser.add_argument("--packages", nargs="+", default=["sqlalchemy"])
    args = parser.parse_args()
    if args.project:
        bench(args.project.resolve())
        return
    temporary = Path(tempfile.mkdtemp(prefix="report-bench-"))
    try:
        bench(copy_packages(args.packages, temporary / "project").resolve())
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
