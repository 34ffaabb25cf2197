"""BK301's search: from an async function along the source's calls to a blocking call.

A state of the search is a function with the constants its parameters are bound to
(``graphs.constargs``): ``get_secret("DATABASE_URL")`` does not reach the network call in
``get_secret``'s ``if name.startswith("oidc/"):`` branch, while ``get_secret(name)`` of an
unknown ``name`` does. Only the parameters that a function tests or passes on are kept in its
state, so a function called with many constants is searched once per constant only where
they matter.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import TYPE_CHECKING

from backendkit.graphs.calltrust import CallTrust, names_callee
from backendkit.graphs.constargs import (
    call_binding,
    dead,
    in_force,
    relevant,
    resolve_names,
)
from backendkit.summary.model import Const, Name

if TYPE_CHECKING:
    from backendkit.graphs.calls import CallGraph
    from backendkit.project.index import ProjectIndex
    from backendkit.summary.model import Call, CallSite, FunctionInfo

Step = tuple[str, int]  # a function (or the blocking external) and the line that calls it
#: a function and its bound parameters, sorted: ``(name, (("p", "str", "v"), ...))``
State = tuple[str, tuple[tuple[str, str, object], ...]]
_NO_BINDING: tuple[tuple[str, str, object], ...] = ()


def matches(name: str, patterns: Iterable[str]) -> bool:
    """Whether an external's import path matches one of the glob ``patterns``."""
    return any(fnmatchcase(name, pattern) for pattern in patterns)


@lru_cache(maxsize=65536)
def matches_once(name: str, patterns: tuple[str, ...], exempt: tuple[str, ...] = ()) -> bool:
    """``matches`` ``patterns`` and not ``exempt``, memoised: every route's search meets the
    same externals again."""
    return matches(name, patterns) and not matches(name, exempt)


