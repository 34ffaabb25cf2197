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

from backendkit.project.listadds import list_additions
from backendkit.project.symbols import Ctx
from backendkit.summary.model import Assign, Call, Expr, Name, Scope, Seq

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
    """Every addition of items to the list ``name`` in ``scope``, in line order; None when the
    scope does something else to it (another method, an addition that is not a display)."""
    found = list_additions(scope, name)
    if found.other or any(add.spread is not None for add in found.adds):
        return None
    return [(add.line, add.items, add.sure) for add in found.adds]


__all__ = ["DependencyLists"]
