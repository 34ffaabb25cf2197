"""The project rules of a large project, run on two cores.

The project pass is single-threaded work over the whole program (about 1.4 s on 100k lines),
and on a 2-core machine the second core sits idle through it. A large project's rules are
split in two groups of about equal cost (rules that share the context's graphs,
``ProjectRule.uses_graphs``, stay together, so each graph is built once). Each group starts
from the memos as linking left them; when more than one worker is allowed, a forked copy of
this process runs the second group and sends its findings back through a pipe, otherwise the
memos are restored between the groups. Findings are merged in rule order, so one process and
two give the same output. A run focused on a few files (``ProjectIndex.focus``) runs both
groups here, one after the other (``_fork``). Where ``fork`` is missing or fails, other
threads are running, or the child dies or is stuck (still running long after this process's
group is done), this process runs the child's group itself: slower, never different.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, TypeVar

from backendkit.findings import Finding, internal_error
from backendkit.rules.base import ProjectContext, ProjectRule

if TYPE_CHECKING:
    from backendkit.engine import Project
    from backendkit.snapshot import RuleReuse

#: Below this many lines, a second process costs more than it saves.
SPLIT_MIN_LINES = 20_000
_LENGTH = 8  # bytes of the length prefix of the child's result
#: How long the child may still run once this process's group is done: at least
#: ``CHILD_GRACE`` seconds, or ``CHILD_FACTOR`` times what this process's group took. The
#: groups are of about equal cost, so a child this late is stuck; its group is redone here.
CHILD_GRACE = 30.0
CHILD_FACTOR = 5.0

T = TypeVar("T")
R = TypeVar("R")
#: Runs some rules on the context: the findings of each rule, in the order given.
RunRules = Callable[[ProjectContext, Sequence[ProjectRule]], list[list[Finding]]]


def findings_per_rule(
    context: ProjectContext,
    rules: Sequence[ProjectRule],
    focus: frozenset[str] | None = None,
    reuse: RuleReuse | None = None,
    *,
    grouped: bool = False,
    fork: bool = False,
) -> list[list[Finding]]:
    """The findings of each of the project ``rules``, in rule order; a failing rule gives one
    BK002 finding at the context's ``config_file``. ``grouped``: in two groups (a project of
    ``SPLIT_MIN_LINES`` or more, see ``run_split``), the second in a fork when ``fork``. With
    a ``focus`` (relative paths), a ``focusable`` rule looks only for the findings of those
    files (``ProjectIndex.focus``). A rule that reads one part of the project only
    (``ProjectRule.reads``) is not run when ``reuse`` has its last findings for that part
    unchanged (``keep_reusable`` records them for the next run)."""
    kept = _reused(rules, reuse)
    where = context.config_file

    def run(ctx: ProjectContext, some: Sequence[ProjectRule]) -> list[list[Finding]]:
        out: list[list[Finding]] = []
        for rule in some:
            if rule.code in kept:
                out.append(kept[rule.code])
                continue
            ctx.index.focus = focus if rule.focusable else None
            try:
                out.append(list(rule.check_project(ctx)))
            except Exception as error:
                out.append([internal_error(rule.code, where, error)])
            finally:
                ctx.index.focus = None
        return out

    return run_split(context, rules, run, grouped, fork)


def keep_reusable(
    rules: Sequence[ProjectRule], per_rule: Sequence[list[Finding]], reuse: RuleReuse | None
) -> None:
    """Give ``reuse`` the findings of the rules that read one part of the project only."""
    if reuse is None:
        return
    for rule, findings in zip(rules, per_rule, strict=True):
        if _partial(rule):
            reuse.keep(rule.code, rule.reads, findings)


def project_findings(
    project: Project,
    rules: Sequence[ProjectRule],
    where: str,
    workers: int | None,
    focus: frozenset[str] | None = None,
    reuse: RuleReuse | None = None,
) -> list[list[Finding]]:
    """``findings_per_rule`` on the linked ``project``: grouped when it has
    ``SPLIT_MIN_LINES`` or more, the second group forked when ``_fork`` allows."""
    context = linked_context(project, where)
    grouped = sum(s.line_count for s in project.summaries) >= SPLIT_MIN_LINES
    fork = _fork(project, workers, focus)
    return findings_per_rule(context, rules, focus, reuse, grouped=grouped, fork=fork)


def linked_context(project: Project, where: str) -> ProjectContext:
    """The context the project rules read on the linked ``project`` (``where``: the file
    their BK002 findings name)."""
    return ProjectContext(
        project.index,
        project.model,
        project.resolver,
        project.routes,
        config_file=where,
        root=project.root,
    )


def _partial(rule: ProjectRule) -> bool:
    """Whether ``rule`` reads one part of the project only, for every file at once."""
    return rule.reads != "all" and not rule.focusable


def _reused(rules: Sequence[ProjectRule], reuse: RuleReuse | None) -> dict[str, list[Finding]]:
    """The last run's findings of the ``rules`` (by code) that ``reuse`` allows. Such a rule
    stays in its group (``split_rules_by_cost`` sees every rule): it reads no memo, and the
    other rules are grouped alike whether it runs or not."""
    if reuse is None:
        return {}
    kept = {}
    for rule in rules:
        if _partial(rule) and (found := reuse.reusable(rule.code, rule.reads)) is not None:
            kept[rule.code] = found
    return kept


def worker_count(workers: int | None = None) -> int:
    """How many processes to use: ``workers``, else one per CPU this process may use."""
    if workers is not None:
        return max(workers, 1)
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


def _fork(project: Project, workers: int | None, focus: frozenset[str] | None) -> bool:
    """Whether the second rule group runs in a fork: when more than one process is allowed
    and the rules look at ``SPLIT_MIN_LINES`` or more. A run focused on a few files spends most
    of its rule time on what both processes would build alike (the call and import graphs,
    the lists of call sites), so one process is faster; the groups stay the same."""
    if worker_count(workers) < 2:
        return False
    if focus is None:
        return True
    focused = sum(s.line_count for s in project.summaries if s.path in focus)
    return focused >= SPLIT_MIN_LINES


#: Snapshot of the memos the rules fill: (object, attribute, copy of its value).
MemoState = list[tuple[object, str, object]]
_MEMOS = {
    "index": (
        "_callers",
        "_mro",
        "_bases",
        "_names",
        "_targets",
        "_cutoffs",
        "_guard_hits",
        "_star_names",
    ),
    "evaluator": ("_memo", "_cuts"),
    "resolver": ("_memo", "_params"),
}


def memo_state(context: ProjectContext) -> MemoState:
    """Copies of the index's, evaluator's and dependency resolver's memos."""
    owners = {
        "index": context.index,
        "evaluator": context.index.evaluator,
        "resolver": context.resolver,
    }
    state: MemoState = []
    for role, names in _MEMOS.items():
        for name in names:
            value = getattr(owners[role], name)
            state.append((owners[role], name, dict(value) if isinstance(value, dict) else value))
    return state


