"""Whether a ``try`` of a function swallows an error raised in its body.

An error raised on a line of a ``try`` body leaves the function unless a handler of that
``try`` catches it and holds no ``raise`` (``except Exception: return None``, ``except
HTTPException: pass``): the first handler that catches it runs, and one that re-raises, or
raises another error, hands an error on (an inner ``try`` that re-raises leaves it to the outer
ones). So does a handler that hands the error it binds to a call (``except Exception as e:
return await handle_auth_error(e)``), which may raise it again; logging it does not.

A handler catches the error when it is bare, names ``Exception`` or ``BaseException``, the
error's class or one of its bases (FastAPI's or Starlette's ``HTTPException`` for theirs and
for project subclasses of it), or a tuple holding one (written in place or bound to a name). A
handler naming something the analysis cannot tell catches nothing: a 401 is taken to leave the
function unless it is shown to be swallowed.
"""

from __future__ import annotations

from typing import NamedTuple

from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import (
    ClassSym,
    Ctx,
    External,
    FuncSym,
    Instance,
    OneOf,
    Unresolved,
    VarSym,
)
from backendkit.summary.model import Expr, Name, Seq

__all__ = ["HTTP_ERROR", "Catches", "Raised", "is_http_error"]

_CATCH_ALL = frozenset({"Exception", "BaseException"})
#: how many names bound to names an ``except`` target is followed through
_DEPTH = 5


class Raised(NamedTuple):
    """What catches an error: the qualnames of its class and bases (``pkg.mod:Class`` for
    project classes, the import path for others), and whether an ``except HTTPException``
    (FastAPI's or Starlette's) does."""

    names: frozenset[str]
    http: bool


#: an ``HTTPException`` of FastAPI or Starlette
HTTP_ERROR = Raised(frozenset(), True)


def is_http_error(cls: External) -> bool:
    """FastAPI's or Starlette's ``HTTPException``, or a class every exception derives from."""
    if cls.qualname.removeprefix("builtins.") in _CATCH_ALL:
        return True
    return cls.last == "HTTPException" and cls.is_from("fastapi", "starlette")


class Catches:
    """Reads the ``except`` clauses of a function's ``try`` statements."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index

    def raised(self, value: object) -> Raised | None:
        """What catches the error ``value`` (an instance of a class); None when it is not
        one the analysis knows."""
        if not isinstance(value, Instance):
            return None
        cls = value.cls
        if isinstance(cls, External):
            return Raised(frozenset({cls.qualname}), is_http_error(cls))
        names = frozenset(klass.qualname for klass in self.index.mro(cls))
        bases = self.index.external_bases(cls)
        return Raised(names | {b.qualname for b in bases}, any(map(is_http_error, bases)))

    def swallowed(self, func: FuncSym, line: int, value: object = None) -> bool:
        """A ``try`` of ``func`` around ``line`` swallows the error ``value`` raised there
        (None: an ``HTTPException``; several possible errors: each of them)."""
        if not func.info.scope.in_try(line):
            return False
        options = value.values if isinstance(value, OneOf) else (value,)
        kinds = [HTTP_ERROR if v is None else self.raised(v) for v in options]
        known = [kind for kind in kinds if kind is not None]
        return bool(known) and all(self._swallows(func, line, kind) for kind in known)

    def _swallows(self, func: FuncSym, line: int, raised: Raised) -> bool:
        inner = func.ctx.enter(func.info)
        for block in func.info.scope.tries:
            if not block.holds(line):
                continue
            handler = next(
                (h for h in block.handlers if self.catches(h.caught, inner, raised)), None
            )
            if handler is not None and not handler.raises and not handler.hands:
                return True
        return False

    def catches(self, caught: Expr | None, ctx: Ctx, raised: Raised, depth: int = 0) -> bool:
        """An ``except`` naming ``caught`` (None: bare) catches the error ``raised``."""
        if caught is None:
            return True
        if isinstance(caught, Seq):
            return any(self.catches(item, ctx, raised, depth) for item in caught.items)
        if isinstance(caught, Name):
            return self._name_catches(caught, ctx, raised, depth)
        return self._class_catches(self.index.value(caught, ctx), raised)

    def _name_catches(self, caught: Name, ctx: Ctx, raised: Raised, depth: int) -> bool:
        """``catches`` for a name: a class, or a variable holding a tuple of them."""
        symbol = self.index.lookup(caught.dotted, ctx)
        if isinstance(symbol, VarSym) and symbol.assign.value is not None and depth < _DEPTH:
            return self.catches(symbol.assign.value, symbol.ctx, raised, depth + 1)
        if isinstance(symbol, Unresolved):  # a builtin the index does not name
            return caught.dotted in _CATCH_ALL
        return self._class_catches(symbol, raised)

    @staticmethod
    def _class_catches(symbol: object, raised: Raised) -> bool:
        if isinstance(symbol, ClassSym):
            return symbol.qualname in raised.names
        if not isinstance(symbol, External):
            return False
        if symbol.qualname.removeprefix("builtins.") in _CATCH_ALL:
            return True
        return symbol.qualname in raised.names or (raised.http and is_http_error(symbol))
