"""Whether a ``try`` of a function swallows an error raised in its body.

An error raised on a line of a ``try`` body leaves the function unless a handler of that
``try`` catches it and holds no ``raise`` (``except Exception: return None``, ``except
HTTPException: pass``): the first handler that catches it runs, and one that re-raises, or
raises another error, hands an error on (an inner ``try`` that re-raises leaves it to the outer
ones). So does a handler that stores the error it binds, hands it to a call (``except
Exception as e: return await handle_auth_error(e)``), unless the call only logs it or is a
project function that raises nothing (nor do the project functions it calls, two deep), or
calls a project function that re-raises what is handled (``rethrow()``, a bare ``raise``) or
raises a 401/403 of its own (``unauthorized("bad key")``).

``with contextlib.suppress(E)`` is such a ``try`` with one quiet handler naming ``E``; a
``return`` among the own statements of a ``finally:`` drops whatever was raised before it,
handlers included; ``except*`` is read as ``except``. A handler that raises another error
inside an outer ``try`` (``passed_on``) leaves where the 401 ends unknown. One whose only
statement raises the caught error again under a test of its status (``except HTTPException
as e: if e.status_code == 401: raise``) swallows an error of a known other status (a 403).

A handler catches the error when it is bare, names ``Exception`` or ``BaseException``, the
error's class or one of its bases (Starlette's ``HTTPException`` catches FastAPI's, a subclass
of it, but not the other way round), or a tuple holding one (written in place or bound to a
name). A handler naming something the analysis cannot tell catches nothing: a 401 is taken to
leave the function unless it is shown to be swallowed.
"""

from __future__ import annotations

from collections.abc import Callable
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
from backendkit.summary.blocks import Handler, TryBlock
from backendkit.summary.model import REPORT_CALLS, CallSite, Expr, Name, Scope, Seq

__all__ = ["FASTAPI_ERROR", "HTTP_ERROR", "Catches", "Raised", "http_family"]

_CATCH_ALL = frozenset({"Exception", "BaseException"})
#: how many names bound to names an ``except`` target is followed through
_DEPTH = 5
#: how many calls deep a function called in a handler is read for a ``raise``
_DEPTH_CALLS = 2


#: the status of an expression in a context, and of an error instance (None: not known)
Statuses = tuple[Callable[[Expr, Ctx], "int | None"], Callable[[Instance], "int | None"]]


class Raised(NamedTuple):
    """What catches an error: the qualnames of its class and bases (``pkg.mod:Class`` for
    project classes, the import path for others), and which ``HTTPException`` classes it is
    an instance of ("fastapi": FastAPI's, a subclass of "starlette": Starlette's)."""

    names: frozenset[str]
    http: frozenset[str]
    error: object = None  # the error instance, whose status ``Catches.status`` reads


#: Starlette's ``HTTPException``: what a helper or scheme raises when the analysis cannot
#: tell which (only ``except`` Starlette's class, or a catch-all, is sure to catch it)
HTTP_ERROR = Raised(frozenset(), frozenset({"starlette"}))
#: FastAPI's ``HTTPException``: ``except`` FastAPI's or Starlette's class catches it
FASTAPI_ERROR = Raised(frozenset(), frozenset({"fastapi", "starlette"}))


def _first_in(scope: Scope, block: TryBlock, site: CallSite) -> bool:
    """Nothing runs in ``block``'s body before the call at ``site``: no other call and no
    assignment from its first line up to the call's."""
    calls = (s for s in scope.calls if block.first <= s.line <= site.line and s is not site)
    lines = (a.line for bound in scope.assigns.values() for a in bound)
    return next(calls, None) is None and not any(block.first <= n < site.line for n in lines)


def http_family(cls: External) -> str:
    """ "fastapi" or "starlette" for their ``HTTPException`` ("" for any other class)."""
    if cls.last != "HTTPException":
        return ""
    return "fastapi" if cls.is_from("fastapi") else "starlette" if cls.is_from("starlette") else ""


def _families(classes: list[External]) -> frozenset[str]:
    """The ``HTTPException`` classes an error whose classes are ``classes`` is an instance of."""
    found = {http_family(cls) for cls in classes}
    return frozenset({"starlette"} | found if "fastapi" in found else found) - {""}


