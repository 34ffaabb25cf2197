"""Check the read-only walker against libcst's own visit on a tree of real code, and time both.

Usage: ``python bench/verify_walker.py [DIR ...]`` (default: fastapi, pydantic and sqlalchemy
from site-packages). For every ``.py`` file it compares (1) the summary built with
``walker.walk`` with the one built with ``tree.visit`` (pickles and dataclass equality) and
(2) the full sequence of hook events of the recording visitors in
``backendkit.summary.recording``. Exits 1 on any difference.
"""

from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

import libcst as cst

from backendkit.summary.recording import collect, events


def check(path: Path, timings: dict[str, float]) -> list[str]:
    """Differences between the two walks on one file (empty when identical)."""
    problems: list[str] = []
    try:
        tree = cst.parse_module(path.read_text(encoding="utf-8"))
    except (cst.ParserSyntaxError, UnicodeDecodeError, RecursionError):
        return problems
    start = time.perf_counter()
    old = collect(tree, False)
    middle = time.perf_counter()
    new = collect(tree, True)
    timings["visit"] += middle - start
    timings["walk"] += time.perf_counter() - middle
    if old != new or pickle.dumps(old) != pickle.dumps(new):
        problems.append(f"{path}: summaries differ")
    truth, ours = events(tree)
    if truth != ours:
        problems.append(f"{path}: hook events differ")
    return problems


def main(argv: list[str]) -> int:
    """Check every file under the given directories."""
    site = Path(cst.__file__).parent.parent
    roots = [Path(a) for a in argv] or [site / n for n in ("fastapi", "pydantic", "sqlalchemy")]
    timings = {"visit": 0.0, "walk": 0.0}
    problems: list[str] = []
    count = 0
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            count += 1
            problems += check(path, timings)
    print("\n".join(problems) or f"{count} files: identical summaries and hook events")
    print(f"tree.visit {timings['visit']:.2f}s, walker {timings['walk']:.2f}s")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
