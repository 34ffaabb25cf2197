"""The project pass with the rules that need no app model started before it is built.

Linking (the app model and the routes, about a third of the project pass) is one process's
work, and the rules waited for it. Most rules that read only the index, the resolver and the
import graphs (``ProjectRule.links`` False: secrets, CORS, sessions, import cycles and
contracts, MCP, ...) do not need it. On a large project with more than one process allowed,
they now start as soon as the index is built, in a forked child (``fanout.beside``), while
this process links and runs the other rules (two groups, as ``fanout.run_split`` shares them).

Same findings whatever runs where: the early rules always start from the memos as the index
left them, before linking (restored when they run here, after the others), and see a context
whose model and routes are ``Unlinked`` (a rule marked ``links = False`` that reads them fails
with BK002 in every mode, never only in one). Findings are merged in rule order.
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
    memo_state,
    project_findings,
    restore_memos,
    worker_count,
)
from backendkit.findings import Finding, internal_error
from backendkit.rules.base import ProjectContext, ProjectRule, Unlinked

if TYPE_CHECKING:
    from backendkit.config import Config
    from backendkit.engine import Project
    from backendkit.project.appmodel import AppModel
    from backendkit.snapshot import RuleReuse
    from backendkit.summary.model import ModuleSummary

#: What the late part gives: the linked project and the findings of each of its rules.
Late = tuple["Project", list[list[Finding]]]


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

    def before_link() -> list[list[Finding]]:
        restore_memos(context, start)  # as the index left them, whatever ran before
        return findings_per_rule(context, early, focus, reuse)

    settle: list[Callable[[], None]] = []

    def linked(_peek: Callable[[], object]) -> Late:
        project = engine.link_project(root, config, summaries, indexed)
        settle.append(_settler(early, context))
        return project, project_findings(project, late, where, workers, focus, reuse)

    if _early_fork(early, summaries, workers):
        (project, found_late), found_early = beside(linked, before_link)
    else:
        project, found_late = linked(lambda: None)
        found_early = before_link()
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
    context = ProjectContext(
        project.index,
        project.model,
        project.resolver,
        project.routes,
        config_file=where,
        root=project.root,
    )
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
