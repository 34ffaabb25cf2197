"""Check the read-only walker against libcst's own visit on a tree of real code, and time both.

Usage: ``python bench/verify_walker.py [DIR ...]`` (default: fastapi, pydantic and sqlalchemy
from site-packages). For every ``.py`` file it compares (1) the summary built with
``walker.walk`` with the one built with ``tree.visit`` (pickles and dataclass equality) and
(2) the full sequence of hook events of a recording visitor. Exits 1 on any difference.
"""

from __future__ import annotations

import dataclasses
import inspect
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path

import libcst as cst

from backendkit.summary.collector import Collector
from backendkit.summary.model import ModuleSummary
from backendkit.summary.walker import walk


class Recorder(cst.CSTVisitor):
    """Records every hook libcst would call: node visits, leaves and attribute hooks."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int, str]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        """A node is entered."""
        self.events.append(("visit", id(node), ""))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        """A node is left."""
        self.events.append(("leave", id(original_node), ""))

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        """An attribute is entered."""
        self.events.append(("visit_attr", id(node), attribute))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        """An attribute is left."""
        self.events.append(("leave_attr", id(original_node), attribute))


def _event_hook(label: str, attr: str) -> Callable[[Recorder, cst.CSTNode], None]:
    def hook(self: Recorder, node: cst.CSTNode) -> None:
        self.events.append((label, id(node), attr))

    return hook


def hook_recorder_class() -> type[Recorder]:
    """A recorder with a real ``visit_X`` / ``leave_X`` / ``visit_X_attr`` / ``leave_X_attr``
    method for every libcst node class and every dataclass field (the walker calls named hooks,
    not the ``on_*`` methods)."""
    methods: dict[str, object] = {}
    for cls in vars(cst).values():
        if not (isinstance(cls, type) and issubclass(cls, cst.CSTNode)) or inspect.isabstract(cls):
            continue
        name = cls.__name__
        methods[f"visit_{name}"] = _event_hook("visit", "")
        methods[f"leave_{name}"] = _event_hook("leave", "")
        for field in dataclasses.fields(cls):
            methods[f"visit_{name}_{field.name}"] = _event_hook("visit_attr", field.name)
            methods[f"leave_{name}_{field.name}"] = _event_hook("leave_attr", field.name)
    return type("HookRecorder", (Recorder,), methods)


def _summary(tree: cst.Module, use_walker: bool) -> ModuleSummary:
    summary = ModuleSummary(path="x.py", module="x", is_package=False, line_count=0)
    collector = Collector(summary)
    if use_walker:
        walk(tree, collector)
    else:
        tree.visit(collector)
    summary.line_count = collector.line
    return summary


HOOK_RECORDER = hook_recorder_class()


def check(path: Path, timings: dict[str, float]) -> list[str]:
    """Differences between the two walks on one file (empty when identical)."""
    problems: list[str] = []
    try:
        tree = cst.parse_module(path.read_text(encoding="utf-8"))
    except (cst.ParserSyntaxError, UnicodeDecodeError, RecursionError):
        return problems
    start = time.perf_counter()
    old = _summary(tree, False)
    middle = time.perf_counter()
    new = _summary(tree, True)
    timings["visit"] += middle - start
    timings["walk"] += time.perf_counter() - middle
    if old != new or pickle.dumps(old) != pickle.dumps(new):
        problems.append(f"{path}: summaries differ")
    truth, ours = Recorder(), HOOK_RECORDER()
    tree.visit(truth)
    walk(tree, ours)
    if truth.events != ours.events:
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
