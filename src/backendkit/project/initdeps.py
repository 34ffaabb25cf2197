"""Dependencies an app or router class adds to itself when it is built.

A project subclass of ``APIRouter`` (or ``FastAPI``) may give every route it serves a
dependency in its ``__init__``, after FastAPI's own has made the list::

    class EnsureAuthenticatedAPIRouter(APIRouter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.dependencies.append(Depends(get_user))

Each ``__init__`` of the class and its project bases (a base's runs when the subclass calls
``super().__init__``) is read for ``self.dependencies.append(x)``, ``.insert(i, x)`` and
``.extend([...])`` that run whenever the constructor does (not under a condition, in a loop or
an ``except`` handler; ``listadds.py``). Those items join the object's ``dependencies=`` as
one more list, as FastAPI applies them: to every route registered on the object afterwards.
A conditional addition, or an ``extend`` of a list that is not a display, adds nothing (the
routes keep the status they have without it).
"""

from __future__ import annotations

from backendkit.project.index import ProjectIndex
from backendkit.project.listadds import Additions, list_additions
from backendkit.project.superinit import super_init_line
from backendkit.project.symbols import ClassSym, Ctx, External
from backendkit.summary.model import ClassInfo, Expr, FunctionInfo, Seq

#: the list FastAPI's constructors keep the object's dependencies in
_DEPENDENCIES = "self.dependencies"
_ATTR = "dependencies"


def init_dependencies(index: ProjectIndex, cls: ClassSym | External) -> list[tuple[Expr, Ctx]]:
    """The dependencies the constructors of ``cls`` (a project class) surely add to
    ``self.dependencies``, as ``dependencies=`` lists with the context they are read in.

    From the most derived class, each ``__init__`` counts what it adds after its own
    ``super().__init__(...)`` (FastAPI's makes the list anew), and hands on to its bases only
    through that call (``APIRouter.__init__(self)`` skips them). Nothing counts from an
    ``__init__`` that rebinds ``self.dependencies``, calls another method on it (``pop``) or
    may return before the addition (``if public: return``)."""
    if not isinstance(cls, ClassSym):
        return []
    found: list[tuple[Expr, Ctx]] = []
    for klass in index.mro(cls):
        init = klass.info.scope.functions.get("__init__")
        if init is None:
            continue  # inherited: the next class's runs
        added = list_additions(init.scope, _DEPENDENCIES)
        if _tampers(klass.info, added):
            return []  # may remove what it or its bases added
        after = super_init_line(init)
        items = _added(init, added, after)
        if items:
            found.append((Seq(items), klass.ctx.enter(klass.info).enter(init)))
        if not after:
            break  # the bases' ``__init__`` does not run through ``super()``
    return found


def _tampers(cls: ClassInfo, added: Additions) -> bool:
    """The ``__init__`` whose additions are ``added`` rebinds ``self.dependencies`` or calls
    another method on it (``pop``)."""
    return added.other or _ATTR in cls.instance_attrs or _ATTR in cls.rebound


def _added(init: FunctionInfo, added: Additions, after: int) -> tuple[Expr, ...]:
    """The items ``init`` surely adds to ``self.dependencies`` after its ``super().__init__``
    call on line ``after`` (none when it has none)."""
    if not after:
        return ()
    exits = (*init.scope.return_lines, *init.scope.bare_returns)
    return tuple(
        item
        for add in added.adds
        if add.sure and add.spread is None and add.line > after
        if not any(line < add.line for line in exits)
        for item in add.items
    )


__all__ = ["init_dependencies"]
