"""The project rules of a large project run in two processes (``fanout.py``): the same findings,
in the same order, as one process; a child that fails is replaced, never trusted."""

from __future__ import annotations

import os
import pickle
import resource
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import MethodType

import pytest

from backendkit import analyze, fanout, pipeline
from backendkit.catalogue import RuleInfo, load_catalogue
from backendkit.config import load_config
from backendkit.engine import build_project
from backendkit.findings import Finding, Severity
from backendkit.rules import RULES
from backendkit.rules.base import ProjectContext, ProjectRule
from helpers import count_calls, write_project


def _rule(code: str, cost: float, graphs: bool = False, reads: str = "all") -> ProjectRule:
    attributes: dict[str, object] = {
        "code": code,
        "cost": cost,
        "uses_graphs": graphs,
        "reads": reads,
    }
    cls = type(f"Rule{code}", (ProjectRule,), attributes)
    info = RuleInfo(code, code.lower(), Severity.WARNING, "test", "", "project", True, None)
    return cls(info, {})


def test_split_keeps_graph_rules_together_and_balances_cost() -> None:
    """Rules using the shared graphs land on one side; every rule runs exactly once."""
    rules = [
        _rule("A", 1),
        _rule("G1", 10, graphs=True),
        _rule("B", 8),
        _rule("G2", 3, graphs=True),
        _rule("C", 4),
        _rule("D", 1),
    ]
    here, there = fanout.split_rules_by_cost(rules)
    assert sorted(here + there) == list(range(len(rules)))
    graph_side = here if 1 in here else there
    assert 3 in graph_side
    cost = [sum(rules[i].cost for i in side) for side in (here, there)]
    assert abs(cost[0] - cost[1]) <= 2


def test_in_two_runs_the_second_half_in_a_child() -> None:
    """The second function runs in another process, and its result comes back."""
    parent = os.getpid()
    mine, theirs = fanout.in_two(lambda: os.getpid(), lambda: os.getpid())
    assert mine == parent
    if hasattr(os, "fork"):
        assert theirs != parent


def test_no_fork_while_other_threads_run() -> None:
    """Embedded in a threaded program, both halves run in this process."""
    parent = os.getpid()
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert fanout.in_two(lambda: os.getpid(), lambda: os.getpid()) == (parent, parent)
    finally:
        release.set()
        other.join()


def test_ignored_sigchld_is_not_an_error() -> None:
    """A host that ignores SIGCHLD reaps children itself: the result still arrives."""
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        assert fanout.in_two(lambda: 1, lambda: 2) == (1, 2)
    finally:
        signal.signal(signal.SIGCHLD, previous)


def test_an_error_here_kills_and_reaps_the_child() -> None:
    """When this process's half raises (Ctrl-C included), the child is not waited for and
    leaves no zombie."""

    def slow() -> int:
        time.sleep(30)
        return 2

    def boom() -> int:
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        fanout.in_two(boom, slow)
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_truncated_result_is_redone_here() -> None:
    """Bytes that do not add up to the announced length are never unpickled."""
    data = pickle.dumps([1, 2, 3])
    whole = len(data).to_bytes(8, "big") + data
    assert fanout._theirs(whole, lambda: "redone") == [1, 2, 3]
    assert fanout._theirs(whole[:-1], lambda: "redone") == "redone"
    assert fanout._theirs(b"", lambda: "redone") == "redone"


def test_one_sided_split_does_not_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules that all land on one side run here, without a child."""

    def no_fork(*_args: object) -> None:
        raise AssertionError("forked for nothing")

    monkeypatch.setattr(fanout, "in_two", no_fork)
    rules = [_rule("G1", 3, graphs=True), _rule("G2", 1, graphs=True)]
    found = fanout.run_split(None, rules, lambda _ctx, some: [[] for _ in some], True)  # type: ignore[arg-type]
    assert found == [[], []]


def test_a_failing_child_is_redone_here() -> None:
    """A child that raises (or dies) delivers nothing; this process runs its work instead."""
    parent = os.getpid()

    def second() -> str:
        if os.getpid() != parent:
            raise RuntimeError("the child failed")
        return "redone in the parent"

    assert fanout.in_two(lambda: "first", second) == ("first", "redone in the parent")


def test_an_unpicklable_result_is_redone_here() -> None:
    """A result that cannot travel back through the pipe is computed here."""
    parent = os.getpid()
    result = fanout.in_two(lambda: 1, lambda: (lambda: 0) if os.getpid() != parent else 2)
    assert result == (1, 2)


def _invalid_examples() -> dict[str, str]:
    """Every rule's single-file invalid examples that need no options, each as its own
    module of one project."""
    files: dict[str, str] = {}
    for code, rule in sorted(RULES.items()):
        for number, example in enumerate(rule.INVALID):
            if isinstance(example.files, str) and not example.options:
                files[f"ex_{code.lower()}_{number}.py"] = example.files
    return files


BLOCKING = """import requests
from fastapi import FastAPI

app = FastAPI()


def fetch() -> str:
    return requests.get("https://example.com").text


@app.get("/slow")
async def slow() -> str:
    return fetch()
