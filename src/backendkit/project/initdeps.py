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
from backendkit.project.listadds import list_additions
from backendkit.project.symbols import ClassSym, Ctx, External
from backendkit.summary.model import Expr, Seq

#: the list FastAPI's constructors keep the object's dependencies in
_DEPENDENCIES = "self.dependencies"


def init_dependencies(index: ProjectIndex, cls: ClassSym | External) -> list[tuple[Expr, Ctx]]:
    """The dependencies the constructors of ``cls`` (a project class) surely add to
    ``self.dependencies``, as ``dependencies=`` lists with the context they are read in."""
    if not isinstance(cls, ClassSym):
        return []
    found: list[tuple[Expr, Ctx]] = []
    for klass in index.mro(cls):
        init = klass.info.scope.functions.get("__init__")
        if init is None:
            continue
        added = list_additions(init.scope, _DEPENDENCIES)
        items = tuple(
            item for add in added.adds if add.sure and add.spread is None for item in add.items
        )
        if items:
            found.append((Seq(items), klass.ctx.enter(klass.info).enter(init)))
    return found


__all__ = ["init_dependencies"]
