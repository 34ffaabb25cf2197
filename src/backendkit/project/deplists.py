"""``dependencies=`` arguments as FastAPI receives them: a local list built in steps
(``deps = [...]`` then ``deps.append(Depends(x))``, ``deps.extend([...])``, ``deps +=
[...]``) holds what was added to it before the call that takes it (``APIRouter(...)``,
``include_router(...)`` and route decorators copy the list when they are called).

Only a name bound once in the scope of its use, to a list display, grows this way; any other
call of a method on it (``remove``, ``clear``, an ``extend`` of something else) keeps its
literal, as does a list that is a parameter or bound several times. An addition under an
``if``, ``while`` or ``else``, in a loop, an ``except`` handler or a lambda may not happen:
the list is then two alternatives, with every addition and with the sure ones only (an
``IfExp`` of the two, as ``[...] if cfg else [...]`` is), so a route takes the weaker (a
dependency that may be absent does not make it ``required``) and a conditional
authentication is one configuration switch (``rules/authswitch.py``).
"""

from __future__ import annotations

from backendkit.project.listadds import list_additions
from backendkit.project.symbols import Ctx
from backendkit.summary.model import Assign, Call, Expr, IfExp, Name, Scope, Seq

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

    def _grown(self, expr: Expr, call: Call, ctx: Ctx, line: int) -> Expr | None:
        """``expr``'s list with the additions made before ``call``, when it grows: with
        additions that may not happen, the list with all of them or with the sure ones."""
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
        return _grow(literal.value.items, literal.line, self._memo[key] or [], used)


def _grow(items: tuple[Expr, ...], start: int, additions: list[Addition], end: int) -> Expr | None:
    """The list ``items`` with the additions on lines ``start`` up to ``end``: a display of
    the sure ones, or the alternatives with all of them and with the sure ones only (None:
    nothing added)."""
    sure = _between(additions, start, end, False)
    every = _between(additions, start, end, True)
    surely = Seq((*items, *sure))
    if len(every) > len(sure):
        return IfExp(Seq((*items, *every)), surely)
    return surely if sure else None


def _between(additions: list[Addition], start: int, end: int, maybe: bool) -> list[Expr]:
    """The items added on lines from ``start`` up to (not including) ``end``: surely, or
    with ``maybe`` also those whose addition may not happen."""
    return [
        item
        for at, items, sure in additions
        if (sure or maybe) and start <= at < end
        for item in items
    ]


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
