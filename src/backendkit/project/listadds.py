"""Lists built in steps: ``xs = [...]`` then ``xs.append(a)``, ``xs.insert(0, a)``,
``xs.extend([...])`` or ``xs.extend(other)``, ``xs += [...]`` or ``xs += other``.

``list_additions`` reads them from a scope's summary (shared by ``deplists.py``, for
``dependencies=`` lists, and ``GrownLists``, for the iterables of ``for`` loops).
``GrownLists`` gives what a ``for`` loop over a name bound to a static list goes through: the
list's items, then every item added to it in its scope after that binding (and, in the same
scope as the loop, before the loop). An addition under a condition is taken as if the
condition held (the linter sees every router that can be included) and its items are
``conditional``; an ``extend`` or ``+=`` of a value that is not a static list stands for one
unknown item (never a guess of what it holds). Other methods called on the list (``remove``,
``sort``) are ignored: the items it may hold are kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backendkit.project.symbols import Ctx, Unresolved, Value, VarSym
from backendkit.summary.model import Assign, BinOp, Call, CallSite, Expr, Name, Scope, Seq

if TYPE_CHECKING:
    from backendkit.project.evaluate import Evaluator

_ADDS = frozenset({"append", "extend", "insert"})


@dataclass(frozen=True)
class Addition:
    """One addition to a list, on ``line``: the items it adds (``append``, ``insert``, a
    display given to ``extend`` or ``+=``), or the expression of a list it adds (``spread``:
    ``extend(other)``). ``sure``: it runs whenever the scope's later lines do;
    ``conditional``: it is known to be under a condition, in a loop, an ``except`` handler or
    a lambda (an ``x += [a]`` whose items are not calls is neither: the summary does not say)."""

    line: int
    items: tuple[Expr, ...] = ()
    spread: Expr | None = None
    sure: bool = True
    conditional: bool = False


@dataclass(frozen=True)
class Additions:
    """Every addition to one list name in one scope, in line order; ``other``: the scope also
    calls another method on it, or adds to it in a way not understood (``insert`` with a
    keyword, ``xs -= ...``)."""

    adds: tuple[Addition, ...]
    other: bool


def list_additions(scope: Scope, name: str) -> Additions:
    """The additions to the list ``name`` in ``scope``."""
    calls = [
        _call_addition(site, site.call.func.dotted.rpartition(".")[2])
        for site in scope.calls
        if isinstance(site.call.func, Name) and site.call.func.dotted.rpartition(".")[0] == name
    ]
    augmented = [_aug_addition(scope, assign) for assign in scope.aug_assigns.get(name, ())]
    found = [add for add in (*calls, *augmented) if add is not None]
    other = len(found) < len(calls) + len(augmented)
    return Additions(tuple(sorted(found, key=lambda addition: addition.line)), other)


def _aug_addition(scope: Scope, assign: Assign) -> Addition | None:
    """What ``name += value`` adds, or None for another augmented assignment."""
    value = assign.value
    if not (isinstance(value, BinOp) and value.op == "Add"):
        return None
    if not isinstance(value.right, Seq):
        return Addition(assign.line, (), value.right, False)
    sure = _items_surely_run(scope, value.right)
    known = bool(value.right.items) and _all_calls(scope, value.right)
    return Addition(assign.line, value.right.items, None, sure, known and not sure)


def _call_addition(site: CallSite, method: str) -> Addition | None:
    """What ``name.method(...)`` adds, or None for a call that is not an addition the analysis
    understands."""
    call = site.call
    if method not in _ADDS or call.kwargs:
        return None
    sure = _surely_runs(site)
    if method == "append" and len(call.args) == 1:
        return Addition(site.line, call.args, None, sure, not sure)
    if method == "insert" and len(call.args) == 2:
        return Addition(site.line, call.args[1:], None, sure, not sure)
    if method == "extend" and len(call.args) == 1:
        arg = call.args[0]
        if isinstance(arg, Seq):
            return Addition(site.line, arg.items, None, sure, not sure)
        return Addition(site.line, (), arg, sure, not sure)
    return None


def _surely_runs(site: CallSite) -> bool:
    """Whether a call runs whenever its scope's later lines do (not under a condition, in a
    loop, an ``except`` handler or a lambda)."""
    return not (site.guarded or site.loops or site.in_except or site.lambdas)


def _items_surely_run(scope: Scope, items: Seq) -> bool:
    """``name += [Depends(a), ...]``: the augmented assignment carries no condition, so the
    call sites of its items tell; an item that is not a call may be conditional."""
    if not items.items:
        return True
    sites = {id(site.call): site for site in scope.calls}
    found = [sites.get(id(item)) for item in items.items]
    return all(site is not None and _surely_runs(site) for site in found)


def _all_calls(scope: Scope, items: Seq) -> bool:
    """Every item is a call of ``scope`` (so its call site says whether it is guarded)."""
    calls = {id(site.call) for site in scope.calls}
    return all(isinstance(item, Call) and id(item) in calls for item in items.items)


class GrownLists:
    """The items of static lists built in steps, as the ``for`` loops over them see them."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        #: (id(scope), name) -> the additions to that list
        self._memo: dict[tuple[int, str], Additions] = {}

    def iterated(
        self, iterable: Expr, ctx: Ctx, loop: int, depth: int = 0
    ) -> list[tuple[Value, bool]] | None:
        """What a ``for`` loop on line ``loop`` of ``ctx``'s scope over ``iterable`` goes
        through, each item with whether it was added under a condition; None when that is
        not static (a static dict gives its keys)."""
        value = self.evaluator.value(iterable, ctx, depth)
        if isinstance(value, dict):
            return [(key, False) for key in value]
        if not isinstance(value, list):
            return None
        return [(item, False) for item in value] + self._added(iterable, ctx, loop, depth)

    def guards(self, loop: int, ctx: Ctx) -> list[bool] | None:
        """For each iteration of the ``for`` loop on line ``loop`` of ``ctx``'s scope, whether
        its item was added to the list under a condition; None when the iterable is not
        static."""
        found = self.iterated(ctx.scopes[-1].loops[loop], ctx, loop)
        return None if found is None else [conditional for _value, conditional in found]

    def at_line(self, expr: Expr, ctx: Ctx, line: int | None, depth: int = 0) -> Value:
        """The value of ``expr`` on ``line`` of ``ctx``'s scope (None: at its end, as a
        ``return`` whose line is not known): a name bound to a static list holds the items
        added to it before that line (``routers = []; routers.append(r); return routers``)."""
        value = self.evaluator.value(expr, ctx, depth)
        if not isinstance(value, list):
            return value
        return value + [item for item, _conditional in self._added(expr, ctx, line, depth)]

    def _added(
        self, expr: Expr, ctx: Ctx, before: int | None, depth: int
    ) -> list[tuple[Value, bool]]:
        """The items added to the list the plain name ``expr`` is bound to (``_window``),
        each with whether it was added under a condition."""
        if not isinstance(expr, Name) or "." in expr.dotted:
            return []
        var = self.evaluator.index.lookup(expr.dotted, ctx, depth)
        if not isinstance(var, VarSym):
            return []
        start, end = _window(var, ctx, before)
        out: list[tuple[Value, bool]] = []
        for add in self._additions(var.ctx.scopes[-1], var.name).adds:
            if start < add.line < end:
                out += [(value, add.conditional) for value in self._values(add, var.ctx, depth)]
        return out

    def _additions(self, scope: Scope, name: str) -> Additions:
        key = (id(scope), name)
        if key not in self._memo:
            self._memo[key] = list_additions(scope, name)
        return self._memo[key]

    def _values(self, add: Addition, ctx: Ctx, depth: int) -> list[Value]:
        """The values one addition adds: one unknown item for a spread that is not static."""
        value = self.evaluator.value
        if add.spread is None:
            return [value(item, ctx, depth + 1) for item in add.items]
        spread = value(add.spread, ctx, depth + 1)
        if isinstance(spread, list):
            return spread
        return [Unresolved("list extended with a value that is not a static list")]


def _window(var: VarSym, ctx: Ctx, before: int | None) -> tuple[int, float]:
    """The lines whose additions to ``var``'s list count: after its binding, before the next
    binding of the name, and before the line ``before`` when the binding is in ``ctx``'s own
    scope (a list of the module read in a function holds every addition the module makes)."""
    scope = var.ctx.scopes[-1]
    start = var.assign.line
    ends: list[float] = [a.line for a in scope.assigns.get(var.name, ()) if a.line > start]
    if before is not None and scope is ctx.scopes[-1]:
        ends.append(before)
    return start, min(ends, default=math.inf)


__all__ = ["Addition", "Additions", "GrownLists", "list_additions"]
