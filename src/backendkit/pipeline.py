"""The project pass with the rules that need no app model started before it is built.

Linking (the app model and the routes, about a third of the project pass) is one process's
work, and the rules waited for it. Most rules that read only the index, the resolver and the
import graphs (``ProjectRule.links`` False: secrets, CORS, sessions, import cycles and
contracts, MCP, ...) do not need it. On a large project with more than one process allowed,
they now start as soon as the index is built, in a forked child (``fanout.beside``), while
this process links and runs the other rules (two groups, as ``fanout.run_split`` shares them).

The early rules are a queue (``rulequeue.py``): the child takes from it from the start, and
this process too once its own work is done, so neither waits for the other while rules are
left (on the package corpus BK303 alone kept the child busy 0.4 s after this process was done).

Same findings whatever runs where: each early rule starts from the memos as the index left
them, before linking (restored before each item, in either process), and sees a context
whose model and routes are ``Unlinked`` (a rule marked ``links = False`` that reads them fails
with BK002 in every mode, never only in one). A rule may leave findings for its ``after_link``
to settle once the project is linked. Findings are merged in rule order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from backendkit import engine
from backendkit.fanout import (
    SPLIT_MIN_LINES,
    beside,
    findings_per_rule,
    keep_reusable,
    linked_context,
    memo_state,
    project_findings,
    restore_memos,
    worker_count,
)
from backendkit.findings import Finding, internal_error
from backendkit.rulequeue import Found, RuleQueue
from backendkit.rules.base import ProjectContext, ProjectRule, Unlinked

if TYPE_CHECKING:
    from backendkit.config import Config
    from backendkit.engine import Project
    from backendkit.project.appmodel import AppModel
    from backendkit.snapshot import RuleReuse
    from backendkit.summary.model import ModuleSummary

#: What the late part gives: the linked project, the findings of each of its rules and those
#: of the early rules this process took from the queue.
Late = tuple["Project", list[list[Finding]], Found]


def linked_findings(
    root: Path,
    config: Config,
    summaries: list[ModuleSummary],
    rules: Sequence[ProjectRule],
    workers: int | None = 1,
    focus: frozenset[str] | None = None,
    reuse: RuleReuse | None = None,
) -> tuple[Project, list[Finding]]:
    """Link the project and run the project ``rules`` on it (see the module's docstring): the
    project and the findings, in rule order. ``focus`` and ``reuse`` are as in
    ``fanout.findings_per_rule``."""
    where = engine.config_path(root, config)
    indexed = engine.index_project(config, summaries)
    early = [rule for rule in rules if not rule.links]
    late = [rule for rule in rules if rule.links]
    context = ProjectContext(
        indexed[0],
        cast("AppModel", Unlinked("the app model")),
        indexed[1],
        cast("list", Unlinked("the route list")),
        config_file=where,
        root=root,
    )
    start = memo_state(context)
    forked = _early_fork(early, summaries, workers)
    queue = RuleQueue(early, forked)

    def run_early(item: list[int]) -> Found:
        restore_memos(context, start)  # as the index left them, whatever ran before
        found = findings_per_rule(context, [early[i] for i in item], focus, reuse)
        return dict(zip(item, found, strict=True))

    settle: list[Callable[[], None]] = []

    def linked(_peek: Callable[[], object]) -> Late:
        project = engine.link_project(root, config, summaries, indexed)
        settle.append(_settler(early, context))
        late_found = project_findings(project, late, where, workers, focus, reuse)
        return project, late_found, queue.drain(run_early)  # what the child has not taken

    try:
        if forked:
            (project, found_late, mine), theirs = beside(linked, lambda: queue.drain(run_early))
        else:
            (project, found_late, mine), theirs = linked(lambda: None), {}
    finally:
        queue.close()
    done = {**mine, **theirs}
    missing = [i for i in range(len(early)) if i not in done]
    if missing:  # taken by a child that failed or was stopped
        done.update(run_early(missing))
    found_early = [done[i] for i in range(len(early))]
    settle[0]()
    found_early = _after_link(project, early, found_early, where)
    keep_reusable(early, found_early, reuse)
    keep_reusable(late, found_late, reuse)
    return project, _in_rule_order(rules, (early, found_early), (late, found_late))


def _settler(early: Sequence[ProjectRule], context: ProjectContext) -> Callable[[], None]:
    """Called right after linking: what puts the memos back as linking left them, before the
    early rules' ``after_link`` (which then answers alike whichever rules ran here since);
    nothing when no early rule settles findings there."""
    if not any(_settles(rule) for rule in early):
        return lambda: None
    state = memo_state(context)  # the index and resolver the project was linked with
    return lambda: restore_memos(context, state)


def _settles(rule: ProjectRule) -> bool:
    """Whether ``rule`` settles findings once the project is linked (``after_link``)."""
    return type(rule).after_link is not ProjectRule.after_link


def _after_link(
    project: Project, rules: Sequence[ProjectRule], per_rule: list[list[Finding]], where: str
) -> list[list[Finding]]:
    """Each early rule's findings as its ``after_link`` settles them on the linked
    ``project`` (a failing rule gives one BK002 finding, as in ``findings_per_rule``)."""
    if not any(_settles(rule) for rule in rules):
        return per_rule
    context = linked_context(project, where)
    settled = []
    for rule, findings in zip(rules, per_rule, strict=True):
        if not _settles(rule) or _failed(rule, findings):
            settled.append(findings)
            continue
        try:
            settled.append(rule.after_link(context, findings))
        except Exception as error:
            settled.append([internal_error(rule.code, where, error)])
    return settled


def _failed(rule: ProjectRule, findings: list[Finding]) -> bool:
    """Whether the rule's run ended in an internal error (BK002): nothing to settle."""
    return any(f.code == "BK002" for f in findings) and rule.code != "BK002"


def _early_fork(
    early: Sequence[ProjectRule], summaries: Sequence[ModuleSummary], workers: int | None
) -> bool:
    """Whether the early rules run in a fork: there are some, more than one process is
    allowed, and the project has ``SPLIT_MIN_LINES`` or more."""
    if not early or worker_count(workers) < 2:
        return False
    return sum(summary.line_count for summary in summaries) >= SPLIT_MIN_LINES


def _in_rule_order(
    rules: Sequence[ProjectRule], *parts: tuple[Sequence[ProjectRule], list[list[Finding]]]
) -> list[Finding]:
    """The findings of ``parts`` (rules and the findings of each), in the order of ``rules``."""
    by_code = {
        rule.code: found
        for some, per_rule in parts
        for rule, found in zip(some, per_rule, strict=True)
    }
    return [finding for rule in rules for finding in by_code[rule.code]]


__all__ = ["linked_findings"]