class Catches:
    """Reads the ``except`` clauses of a function's ``try`` statements."""

    def __init__(
        self,
        index: ProjectIndex,
        rejects: Callable[[FuncSym], object] = lambda _func: False,
        statuses: Statuses | None = None,
    ) -> None:
        self.index = index
        #: whether a function raises a 401/403 itself (``HttpErrors.auth_raise_lines``)
        self.rejects = rejects
        #: the status of an expression, and of an error (``HttpErrors``; None: not read)
        self.statuses = statuses

    def raised(self, value: object) -> Raised | None:
        """What catches the error ``value`` (an instance of a class); None when it is not
        one the analysis knows."""
        if not isinstance(value, Instance):
            return None
        cls = value.cls
        if isinstance(cls, External):
            return Raised(frozenset({cls.qualname}), _families([cls]), value)
        names = frozenset(klass.qualname for klass in self.index.mro(cls))
        bases = self.index.external_bases(cls)
        return Raised(names | {b.qualname for b in bases}, _families(bases), value)

    def status(self, raised: Raised) -> int | None:
        """The one status of the error ``raised`` stands for, when known (read only where a
        handler's status test needs it)."""
        if self.statuses is None or not isinstance(raised.error, Instance):
            return None
        return self.statuses[1](raised.error)

    def swallowed(self, func: FuncSym, line: int, value: object = None) -> bool:
        """A ``try`` of ``func`` around ``line`` swallows the error ``value`` raised there
        (None: Starlette's ``HTTPException``; a ``Raised``; several possible errors: each of
        them). A generator whose ``yield`` statements are all in the ``try`` body ends
        without yielding once it swallows the error: FastAPI answers 500, nobody gets in."""
        if not func.info.scope.in_try(line):
            return False
        known = self._kinds(value)
        return bool(known) and all(self._swallows(func, line, kind) for kind in known)

    def passed_on(self, func: FuncSym, line: int, value: object) -> bool:
        """The first handler of a ``try`` around ``line`` that catches the error ``value``
        raises another error (not a bare ``raise``) inside another ``try`` around ``line``,
        which may catch what it raises (``except HTTPException: raise ValueError`` in ``try:
        ... except ValueError: return None``): where the error ends is not known."""
        inner = func.ctx.enter(func.info)
        blocks = [block for block in func.info.scope.tries if block.covers(line)]
        return any(  # innermost first: each but the last has another ``try`` around it
            block.holds(line) and self._first_raises(block.handlers, inner, kind)
            for block in blocks[:-1]
            for kind in self._kinds(value)
        )

    def raised_again(self, func: FuncSym, site: CallSite, value: object) -> bool:
        """Every ``try`` of ``func`` around the call at ``site`` leaves whatever the call
        raises to the caller: each of its handlers raises what it catches again
        (``Handler.always``), or catches only ``HTTPException`` and raises it again for the
        statuses of each error ``value`` may be (``Handler.reraise_on``; the call is then the
        first statement of the ``try``: nothing before it can raise what the handler
        swallows); no ``finally:`` drops it and no ``suppress`` is around."""
        inner, line = func.ctx.enter(func.info), site.line
        kinds = self._kinds(value)
        if not kinds or any(self.status(kind) is None for kind in kinds):
            return False
        blocks = [block for block in func.info.scope.tries if block.covers(line)]
        return all(self._passes(func.info.scope, block, site, inner, kinds) for block in blocks)

    def _passes(
        self, scope: Scope, block: TryBlock, site: CallSite, ctx: Ctx, kinds: list[Raised]
    ) -> bool:
        """``block`` (around ``site``) leaves what the call raises to the caller (see
        ``raised_again``)."""
        if block.first <= site.line < block.final or block.manager is not None:
            return False
        others = [handler for handler in block.handlers if not handler.always]
        if others and not _first_in(scope, block, site):
            return False
        return all(self._status_raised(handler, ctx, kinds) for handler in others)

    def _status_raised(self, handler: Handler, ctx: Ctx, kinds: list[Raised]) -> bool:
        """``handler`` catches only an ``HTTPException`` class and its only statement raises
        it again for the status of each of ``kinds``."""
        caught = self.index.resolve_expr(handler.caught, ctx) if handler.caught else None
        again = self._raised_for(handler, ctx)
        if not again or not isinstance(caught, External) or not http_family(caught):
            return False
        return all(self.status(kind) in again for kind in kinds)

    def _raised_for(self, handler: Handler, ctx: Ctx) -> list[int | None]:
        """The statuses ``handler`` raises its error again for (``Handler.reraise_on``, each
        None when not known); [] when it is not of that shape or statuses are not read."""
        if self.statuses is None:
            return []
        return [self.statuses[0](expr, ctx) for expr in handler.reraise_on]

    def _first_raises(self, handlers: tuple[Handler, ...], ctx: Ctx, raised: Raised) -> bool:
        found = self._catching(handlers, ctx, raised)
        return found is not None and found.changes

    def _catching(self, handlers: tuple[Handler, ...], ctx: Ctx, raised: Raised) -> Handler | None:
        """The first of ``handlers`` that catches ``raised`` (the one Python runs)."""
        return next((h for h in handlers if self.catches(h.caught, ctx, raised)), None)

    def _kinds(self, value: object) -> list[Raised]:
        """What catches each of the errors ``value`` may be (as in ``swallowed``), where
        known."""
        options = value.values if isinstance(value, OneOf) else (value,)
        return [kind for option in options if (kind := self._kind(option)) is not None]

    def _kind(self, value: object) -> Raised | None:
        if value is None:
            return HTTP_ERROR
        return value if isinstance(value, Raised) else self.raised(value)

    def _swallows(self, func: FuncSym, line: int, raised: Raised) -> bool:
        inner = func.ctx.enter(func.info)
        yields = [at for _value, at in func.info.scope.yields]
        for block in func.info.scope.tries:
            if not block.covers(line):
                continue
            if yields and all(block.holds(at) for at in yields):
                continue  # the generator cannot yield once its handler has run
            if block.first <= line < block.final:
                return True  # the ``return`` in its ``finally:`` drops the error
            if block.holds(line) and self._ends_in(block, inner, raised):
                return True
        return False

    def _ends_in(self, block: TryBlock, ctx: Ctx, raised: Raised) -> bool:
        """The first handler of ``block`` that catches ``raised`` ends it there (for ``with
        suppress(...)``: when it is ``contextlib.suppress``)."""
        if block.manager is not None and not self._suppress(block.manager, ctx):
            return False
        handler = self._catching(block.handlers, ctx, raised)
        if handler is None or handler.hands:
            return False
        if handler.raises and not self._other_status(handler, ctx, raised):
            return False
        return not any(self._may_raise(name, handed, ctx) for name, handed in handler.calls)

    def _other_status(self, handler: Handler, ctx: Ctx, raised: Raised) -> bool:
        """``handler`` raises again only errors of other statuses than ``raised``'s
        (``except HTTPException as e: if e.status_code == 401: raise`` swallows a 403)."""
        again = self._raised_for(handler, ctx)
        if not again or None in again:
            return False
        status = self.status(raised)
        return status is not None and status not in again

    def _suppress(self, manager: Expr, ctx: Ctx) -> bool:
        """``manager`` is ``contextlib.suppress``."""
        found = self.index.resolve_expr(manager, ctx)
        return isinstance(found, External) and found.qualname == "contextlib.suppress"

    def _may_raise(self, name: str, handed: bool, ctx: Ctx) -> bool:
        """A call of ``name`` in a handler may raise the error again: a project function that
        re-raises what is being handled (a bare ``raise``), or that is handed the error and
        raises at all (``_raises_again``); anything else that is handed the error, unless it
        is named like a report (``REPORT_CALLS``: ``logger.warning(e)``)."""
        target = self.index.lookup(name, ctx)
        if isinstance(target, FuncSym):
            return self._raises_again(target, handed)
        return handed and name.rpartition(".")[2] not in REPORT_CALLS

    def _raises_again(self, func: FuncSym, handed: bool, depth: int = 0) -> bool:
        """``func``, called while an error is handled, may raise it again or another 401/403:
        it has a bare ``raise``, raises a 401/403 (``rejects``), or (``handed``: it was given
        the error) has any ``raise`` statement; or a project function it calls does (up to
        ``_DEPTH_CALLS`` calls deep)."""
        scope = func.info.scope
        if scope.reraises or (handed and scope.raises) or self.rejects(func):
            return True
        if depth >= _DEPTH_CALLS:
            return False
        return any(self._raises_again(t, handed, depth + 1) for t in self._callees(func))

    def _callees(self, func: FuncSym) -> list[FuncSym]:
        """The other project functions ``func`` calls by name."""
        inner = func.ctx.enter(func.info)
        calls = func.info.scope.calls
        names = [site.call.func.dotted for site in calls if isinstance(site.call.func, Name)]
        targets = [self.index.lookup(name, inner) for name in names]
        return [t for t in targets if isinstance(t, FuncSym) and t.info is not func.info]

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
        family = http_family(symbol)
        return family in raised.http if family else symbol.qualname in raised.names
