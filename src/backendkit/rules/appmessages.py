"""Exceptions whose text the application writes, for BK107: ``except GroupNotFound as e:
raise HTTPException(404, detail=str(e))`` sends the client a message the project composed
(``raise GroupNotFound("Parent group not found.", 404)``), not a library's internals.

A caught type counts when it is a project class and every construction of it, and of each
project class derived from it, in the whole project passes only text the code writes: string
literals (concatenated too), f-strings whose placeholders are no exception (``f"Block
{block_id} not found"``), numbers, ``None`` and upper-case constants
(``ERROR_MESSAGES.NOT_FOUND``), or nothing. One
construction handed other text (``raise AppError(str(exc))``, ``AppError(message)`` of a local
that may hold anything) makes the type a carrier of foreign text: still reported. A tuple of
types counts when each does; ``Exception``, ``ValueError`` and every other library type do not
(a ``ValueError`` may come from anywhere below the ``try``). So does the exception parameter of
a handler registered only for such types (``@app.exception_handler(ScheduleTimeout)``).
"""

from __future__ import annotations

from backendkit.project.errorhandlers import HandlerRegistration, exception_handlers
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx
from backendkit.summary.model import BinOp, CallSite, ClassInfo, Const, Expr, FString, Name, Seq

#: how many constructions of one class are read before giving up (a type raised everywhere)
MAX_SITES = 200


class AppMessages:
    """Which caught exception types carry only text the project writes (memoised per class)."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._known: dict[int, bool] = {}
        self._subclasses: dict[int, list[ClassSym]] | None = None
        self._registered: dict[int, list[HandlerRegistration]] | None = None

    def safe_names(self, ctx: Ctx, names: frozenset[str], line: int) -> frozenset[str]:
        """The ``names`` bound by ``except T as name`` in ``ctx`` whose ``T`` (that of the
        handler ``line`` is in: ``Scope.caught_at``) carries only the project's own text."""
        safe = set(self._handled(ctx) & names)
        for scope in ctx.scopes[1:]:
            for name in scope.caught.keys() & names:
                kind = scope.caught_at(name, line)
                if kind is not None and self._own_text(kind, ctx):
                    safe.add(name)
        return frozenset(safe)

    def _handled(self, ctx: Ctx) -> set[str]:
        """The exception parameter of the exception handler ``ctx`` is the body of, when it
        is registered only for types that carry the project's own text."""
        func = ctx.owners[-1]
        if func is None or len(func.params) < 2:
            return set()
        registrations = self.registrations().get(id(func), [])
        if registrations and all(self._own_text(r.exception, r.ctx) for r in registrations):
            return {func.params[1].name}
        return set()

    def registrations(self) -> dict[int, list[HandlerRegistration]]:
        """The exception handler registrations of the project, by id of the handler's
        ``FunctionInfo`` (``exception_handlers``, read once)."""
        if self._registered is None:
            self._registered = {}
            for found in exception_handlers(self.index):
                if found.handler is not None:
                    self._registered.setdefault(id(found.handler.info), []).append(found)
        return self._registered

    def _own_text(self, kind: Expr, ctx: Ctx) -> bool:
        if isinstance(kind, Seq):
            return bool(kind.items) and all(self._own_text(item, ctx) for item in kind.items)
        found = self.index.resolve_expr(kind, ctx) if isinstance(kind, Name) else None
        if not isinstance(found, ClassSym):
            return False
        key = id(found.info)
        if key not in self._known:
            self._known[key] = False  # a cycle of bases reads as not safe
            self._known[key] = self._constructed_with_text(found)
        return self._known[key]

    def _constructed_with_text(self, cls: ClassSym) -> bool:
        """Every construction of ``cls`` and of its project subclasses passes written text."""
        family = [cls, *self._derived(cls)]
        targets = {id(member.info) for member in family}
        names = {member.info.name for member in family}
        sites = self.index.sites_named(names)
        if len(sites) > MAX_SITES:
            return False
        return all(self._passes_text(site, where, targets) for site, where in sites)

    def _passes_text(self, site: CallSite, where: Ctx, targets: set[int]) -> bool:
        """``site`` constructs none of the ``targets`` classes, or passes it written text."""
        callee = self.index.resolve_expr(site.call.func, where)
        if not (isinstance(callee, ClassSym) and id(callee.info) in targets):
            return True
        caught = {name for scope in where.scopes[1:] for name in scope.caught}
        args = (*site.call.args, *(value for _key, value in site.call.kwargs))
        return all(_written(arg, caught) for arg in args)

    def _derived(self, cls: ClassSym) -> list[ClassSym]:
        """The project classes with ``cls`` among their bases (module and class level)."""
        if self._subclasses is None:
            self._subclasses = {}
            for klass in self._classes():
                for base in self.index.mro(klass)[1:]:
                    self._subclasses.setdefault(id(base.info), []).append(klass)
        return self._subclasses.get(id(cls.info), [])

    def _classes(self) -> list[ClassSym]:
        found: list[ClassSym] = []
        for summary in self.index.modules.values():
            ctx = Ctx(summary, (summary.scope,))
            pending: list[ClassInfo] = list(summary.scope.classes.values())
            while pending:
                info = pending.pop()
                found.append(ClassSym(info, ctx))
                pending.extend(info.scope.classes.values())
        return found


def _written(arg: Expr, caught: set[str]) -> bool:
    """Text the code writes: a literal, an f-string with no exception (``caught``: the names
    bound by ``except ... as`` where it is) in it, or an upper-case constant
    (``ERROR_MESSAGES.NOT_FOUND``)."""
    if isinstance(arg, Const):
        return True
    if isinstance(arg, FString):
        return not any(_mentions(part, caught) for part in arg.parts)
    if isinstance(arg, BinOp):  # ``f"..." f"..."`` (implicit concatenation), ``"a" + "b"``
        return arg.op == "Add" and _written(arg.left, caught) and _written(arg.right, caught)
    return isinstance(arg, Name) and _constant(arg.dotted, caught)


def _constant(dotted: str, caught: set[str]) -> bool:
    """An upper-case name (``ERROR_MESSAGES.NOT_FOUND``) that is no caught exception's."""
    return dotted.rpartition(".")[2].isupper() and dotted.partition(".")[0] not in caught


def _mentions(part: Expr, caught: set[str]) -> bool:
    """A placeholder that is, or reads, an exception bound by ``except ... as``."""
    if isinstance(part, Name):
        return part.dotted.partition(".")[0] in caught
    return not isinstance(part, Const)  # a call: ``{str(e)}``, ``{describe(e)}``: not followed