def restore_memos(context: ProjectContext, state: MemoState) -> None:
    """Put the memos back as ``memo_state`` found them."""
    for owner, name, value in state:
        setattr(owner, name, dict(value) if isinstance(value, dict) else value)


def cost_items(rules: Sequence[ProjectRule]) -> list[list[int]]:
    """Positions of ``rules`` in items that run in one process, heaviest first (by
    ``ProjectRule.cost``; ties in rule order): one per rule, and one for all the rules that
    use the shared graphs (built once per process)."""
    graph_users = [i for i, rule in enumerate(rules) if rule.uses_graphs]
    items = [[i] for i, rule in enumerate(rules) if not rule.uses_graphs]
    if graph_users:
        items.append(graph_users)
    items.sort(key=lambda item: (-sum(rules[i].cost for i in item), item[0]))
    return items


def split_rules_by_cost(
    rules: Sequence[ProjectRule],
) -> tuple[list[int], list[int]]:
    """Positions of ``rules`` for this process and for the forked one, of about equal cost:
    the items of ``cost_items`` are dealt heaviest first to the lighter side."""
    sides: tuple[list[int], list[int]] = ([], [])
    loads = [0.0, 0.0]
    for group in cost_items(rules):
        side = 0 if loads[0] <= loads[1] else 1
        sides[side].extend(group)
        loads[side] += sum(rules[i].cost for i in group)
    return sorted(sides[0]), sorted(sides[1])


