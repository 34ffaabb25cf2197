"""Benchmark backendkit against a bare single-process ``libcst.parse_module`` pass.

Usage::

    python bench/bench.py [PATH] [--runs N]

``PATH`` (default ``/tmp/big``) is a project: a directory with a ``pyproject.toml`` holding
``[tool.backendkit]``. Every measurement runs in a fresh subprocess; the table shows the median
wall time of ``N`` runs, lines per second, the peak RSS of the run's process tree and each time
as a ratio to the bare parse. Rows:

- ``bare parse``: ``libcst.parse_module`` on every ``.py`` file, one process, nothing else;
- ``cold``: ``backendkit lint`` with the cache directory removed first (parallel per-file pass,
  cache written);
- ``cold, no cache``: ``analyze(use_cache=False)`` through the Python API;
- ``warm``: ``backendkit lint`` again, nothing changed;
- ``one file changed``: ``backendkit lint`` after appending a comment to one file;
- ``start-up``: ``backendkit --version``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

PYTHON = sys.executable
BACKENDKIT = str(Path(sys.executable).with_name("backendkit"))
CACHE = ".backendkit_cache"

BARE_PARSE = """
import sys
from pathlib import Path
import libcst
for path in sorted(Path(sys.argv[1]).rglob("*.py")):
    if "{cache}" not in path.parts:
        libcst.parse_module(path.read_text(encoding="utf-8"))
""".replace("{cache}", CACHE)

NO_CACHE = "import sys; from backendkit import analyze; analyze([sys.argv[1]], use_cache=False)"


def python_files(root: Path) -> list[Path]:
    """The project's Python files (what the bare parse reads)."""
    return [p for p in sorted(root.rglob("*.py")) if CACHE not in p.parts]


def run(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB, largest process of the tree) of one command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{command} failed with exit code {process.returncode}")
    return elapsed, usage.ru_maxrss


def measure(
    command: list[str], runs: int, before: Callable[[int], None] | None = None
) -> tuple[float, int]:
    """Median wall time and largest peak RSS over ``runs`` runs."""
    times, peaks = [], []
    for number in range(runs):
        if before is not None:
            before(number)
        elapsed, peak = run(command)
        times.append(elapsed)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def touched_file(files: list[Path]) -> Path:
    """A mid-sized file to change between runs."""
    sized = sorted(files, key=lambda p: p.stat().st_size)
    return sized[len(sized) // 2]


def main(argv: list[str]) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="/tmp/big")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    root = Path(args.path).resolve()
    files = python_files(root)
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    lint = [BACKENDKIT, "lint", str(root)]
    target = touched_file(files)
    original = target.read_bytes()

    def clear(_number: int) -> None:
        shutil.rmtree(root / CACHE, ignore_errors=True)

    def touch(number: int) -> None:
        target.write_bytes(original + f"\n# bench change {number} {time.time()}\n".encode())

    rows: list[tuple[str, float, int]] = []
    rows.append(("bare parse", *measure([PYTHON, "-c", BARE_PARSE, str(root)], args.runs)))
    rows.append(("cold", *measure(lint, args.runs, clear)))
    rows.append(("cold, no cache", *measure([PYTHON, "-c", NO_CACHE, str(root)], args.runs)))
    run(lint)
    rows.append(("warm", *measure(lint, args.runs)))
    try:
        rows.append((f"one file changed ({target.name})", *measure(lint, args.runs, touch)))
    finally:
        target.write_bytes(original)
    rows.append(("start-up (--version)", *measure([BACKENDKIT, "--version"], args.runs)))
    report(root, len(files), lines, args.runs, rows)
    return 0


def report(
    root: Path, count: int, lines: int, runs: int, rows: list[tuple[str, float, int]]
) -> None:
    """Print the table."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{root}: {count} files, {lines:,} lines; median of {runs} runs; {cpus} CPUs")
    print(f"{'':34} {'seconds':>8} {'lines/s':>10} {'peak RSS':>9} {'x bare':>7}")
    bare = rows[0][1]
    for name, seconds, peak in rows:
        speed = f"{lines / seconds:,.0f}" if seconds else "-"
        print(f"{name:34} {seconds:8.2f} {speed:>10} {peak / 1024:7.0f}MB {seconds / bare:7.2f}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
