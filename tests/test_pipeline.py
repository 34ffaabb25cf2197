"""The rules that need no app model run while the project is linked (``pipeline.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from backendkit import fanout, pipeline
from backendkit.catalogue import RuleInfo
from backendkit.findings import Finding, Severity
from backendkit.rules import RULES
from backendkit.rules.base import LinkNeeded, ProjectContext, ProjectRule
from helpers import count_calls, pipeline_findings, write_project

APP = {
    "app/__init__.py": "",
    "app/deps.py": "def get_user() -> str:\n    return 'u'\n",
    "app/main.py": (
        "from fastapi import Depends, FastAPI\n\n"
        "from app.deps import get_user\n\n"
        "app = FastAPI()\n\n\n"
        "@app.get('/me')\n"
        "def me(user: str = Depends(get_user)) -> str:\n"
        "    return user\n"
    ),
}

Check = Callable[[ProjectRule, ProjectContext], Iterator[Finding]]


def _rule(code: str, links: bool, check: Check) -> ProjectRule:
    cls = type(f"Rule{code}", (ProjectRule,), {"code": code, "links": links})
    cls.check_project = check  # type: ignore[attr-defined]
    info = RuleInfo(code, code.lower(), Severity.WARNING, "test", "", "project", True, None)
    return cls(info, {})  # type: ignore[no-any-return]


def _memo_size(rule: ProjectRule, ctx: ProjectContext) -> Iterator[Finding]:
    memo = len(ctx.index.evaluator._memo) + len(ctx.resolver._memo)
    yield rule.finding("app/main.py", 1, f"memo {memo}")


def _reads_routes(rule: ProjectRule, ctx: ProjectContext) -> Iterator[Finding]:
    yield rule.finding("app/main.py", 1, f"{len(ctx.routes)} routes")


def _linked(root: Path, rules: list[ProjectRule], workers: int) -> list[Finding]:
    return pipeline_findings(root, APP, rules, workers)


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Small projects count as large: the early rules fork; the list counts the forks."""
    monkeypatch.setattr(pipeline, "SPLIT_MIN_LINES", 0)
    monkeypatch.setattr(fanout, "SPLIT_MIN_LINES", 0)
    return count_calls(monkeypatch, pipeline, "beside")


@pytest.mark.parametrize("workers", [1, 2])
def test_early_rules_start_from_the_memos_before_linking(
    tmp_path: Path, forced: list[int], workers: int
) -> None:
    """Linking fills the memos; an early rule sees them as the index left them, in a fork or,
    with one worker, after the other rules, so both modes give the same findings."""
    root = write_project(tmp_path / "p", APP)
    rules = [_rule("E1", False, _memo_size), _rule("L1", True, _memo_size)]
    found = _linked(root, rules, workers)
    assert [f.code for f in found] == ["E1", "L1"]  # rule order, whatever ran first
    assert found[0].message == "memo 0"
    assert found[1].message != "memo 0"  # the late rule sees what linking memoised
    assert len(forced) == (1 if workers == 2 else 0)


@pytest.mark.parametrize("workers", [1, 2])
def test_an_early_rule_reading_the_routes_fails_in_every_mode(
    tmp_path: Path, forced: list[int], workers: int
) -> None:
    """A rule wrongly marked ``links = False`` is an internal error (BK002) whether it runs in
    the fork or here after linking, never a silent answer in one mode only."""
    root = write_project(tmp_path / "p", APP)
    found = _linked(root, [_rule("E1", False, _reads_routes)], workers)
    assert [f.code for f in found] == ["BK002"]
    assert LinkNeeded.__name__ in found[0].message
    late = _linked(root, [_rule("L1", True, _reads_routes)], workers)
    assert [f.message for f in late] == ["1 routes"]


def test_one_worker_never_forks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--jobs 1`` runs the early rules here."""

    def no_fork(*_args: object) -> None:
        raise AssertionError("forked with one worker")

    monkeypatch.setattr(pipeline, "SPLIT_MIN_LINES", 0)
    monkeypatch.setattr(pipeline, "beside", no_fork)
    root = write_project(tmp_path / "p", APP)
    assert _linked(root, [_rule("E1", False, _memo_size)], 1)


def test_the_early_rules_are_those_marked() -> None:
    """The rules that start before linking: the index-only ones, none of the route rules."""
    project = {code: rule for code, rule in RULES.items() if issubclass(rule, ProjectRule)}
    early = {code for code, rule in project.items() if not rule.links}
    assert {"BK103", "BK104", "BK301", "BK303", "BK501", "BK502", "BK601"} <= early
    assert not early & {"BK101", "BK102", "BK108", "BK208"}


def _settled_rule(code: str, after: Callable[[ProjectContext, list[Finding]], list[Finding]]):
    """An early rule leaving one finding, which ``after`` settles once the project is linked."""
    rule = _rule(code, False, lambda self, ctx: iter([self.finding("app/main.py", 1, "left")]))
    type(rule).after_link = lambda self, ctx, found: after(ctx, found)  # type: ignore[method-assign]
    return rule


@pytest.mark.parametrize("workers", [1, 2])
def test_early_findings_are_settled_once_linked_from_the_memos_linking_left(
    tmp_path: Path, forced: list[int], workers: int
) -> None:
    """An early rule's ``after_link`` reads the routes, from the memos as linking left them
    (what a late rule run first sees), whether the early rule ran in a fork or here."""
    root = write_project(tmp_path / "p", APP)

    def settle(ctx: ProjectContext, found: list[Finding]) -> list[Finding]:
        memo = len(ctx.index.evaluator._memo) + len(ctx.resolver._memo)
        return [*found, found[0].__class__(**{**found[0].__dict__, "message": f"memo {memo}"})]

    rules = [_settled_rule("E1", settle), _rule("L1", True, _memo_size)]
    found = _linked(root, rules, workers)
    assert [f.message for f in found[:2]] == ["left", found[2].message]
    assert found[2].message != "memo 0"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_settlement_is_an_internal_error(
    tmp_path: Path, forced: list[int], workers: int
) -> None:
    """``after_link`` raising gives the rule one BK002 finding, the other rules still run."""
    root = write_project(tmp_path / "p", APP)

    def fail(_ctx: ProjectContext, _found: list[Finding]) -> list[Finding]:
        raise ValueError("boom")

    found = _linked(root, [_settled_rule("E1", fail), _rule("L1", True, _reads_routes)], workers)
    assert [f.code for f in found] == ["BK002", "L1"]
    assert "boom" in found[0].message
