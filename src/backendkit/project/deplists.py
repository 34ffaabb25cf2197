"""``dependencies=`` arguments as FastAPI receives them: a local list built in steps
(``deps = [...]`` then ``deps.append(Depends(x))``, ``deps.extend([...])``, ``deps +=
[...]``) holds what was added to it before the call that takes it (``APIRouter(...)``,
``include_router(...)`` and route decorators copy the list when they are called).

Only a name bound once in the scope of its use, to a list display, grows this way; any other
call of a method on it (``remove``, ``clear``, an ``extend`` of something else) keeps its
literal, as does a list that is a parameter or bound several times. An addition under an
``if``, ``while`` or ``else``, in a loop, an ``except`` handler or a lambda may not happen:
it is left out (for authentication, the weakest reading: a dependency that may be absent does
not make a route ``required``).
"""

from __future__ import annotations

from backendkit.project.symbols import Ctx
from backendkit.summary.model import Assign, BinOp, Call, CallSite, Expr, Name, Scope, Seq

_ADDS = frozenset({"append", "extend", "insert"})
#: one addition to a list: (line, items, whether it surely runs)
Addition = tuple[int, tuple[Expr, ...], bool]


class DependencyLists:
    """The ``dependencies=`` argument of a call, with additions to a local list seen."""

    def __init__(self) -> None:
        #: (id(scope), name) -> the additions to that list, None when not understood
        self._memo: dict[tuple[int, str], list[Addition] | None] = {}

    def of(self, call: Call, ctx: Ctx, line: int = 0) -> list[tuple[Expr, Ctx]]:
        """The ``dependencies=`` argument of ``call`` (made in ``ctx``, on ``line`` when
        known: a decorator is no call site), kept whole for ``DependencyResolver``: a grown
        local list as a display of all its items."""
        expr = call.kwarg("dependencies")
        if expr is None:
            return []
        return [(self._grown(expr, call, ctx, line) or expr, ctx)]

    def _grown(self, expr: Expr, call: Call, ctx: Ctx, line: int) -> Seq | None:
        """``expr``'s list with the additions made before ``call``, when it grows."""
        scope = ctx.scopes[-1]
        literal = _literal(expr, scope)
        if literal is None:
            return None
        assert isinstance(expr, Name)
        assert isinstance(literal.value, Seq)
        key = (id(scope), expr.dotted)
        if key not in self._memo:
            self._memo[key] = _additions(scope, expr.dotted)
        used = line or next((site.line for site in scope.calls if site.call is call), 0)
        added = _between(self._memo[key] or [], literal.line, used)
        return Seq((*literal.value.items, *added)) if added else None


def _between(additions: list[Addition], start: int, end: int) -> list[Expr]:
    """The items surely added on lines from ``start`` up to (not including) ``end``."""
    return [item for at, items, sure in additions if sure and start <= at < end for item in items]


def _literal(expr: Expr, scope: Scope) -> Assign | None:
    """The one binding of the local name ``expr`` to a list display in ``scope``."""
    if not isinstance(expr, Name) or expr.dotted in scope.params:
        return None
    assigns = scope.assigns.get(expr.dotted, ())
    if len(assigns) != 1 or not isinstance(assigns[0].value, Seq):
        return None
    return assigns[0]


def _additions(scope: Scope, name: str) -> list[Addition] | None:
    """Every addition to the list ``name`` in ``scope``, in line order; None when the scope
    does something else to it (another method, an addition that is not a display)."""
    found: list[Addition] = []
    for site in scope.calls:
        callee = site.call.func
        if not isinstance(callee, Name) or callee.dotted.rpartition(".")[0] != name:
            continue
        items = _added_items(site.call, callee.dotted.rpartition(".")[2])
        if items is None:
            return None
        found.append((site.line, items, _surely_runs(site)))
    for assign in scope.aug_assigns.get(name, ()):
        value = assign.value
        if not (isinstance(value, BinOp) and value.op == "Add" and isinstance(value.right, Seq)):
            return None
        found.append((assign.line, value.right.items, _items_surely_run(scope, value.right)))
    return sorted(found, key=lambda addition: addition[0])


def _added_items(call: Call, method: str) -> tuple[Expr, ...] | None:
    """What ``name.method(...)`` adds, or None for a call the analysis does not follow."""
    if method not in _ADDS or call.kwargs:
        return None
    if method == "append" and len(call.args) == 1:
        return call.args
    if method == "insert" and len(call.args) == 2:
        return call.args[1:]
    if method == "extend" and len(call.args) == 1 and isinstance(call.args[0], Seq):
        return call.args[0].items
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


__all__ = ["DependencyLists"]
