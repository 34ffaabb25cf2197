"""The early rules are a queue both processes take from (``rulequeue.py``, ``pipeline.py``)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from backendkit import fanout, pipeline
from backendkit.catalogue import RuleInfo
from backendkit.findings import Finding, Severity
from backendkit.rulequeue import RuleQueue
from backendkit.rules.base import ProjectContext, ProjectRule
from helpers import pipeline_findings, write_project

APP = {
    "app/__init__.py": "",
    "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
}


def _rule(code: str, cost: float, graphs: bool = False, check=None) -> ProjectRule:
    def mark(self: ProjectRule, _ctx: ProjectContext) -> Iterator[Finding]:
        yield self.finding("app/main.py", 1, f"pid {os.getpid()}")

    attrs = {"code": code, "links": False, "cost": cost, "uses_graphs": graphs}
    cls = type(f"Rule{code}", (ProjectRule,), attrs)
    cls.check_project = check or mark  # type: ignore[attr-defined]
    info = RuleInfo(code, code.lower(), Severity.WARNING, "test", "", "project", True, None)
    return cls(info, {})  # type: ignore[no-any-return]


def test_items_are_heaviest_first_with_the_graph_users_as_one() -> None:
    rules = [_rule("A", 1), _rule("G1", 2, True), _rule("B", 5), _rule("G2", 1, True)]
    assert RuleQueue(rules, shared=False).items == [[2], [1, 3], [0]]


@pytest.mark.parametrize("shared", [False, True])
def test_every_item_is_taken_once(shared: bool) -> None:
    rules = [_rule(f"R{i}", i) for i in range(6)]
    queue = RuleQueue(rules, shared)
    taken = [queue.take(), queue.take()]
    rest = queue.drain(lambda item: {i: [] for i in item})
    queue.close()
    assert taken == [[5], [4]]
    assert sorted(rest) == [0, 1, 2, 3]
    assert queue.take() is None


def test_a_forked_child_and_this_process_take_different_items() -> None:
    """Items read from the pipe by two processes: each item goes to exactly one of them."""
    rules = [_rule(f"R{i}", 1) for i in range(200)]
    queue = RuleQueue(rules, shared=True)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_end)
        mine = queue.drain(lambda item: {i: [] for i in item})
        os.write(write_end, ",".join(map(str, mine)).encode())
        os._exit(0)
    os.close(write_end)
    mine = queue.drain(lambda item: {i: [] for i in item})
    os.waitpid(pid, 0)
    with os.fdopen(read_end) as pipe:
        theirs = [int(n) for n in pipe.read().split(",") if n]
    queue.close()
    assert sorted([*mine, *theirs]) == list(range(200))


def _linked(root: Path, rules: list[ProjectRule], workers: int) -> list[Finding]:
    return pipeline_findings(root, APP, rules, workers)


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small projects count as large: the early rules fork."""
    monkeypatch.setattr(pipeline, "SPLIT_MIN_LINES", 0)
    monkeypatch.setattr(fanout, "SPLIT_MIN_LINES", 0)


def _meeting(tmp_path: Path, me: str, other: str):
    """A check that says whether the rule named ``other`` ran at the same time (in another
    process): each leaves a mark and waits a little for the other's."""

    def check(self: ProjectRule, _ctx: ProjectContext) -> Iterator[Finding]:
        (tmp_path / me).touch()
        deadline = time.monotonic() + 5
        while not (tmp_path / other).exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        met = "together" if (tmp_path / other).exists() else "alone"
        yield self.finding("app/main.py", 1, f"{met} {os.getpid()}")

    return check


def test_this_process_takes_early_rules_once_it_is_free(tmp_path: Path, forced: None) -> None:
    """Two early rules that wait for each other: the child takes one, this process the other
    once it has linked, so they run at the same time in two processes."""
    root = write_project(tmp_path / "p", APP)
    rules = [
        _rule("A", 2, check=_meeting(tmp_path, "a", "b")),
        _rule("B", 1, check=_meeting(tmp_path, "b", "a")),
    ]
    found = _linked(root, rules, 2)
    assert [f.code for f in found] == ["A", "B"]
    assert [f.message.split()[0] for f in found] == ["together", "together"]
    assert len({f.message.split()[1] for f in found}) == 2


def test_an_item_the_child_never_delivered_runs_here(tmp_path: Path, forced: None) -> None:
    """A child that dies in an early rule: that rule and the ones it had not taken run here."""
    parent = os.getpid()

    def dies_in_child(self: ProjectRule, _ctx: ProjectContext) -> Iterator[Finding]:
        if os.getpid() != parent:
            os._exit(3)
        yield self.finding("app/main.py", 1, "ran here")

    root = write_project(tmp_path / "p", APP)
    rules = [_rule("A", 9, check=dies_in_child), _rule("B", 1), _rule("C", 1)]
    found = _linked(root, rules, 2)
    assert [f.code for f in found] == ["A", "B", "C"]
    assert found[0].message == "ran here"
    assert all(f.message.startswith("pid ") for f in found[1:])


@pytest.mark.parametrize("workers", [1, 2])
def test_each_item_starts_from_the_memos_the_index_left(
    tmp_path: Path, forced: None, workers: int
) -> None:
    """An early rule that fills a memo does not change what the next one sees."""

    def fills(self: ProjectRule, ctx: ProjectContext) -> Iterator[Finding]:
        before = len(ctx.index.evaluator._memo)
        ctx.index.evaluator._memo[("test", id(self))] = None  # type: ignore[index]
        yield self.finding("app/main.py", 1, f"memo {before}")

    root = write_project(tmp_path / "p", APP)
    found = _linked(root, [_rule("A", 2, check=fills), _rule("B", 1, check=fills)], workers)
    assert [f.message for f in found] == ["memo 0", "memo 0"]