class BlockingSearch:
    """Searches from entry points of one call graph (what it learns of the functions is kept
    between searches)."""

    def __init__(
        self,
        calls: CallGraph,
        patterns: Sequence[str],
        exempt: Sequence[str],
        index: ProjectIndex,
    ):
        from backendkit.rules.architecture import RUFF_ASYNC_CALLS

        self.calls = calls
        self.trust = CallTrust(calls.defs, index)
        self.patterns = tuple(patterns)
        self.direct = tuple(p for p in patterns if p not in RUFF_ASYNC_CALLS)
        self.exempt = tuple(exempt)
        self._relevant: dict[str, frozenset[str]] = {}
        self._succ: dict[State, list[tuple[str, int, tuple]]] = {}
        self._hit: dict[tuple[State, bool], list[tuple[int, int, str]]] = {}
        self._param_tests: dict[str, tuple] = {}
        self.index = index

    def chain(self, entry: str) -> tuple[list[Step], int] | None:
        """The shortest chain of source calls from ``entry`` to a blocking call (one matching
        the patterns and not exempt), and how many blocking call sites ``entry`` reaches.
        Calls made by ``entry`` itself count only when ruff's ASYNC rules do not report them
        (a sync database session, redis, smtplib...)."""
        start: State = (entry, _NO_BINDING)
        parents: dict[State, tuple[State, int] | None] = {start: None}
        queue = deque([start])
        first: list[Step] = []
        seen: set[tuple[str, int]] = set()  # (function, position in its externals)
        while queue:
            state = queue.popleft()
            node = state[0]
            self.calls.expand(node)
            hits = self._state_hits(state, node == entry)
            if hits:
                seen.update((node, position) for position, _line, _name in hits)
                first = first or [*_path(parents, state), (hits[0][2], hits[0][1])]
            self._visit(entry, state, parents, queue)
        return (first, len(seen)) if first else None

    def _state_hits(self, state: State, direct: bool) -> list[tuple[int, int, str]]:
        """``_hits`` of ``state``, memoised across entries (most states are met again)."""
        key = (state, direct)
        found = self._hit.get(key)
        if found is None:
            binding = {k: v for k, _kind, v in state[1]}
            wanted = self.direct if direct else self.patterns
            found = self._hit[key] = self._hits(state[0], binding, wanted)
        return found

    def _hits(
        self, node: str, binding: dict, wanted: tuple[str, ...]
    ) -> list[tuple[int, int, str]]:
        """The blocking externals ``node`` calls on lines its ``binding`` leaves live, each
        with its position among ``node``'s externals."""
        tests = self._tests(node) if binding else ()
        return [
            (position, line, name)
            for position, (line, name) in enumerate(self.calls.external.get(node, []))
            if matches_once(name, wanted, self.exempt)
            and not (tests and dead(tests, binding, line))
        ]

    def _visit(self, entry: str, state: State, parents: dict, queue: deque) -> None:
        """Queue the states ``state``'s function calls in the source, on live lines, the
        first call of each first (FastAPI runs sync dependencies and background tasks in a
        thread pool, so an edge only FastAPI makes is not followed; one the function also
        makes itself is)."""
        found = self._succ.get(state)
        if found is None:
            binding = {k: v for k, _kind, v in state[1]}
            found = self._succ[state] = self._successors(state[0], binding)
        for succ, line, key in found:
            nxt = (succ, key)
            if succ != entry and nxt not in parents:
                parents[nxt] = (state, line)
                queue.append(nxt)

    def _successors(self, node: str, binding: dict) -> list[tuple[str, int, tuple]]:
        """``(callee, line, its state key)`` for each live source call of ``node``, by
        callee then line."""
        tests = self._tests(node) if binding else ()
        by_callee: dict[str, list[CallSite]] = {}
        for callee, site in self.calls.sites.get(node, []):
            if not (tests and dead(tests, binding, site.line)):
                by_callee.setdefault(callee, []).append(site)
        return [
            (succ, site.line, self._callee_binding(node, succ, site, binding))
            for succ in sorted(by_callee)
            for site in sorted(by_callee[succ], key=lambda site: site.line)
        ]

    def _callee_binding(self, node: str, succ: str, site: CallSite, binding: dict) -> tuple:
        """The state key of ``succ`` called at ``site`` by ``node``, bound by ``binding``:
        the constants of the parameters it tests or passes on, when the call surely gives
        them to ``succ`` (``graphs.calltrust``)."""
        info = self.trust.function(succ)
        call = site.call
        if info is None or not (binding or _has_literal(call) or _literal_default(info)):
            return _NO_BINDING  # no constant reaches a parameter
        wanted = self._wanted(succ, info)
        if not wanted or not names_callee(call, info, self.trust.rebound_in(node)):
            return _NO_BINDING
        bound = call_binding(call, info, binding, 0)
        return _key(info, {k: v for k, v in bound.items() if k in wanted})

    def _wanted(self, node: str, info: FunctionInfo) -> frozenset[str]:
        """``relevant(info)``, memoised by node."""
        wanted = self._relevant.get(node)
        if wanted is None:
            wanted = self._relevant[node] = relevant(info)
        return wanted

    def _tests(self, node: str) -> tuple:
        """``node``'s tests on its parameters, a constant they look in read from the project
        (``constargs.resolve_names``), memoised by node."""
        found = self._param_tests.get(node)
        if found is None:
            info = self.trust.function(node)
            found = info.scope.param_tests if info is not None else ()
            if any(_looks_up(test.cond) for test in found):
                found = resolve_names(found, lambda name: self._keys(node, name))
            self._param_tests[node] = found
        return found

    def _keys(self, node: str, name: str) -> tuple[object, ...] | None:
        """The keys of the static dict (or the items of the static list) the constant
        ``name`` holds where ``node``'s body reads it; None when it is not one."""
        ctx = self.trust.body_context(node)
        value = self.index.value(Name(name), ctx) if ctx is not None else None
        if isinstance(value, dict):
            return tuple(value)
        return tuple(value) if isinstance(value, list) else None


def _key(info: FunctionInfo, kept: dict) -> tuple:
    """The state key of ``info`` with the constants ``kept`` (those that stay in force)."""
    if kept:
        kept = in_force(info, kept)
    return tuple(sorted((k, type(v).__name__, v) for k, v in kept.items()))


def _looks_up(cond: tuple) -> bool:
    """Whether a test reads a constant of the project (``p in NAME``)."""
    if cond[0] == "not":
        return _looks_up(cond[1])
    if cond[0] in ("and", "or"):
        return _looks_up(cond[1]) or _looks_up(cond[2])
    return cond[0] == "inname"


def _has_literal(call: Call) -> bool:
    """Whether ``call`` passes a literal (the only constants an unbound caller has)."""
    args = (*call.args, *(value for _key, value in call.kwargs))
    return any(isinstance(arg, Const) for arg in args)


def _literal_default(info: FunctionInfo) -> bool:
    return any(isinstance(param.default, Const) for param in info.params)


def _path(parents: dict, state: State) -> list[Step]:
    """``[(entry, 0), (f, line in entry), (g, line in f), ...]`` up to ``state``."""
    steps: list[Step] = []
    current: State | None = state
    while current is not None:
        parent = parents[current]
        steps.append((current[0], parent[1] if parent else 0))
        current = parent[0] if parent else None
    return steps[::-1]


__all__ = ["BlockingSearch", "Step", "matches", "matches_once"]