def run_split(
    context: ProjectContext,
    rules: Sequence[ProjectRule],
    run: RunRules,
    grouped: bool,
    fork: bool = True,
) -> list[list[Finding]]:
    """The findings of each of the ``rules``, in rule order. ``grouped``: in two groups, each
    run from the memos as they were after linking, the second in a fork when ``fork`` allows.

    The groups depend on the project only, never on ``--jobs``: the index's memos may hold
    answers that depend on which rule asked first (a cycle of parameters flowing through
    callers is cut where the search entered it), so each group starting from the same memos
    is what makes a run in one process and a run in two give the same findings."""
    here, there = split_rules_by_cost(rules) if grouped and len(rules) > 1 else ([], [])
    if not here or not there:
        return run(context, rules)
    start = memo_state(context)

    def second() -> list[list[Finding]]:
        restore_memos(context, start)  # as after linking, whatever ran before
        return run(context, [rules[i] for i in there])

    def first() -> list[list[Finding]]:
        return run(context, [rules[i] for i in here])

    found_here, found_there = in_two(first, second) if fork else (first(), second())
    by_rule = dict(zip(here, found_here, strict=True)) | dict(zip(there, found_there, strict=True))
    return [by_rule[i] for i in range(len(rules))]


def in_two(first: Callable[[], T], second: Callable[[], T]) -> tuple[T, T]:
    """``(first(), second())``, with ``second`` run in a forked child at the same time.

    The child sends its pickled result, prefixed with its length, through a pipe and leaves
    with ``os._exit`` (no atexit handlers, no second flush of inherited output buffers). A
    child that fails, dies, sends less than it announced or is still running long after
    ``first`` returned (see ``CHILD_GRACE``) is replaced by calling ``second`` here; if
    ``first`` raises (Ctrl-C included), the child is killed and reaped first."""
    if not _can_fork():
        return first(), second()
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except Exception:  # no process to spare, or a warning raised as an error
        os.close(read_end)
        os.close(write_end)
        return first(), second()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(read_end)
        _child(second, write_end)
    os.close(write_end)
    started = time.monotonic()
    try:
        mine = first()
        took = time.monotonic() - started
        data = _read_all(read_end, time.monotonic() + max(CHILD_GRACE, CHILD_FACTOR * took))
    except BaseException:
        _kill(pid)
        os.close(read_end)
        raise
    os.close(read_end)
    if data is None:  # the child is stuck: stop it and do its work here
        _kill(pid)
        return mine, second()
    _reap(pid)
    return mine, _theirs(data, second)


def beside(first: Callable[[Callable[[], T | None]], R], second: Callable[[], T]) -> tuple[R, T]:
    """``(first(peek), second())``, with ``second`` run in a forked child meanwhile; ``peek()``
    is the child's result once all of it has arrived, else None at once (it never waits), so
    ``first`` can stop early when the result makes its work unneeded (``second`` must not
    return None).

    Without ``fork`` (or in a multi-threaded process) ``second`` runs here first and ``peek``
    has its result from the start: the same results, one after the other. A child that fails
    or is still running long after ``first`` returned is replaced by calling ``second`` here."""
    if not _can_fork():
        theirs = second()
        return first(lambda: theirs), theirs
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except Exception:  # no process to spare
        os.close(read_end)
        os.close(write_end)
        theirs = second()
        return first(lambda: theirs), theirs
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(read_end)
        _child(second, write_end)
    os.close(write_end)
    pipe = _Pipe(read_end)
    started = time.monotonic()
    try:
        mine = first(pipe.peek)
        took = time.monotonic() - started
        done = pipe.finish(time.monotonic() + max(CHILD_GRACE, CHILD_FACTOR * took))
    except BaseException:
        _kill(pid)
        os.close(read_end)
        raise
    os.close(read_end)
    if not done:  # the child is stuck: stop it and do its work here
        _kill(pid)
        return mine, second()
    _reap(pid)
    return mine, _theirs(b"".join(pipe.chunks), second)