"""


def test_split_and_serial_project_passes_are_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the split forced on a project of every rule's invalid examples, the findings and
    routes equal those of one process, in the same order, and come from all three parts: the
    rules run before linking (forked), and both halves of the others."""
    files = _invalid_examples() | {"ex_blocking.py": BLOCKING}
    root = write_project(tmp_path / "all", files, select=["ALL"])
    serial = analyze([root], use_cache=False, workers=1)
    forks: list[tuple[list[str], list[str]]] = []
    real_split = fanout.split_rules_by_cost

    def recorded(rules: list[ProjectRule]) -> tuple[list[int], list[int]]:
        here, there = real_split(rules)
        forks.append(([rules[i].code for i in here], [rules[i].code for i in there]))
        return here, there

    besides = count_calls(monkeypatch, pipeline, "beside")
    monkeypatch.setattr(fanout, "SPLIT_MIN_LINES", 0)
    monkeypatch.setattr(pipeline, "SPLIT_MIN_LINES", 0)
    monkeypatch.setattr(fanout, "split_rules_by_cost", recorded)
    split = analyze([root], use_cache=False, workers=2)
    assert forks, "the project pass did not split"
    assert besides, "the rules that need no link did not start before it"
    assert split.findings == serial.findings
    assert split.routes == serial.routes
    codes = {f.code for f in serial.findings}
    here, there = forks[0]
    assert codes & set(here)
    assert codes & set(there)
    early = {
        code for code, rule in RULES.items() if issubclass(rule, ProjectRule) and not rule.links
    }
    assert codes & early


MUTUAL = {
    "app/__init__.py": "",
    "app/use.py": (
        "from app import use as me\n\n\n"
        "def f(p):\n    r = p\n    r.g(1)\n\n\n"
        "def g(q):\n    s = q\n    s.f(2)\n\n\n"
        "f(me)\ng(me)\n"
    ),
}


def _callers_rule(code: str, name: str) -> ProjectRule:
    """A rule reporting the callers of ``app.use.<name>``."""

    def check_project(self: ProjectRule, ctx: ProjectContext) -> Iterator[Finding]:
        func = ctx.index.modules["app.use"].scope.functions[name]
        for call, _where in ctx.index.callers(func):
            yield self.finding("app/use.py", 1, f"{name} called by {call.func}")

    rule = _rule(code, 1)
    rule.check_project = MethodType(check_project, rule)  # type: ignore[method-assign]
    return rule


@pytest.mark.parametrize("order", [("f", "g"), ("g", "f")])
def test_one_process_and_two_agree_on_mutually_recursive_parameters(
    tmp_path: Path, order: tuple[str, str]
) -> None:
    """Parameters that flow through each other's callers are cut where the search entered the
    cycle; each group starts from the memos as linking left them, so one process and two give
    the same findings in either rule order."""
    root = write_project(tmp_path / "p", MUTUAL)
    rules = [_callers_rule("R1", order[0]), _callers_rule("R2", order[1])]

    def run(ctx: ProjectContext, some: list[ProjectRule]) -> list[list[Finding]]:
        return [list(rule.check_project(ctx)) for rule in some]

    found = []
    for fork in (False, True):
        project, _files = build_project(root, load_config(root, load_catalogue()))
        context = ProjectContext(
            project.index, project.model, project.resolver, project.routes, root=root
        )
        per_rule = fanout.run_split(context, rules, run, True, fork)
        found.append([f.message for findings in per_rule for f in findings])
    assert found[0] == found[1]
    assert len(found[0]) >= 3


def test_jobs_one_never_forks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--jobs 1`` runs both groups in this process."""

    def no_fork(*_args: object) -> None:
        raise AssertionError("forked with one worker")

    monkeypatch.setattr(fanout, "SPLIT_MIN_LINES", 0)
    monkeypatch.setattr(fanout, "in_two", no_fork)
    root = write_project(tmp_path / "all", _invalid_examples(), select=["ALL"])
    assert analyze([root], use_cache=False, workers=1).findings


NOT_MEMOS = {
    "index": {
        "modules",
        "unparsed",  # the modules that did not parse, fixed when the index is built
        "_packages",
        "_in_progress",
        "_sites_by_name",
        "_named",  # sites_named: grouped from _sites_by_name, resolves nothing
        "_all_sites",
        "_all_functions",
        "_stars",  # star imports and static __all__ per module, fixed when the index is built
        "_exports",
        "_star_open",  # star searches in progress
    },
    # _computing: in progress; _transient: answers kept until the outermost evaluation ends
    "evaluator": {"_handlers", "_nesting", "env", "_computing", "_transient"},
    "resolver": {"_active"},
}


def test_every_memo_is_restored_between_groups(tmp_path: Path) -> None:
    """A memo added to the index, the evaluator or the dependency resolver must be listed in
    ``fanout._MEMOS`` (or here, when rules cannot change it)."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/m.py": "x = 1\n"})
    project, _files = build_project(root, load_config(root, load_catalogue()))
    owners = {
        "index": project.index,
        "evaluator": project.index.evaluator,
        "resolver": project.resolver,
    }
    for role, owner in owners.items():
        state = {k for k, v in vars(owner).items() if isinstance(v, (dict, set, list, int))}
        assert state - NOT_MEMOS[role] == set(fanout._MEMOS[role]), role


def test_a_stuck_child_is_killed_and_its_work_redone_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child still running long after this process's half is done is stopped (no zombie)
    and its half runs here."""
    monkeypatch.setattr(fanout, "CHILD_GRACE", 0.5)
    parent = os.getpid()

    def second() -> str:
        if os.getpid() != parent:
            time.sleep(60)  # stuck
        return "redone in the parent"

    started = time.monotonic()
    assert fanout.in_two(lambda: "first", second) == ("first", "redone in the parent")
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_large_result_arrives_whole() -> None:
    """A result bigger than a pipe buffer is read in pieces until the child closes it."""
    big = ["x" * 1000] * 5000
    assert fanout.in_two(lambda: 1, lambda: big) == (1, big)


def test_a_pipe_above_descriptor_1024_is_read() -> None:
    """A host holding many open files gets pipe descriptors over 1024 (``select`` refuses
    those; the result must still arrive)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 2048:
        pytest.skip("cannot open 1,100 files here")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2048), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        assert fanout.in_two(lambda: "a", lambda: "b") == ("a", "b")
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
