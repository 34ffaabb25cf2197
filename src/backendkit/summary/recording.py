"""Recording visitors that check the read-only walker (``walker.walk``) against libcst's own
``tree.visit``: used by ``tests/test_walker.py`` and ``bench/verify_walker.py``, not by the
engine.

``Recorder`` records every hook libcst calls through its generic ``on_*`` methods;
``NamedHooks`` records the same events through a named ``visit_X`` / ``leave_X`` /
``visit_X_attr`` / ``leave_X_attr`` method for every node class and field, which is what the
walker calls. Equal event lists mean the walker calls the same hooks in the same order.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable

import libcst as cst

from backendkit.summary.collector import Collector
from backendkit.summary.model import ModuleSummary
from backendkit.summary.walker import walk

Event = tuple[str, int, str]

NODE_CLASSES: list[type[cst.CSTNode]] = [
    cls
    for cls in vars(cst).values()
    if isinstance(cls, type) and issubclass(cls, cst.CSTNode) and not inspect.isabstract(cls)
]


class Recorder(cst.CSTVisitor):
    """libcst's side: every hook it calls, through the generic ``on_*`` methods."""

    def __init__(self, skip: tuple[type, ...] = ()) -> None:
        self.events: list[Event] = []
        self.skip = skip

    def on_visit(self, node: cst.CSTNode) -> bool:
        """A node is entered; children of ``skip`` types are not visited."""
        self.events.append(("visit", id(node), ""))
        return not isinstance(node, self.skip)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        """A node is left."""
        self.events.append(("leave", id(original_node), ""))

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        """An attribute is entered."""
        self.events.append(("visit_attr", id(node), attribute))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        """An attribute is left."""
        self.events.append(("leave_attr", id(original_node), attribute))


def _hook(label: str, attr: str, skip: bool = False) -> Callable[[Recorder, cst.CSTNode], object]:
    def hook(self: Recorder, node: cst.CSTNode) -> object:
        self.events.append((label, id(node), attr))
        return not isinstance(node, self.skip) if skip else None

    return hook


def _named_hooks() -> type[Recorder]:
    methods: dict[str, object] = {}
    for cls in NODE_CLASSES:
        name = cls.__name__
        methods[f"visit_{name}"] = _hook("visit", "", skip=True)
        methods[f"leave_{name}"] = _hook("leave", "")
        for field in dataclasses.fields(cls):
            methods[f"visit_{name}_{field.name}"] = _hook("visit_attr", field.name)
            methods[f"leave_{name}_{field.name}"] = _hook("leave_attr", field.name)
    return type("NamedHooks", (Recorder,), methods)


#: The walker's side: a named hook for every node class and every dataclass field.
NamedHooks = _named_hooks()


def events(tree: cst.Module, skip: tuple[type, ...] = ()) -> tuple[list[Event], list[Event]]:
    """The hook events of ``tree.visit`` and of ``walk`` (children of ``skip`` types skipped)."""
    truth, ours = Recorder(skip), NamedHooks(skip)
    tree.visit(truth)
    walk(tree, ours)
    return truth.events, ours.events


def collect(tree: cst.Module, use_walker: bool) -> ModuleSummary:
    """The summary of ``tree`` built with the walker or with ``tree.visit``."""
    summary = ModuleSummary(path="x.py", module="x", is_package=False, line_count=0)
    collector = Collector(summary)
    if use_walker:
        walk(tree, collector)
    else:
        tree.visit(collector)
    summary.line_count = collector.line
    return summary


__all__ = ["NODE_CLASSES", "NamedHooks", "Recorder", "collect", "events"]