class _Pipe:
    """The read end of a child's result pipe, read as far as it goes without waiting."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.chunks: list[bytes] = []
        self.closed = False
        self.value: object = _BROKEN  # what the child sent, once the pipe is closed

    def _drain(self, timeout_ms: int) -> None:
        """Read what the pipe holds, waiting at most ``timeout_ms`` for the first byte."""
        poller = select.poll()  # not select.select: it refuses descriptors of 1024 and above
        poller.register(self.fd, select.POLLIN)
        while not self.closed and poller.poll(timeout_ms):
            chunk = os.read(self.fd, 1 << 20)
            self.closed = not chunk
            self.chunks.append(chunk)
            timeout_ms = 0

    def finish(self, deadline: float) -> bool:
        """Read to the end; False when the child has not closed the pipe by ``deadline``."""
        while not self.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._drain(max(1, int(left * 1000)))
        return True

    def peek(self) -> object | None:
        """The child's result once the pipe is closed and what came is whole, else None
        (decoded once)."""
        if not self.closed:
            self._drain(0)
            if not self.closed:
                return None
            self.value = _decoded(b"".join(self.chunks))
        return None if self.value is _BROKEN else self.value


#: what ``_decoded`` gives for bytes that are not a whole result
_BROKEN = object()


def _decoded(data: bytes) -> object:
    """What a child sent (its length prefix checked), or ``_BROKEN``."""
    if len(data) > _LENGTH and int.from_bytes(data[:_LENGTH], "big") == len(data) - _LENGTH:
        try:
            return pickle.loads(data[_LENGTH:])  # our own child's bytes, from our own pipe
        except Exception:  # unreadable: the work is redone here
            pass
    return _BROKEN


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything written to the pipe ``fd`` until the writer closes it, or None when that
    has not happened by ``deadline`` (``time.monotonic()``)."""
    pipe = _Pipe(fd)
    return b"".join(pipe.chunks) if pipe.finish(deadline) else None


def _can_fork() -> bool:
    """``fork`` is used on Linux only, and only from a single-threaded process: a program that
    embeds backendkit and runs other threads could leave a lock held in the child."""
    return sys.platform == "linux" and hasattr(os, "fork") and threading.active_count() == 1


def _child(work: Callable[[], object], write_end: int) -> None:  # pragma: no cover - in child
    """Run ``work`` and write its pickled result after its length; exit without returning."""
    code = 1
    try:
        data = pickle.dumps(work(), pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(len(data).to_bytes(_LENGTH, "big") + data)
        code = 0
    except BaseException:  # the parent redoes the work; never unwind into the parent's code
        pass
    finally:
        os._exit(code)


def _kill(pid: int) -> None:
    """Stop the child now and reap it."""
    with suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    _reap(pid)


def _reap(pid: int) -> None:
    """Wait for the child (already reaped when SIGCHLD is ignored, which is not an error)."""
    with suppress(ChildProcessError, InterruptedError):
        os.waitpid(pid, 0)


def _theirs(data: bytes, again: Callable[[], T]) -> T:
    """The child's result when all of it arrived, else ``again()``."""
    value = _decoded(data)
    return again() if value is _BROKEN else value  # type: ignore[return-value]


__all__ = [
    "SPLIT_MIN_LINES",
    "beside",
    "cost_items",
    "findings_per_rule",
    "in_two",
    "keep_reusable",
    "linked_context",
    "memo_state",
    "project_findings",
    "restore_memos",
    "run_split",
    "split_rules_by_cost",
    "worker_count",
]
