"""The values a dependency may have in different configurations, each with the place in the
source that selects it (its *origin*): the assignments of a name bound in several branches,
both sides of ``A() if cfg else B()``, the branches of a conditional ``dependencies=`` list,
and the values a factory returns (``return no_authentication`` in one branch, ``return
oauth2_authentication`` in another). ``authstatus`` gives the route the weakest of them and,
when another would authenticate it, names the origin of the one that opens it: the
configuration switch BK101 reports once for all the routes it opens."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from backendkit.project.authstatus import DepNode
from backendkit.project.returns import Origin, origin_of
from backendkit.project.symbols import Ctx, OneOf, VarSym
from backendkit.project.text import expr_text
from backendkit.summary.model import OR, Assign, Const, Expr, IfExp, Name, Seq

if TYPE_CHECKING:
    from backendkit.project.deps import DependencyResolver

#: where a dependency list is given: the file and line of the call taking it
Where = tuple[str, int]


def _placed(node: DepNode, origin: Origin | None) -> DepNode:
    """``node`` as the alternative selected at ``origin`` (a copy: nodes are memoised)."""
    return node if origin is None else replace(node, origin=origin)


def _chosen(options: list[DepNode]) -> DepNode:
    """The first option with the others as its alternatives."""
    first, *rest = options
    return replace(first, alternatives=[*first.alternatives, *rest]) if rest else first


def branches(expr: Expr | None) -> list[Expr]:
    """The values an assigned expression may have: both sides of ``a if c else b``."""
    if isinstance(expr, IfExp):
        return [*branches(expr.body), *branches(expr.orelse)]
    return [] if expr is None else [expr]


class Alternatives:
    """Builds the nodes of dependencies with several values for a ``DependencyResolver``."""

    def __init__(self, resolver: DependencyResolver) -> None:
        self.resolver = resolver

    def one_of(self, value: OneOf, text: str) -> DepNode:
        """A value that is one of several (a factory's returns, a decorator's parameter bound
        at each of its calls): the first, with the others as alternatives, each placed at
        the ``return`` giving it when that is known."""
        return _chosen(
            [
                _placed(self.resolver.node_for(option, text), origin_of(value, position))
                for position, option in enumerate(value.values)
            ]
        )

    def rebound(self, node: DepNode, symbol: VarSym) -> DepNode:
        """``node`` (the latest binding of ``symbol``, as the index resolves names) with the
        other values the name may have as alternatives: the other assignments of the name in
        its scope (``if cfg: _auth = A() else: _auth = B()``) and both sides of a conditional
        expression (``_auth = A() if cfg else B()``), each placed at its assignment. A
        ``None`` placeholder is not a dependency and is left out."""
        assigns = symbol.ctx.scopes[-1].assigns.get(symbol.name, [])
        latest = symbol.assign
        others = [
            (expr, assign)
            for assign in assigns
            if assign is not latest
            for expr in branches(assign.value)
            if expr != Const(None)
        ]
        if isinstance(latest.value, IfExp):
            first, *rest = branches(latest.value)
            node = self._bound_value(first, latest, symbol)
            others = [(expr, latest) for expr in rest] + others
        elif others:
            node = _placed(node, self._origin(latest.value, latest, symbol))
        if not others:
            return node
        alternatives = [self._bound_value(expr, assign, symbol) for expr, assign in others]
        return replace(node, alternatives=[*node.alternatives, *alternatives])

    def _bound_value(self, expr: Expr, assign: Assign, symbol: VarSym) -> DepNode:
        """The node for one value ``expr`` the variable ``symbol`` may be bound to."""
        text = f"{symbol.qualname} = {expr_text(expr)}"
        node = self.resolver.node_for(self.resolver.index.value(expr, symbol.ctx), text)
        return _placed(node, self._origin(expr, assign, symbol))

    @staticmethod
    def _origin(expr: Expr | None, assign: Assign, symbol: VarSym) -> Origin:
        return (symbol.ctx.module.path, assign.line, f"{symbol.name} = {expr_text(expr)}")

    def dependency_list(self, expr: IfExp, ctx: Ctx, where: Where | None) -> DepNode:
        """``[Depends(auth)] if settings.auth else []``: a group node per branch, the second
        an alternative of the first (the route gets the weaker), both placed at ``where``
        (the call given the list, or the assignment of the name holding it); when the test
        is a local variable of the function registering the routes (``is_auth =
        api.is_authenticated()``, then one ``add_api_route(..., dependencies=[...] if is_auth
        else None)`` per route), at its assignment, where they are reported together."""
        label = expr_text(expr)
        flagged = self._flag(expr.flag, ctx) if _nothing(expr.orelse) else None
        place = flagged or where

        def selected(branch: Expr, value: str) -> str:
            text = f"the branch {expr_text(branch)} of dependencies={label}"
            return f"{expr.flag} {value} ({text})" if flagged else text

        return _chosen(
            [
                DepNode(
                    label,
                    "group",
                    children=self.resolver.from_list(branch, ctx, where),
                    origin=None if place is None else (*place, selected(branch, value)),
                )
                for branch, value in ((expr.body, "true"), (expr.orelse, "false"))
            ]
        )

    def _flag(self, flag: str, ctx: Ctx) -> Where | None:
        """Where the local variable ``flag`` (a test's name) is assigned, if it is one bound
        once (not a module's: each list tested on a module constant is a switch of its
        own)."""
        if not flag or flag == OR:
            return None
        symbol = self.resolver.index.lookup(flag, ctx)
        if not isinstance(symbol, VarSym) or not symbol.assign.line:
            return None
        if len(symbol.ctx.scopes) < 2 or symbol.ctx.module is not ctx.module:
            return None
        if len(symbol.ctx.scopes[-1].assigns.get(flag, ())) != 1:
            return None  # which binding reaches each list is not known
        return symbol.ctx.module.path, symbol.assign.line


def _nothing(expr: Expr) -> bool:
    """``None`` or an empty list: the branch of a conditional ``dependencies=`` list that
    takes them all away (every list tested on one flag is then opened by the same value)."""
    return expr in (Const(None), Name("None")) or (isinstance(expr, Seq) and not expr.items)
