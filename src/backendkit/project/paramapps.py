"""Parameters annotated as an app or a router that registrations are made on when the analysis
cannot tell which object they are (``def attach(app: FastAPI): @app.get(...)`` called by
nobody it sees, or given a library's object). FastAPI registers the routes on whatever app is
passed: they exist, with dependencies that are not known, so the app model keeps them on a
stand-in router (an orphan whose routes are ``unknown``), instead of dropping them."""

from __future__ import annotations

from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx, External, ParamSym
from backendkit.summary.model import Const, Expr, Name

__all__ = ["annotated_parameter"]


def annotated_parameter(
    index: ProjectIndex, receiver: str, ctx: Ctx
) -> tuple[ParamSym, ClassSym | External] | None:
    """The parameter ``receiver`` is (a bare name, not ``self``), with the class its
    annotation names, when it has one; None otherwise."""
    if "." in receiver or receiver in ("self", "cls"):
        return None
    symbol = index.lookup(receiver, ctx)
    if not isinstance(symbol, ParamSym) or symbol.ctx.scopes[-1] is not ctx.scopes[-1]:
        return None
    annotation = _annotation(symbol.func.params[symbol.index].annotation)
    if annotation is None:
        return None
    cls = index.resolve_expr(annotation, symbol.head(annotation=True))
    return (symbol, cls) if isinstance(cls, (ClassSym, External)) else None


def _annotation(expr: Expr | None) -> Expr | None:
    """An annotation as a name (``"FastAPI"`` in quotes too)."""
    if isinstance(expr, Const) and isinstance(expr.value, str) and expr.value.isidentifier():
        return Name(expr.value)
    return expr if isinstance(expr, Name) else None
