"""Which functions a call's constant arguments may be bound into (BK301's branch pruning,
``graphs.constargs``).

Python lets almost any name be rebound at run time, so a constant is passed on only where the
call surely runs the function it resolves to with the call's own arguments: a plain function
(not a method: a subclass, a class attribute or an instance attribute may replace one), with
no decorator (a wrapper may pass other arguments), called by its own name (not through a
``functools.partial`` or an alias), bound by nothing else in its scope (an import fallback,
a second ``def``, an assignment, a ``global`` rebinding) and never assigned as an attribute
anywhere in the project (``helpers.helper = other``). Every other call passes no constant,
and its callee's branches are all searched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from backendkit.summary.model import Call, FunctionInfo, Name, Scope

if TYPE_CHECKING:
    from backendkit.graphs.calls import _Def
    from backendkit.project.index import ProjectIndex


class CallTrust:
    """The functions of one project that constants may be bound into, found on demand."""

    def __init__(self, defs: Mapping[str, list[_Def]], index: ProjectIndex) -> None:
        self._defs = defs
        self._index = index
        self._patched: frozenset[str] | None = None
        self._found: dict[str, FunctionInfo | None] = {}

    def function(self, node: str) -> FunctionInfo | None:
        """The function named ``node`` when constants may be bound into it (see the module
        docstring), else None."""
        if node not in self._found:
            self._found[node] = self._trusted(node)
        return self._found[node]

    def _trusted(self, node: str) -> FunctionInfo | None:
        defs = self._defs.get(node, [])
        if len(defs) != 1 or defs[0].owner is not None:
            return None
        info = defs[0].sym.info
        if info.decorators or _bound_otherwise(defs[0].sym.ctx.scopes[-1], info.name):
            return None
        return None if info.name in self.patched() else info

    def patched(self) -> frozenset[str]:
        """The last names of every attribute assigned in the project (``mod.name = v``,
        ``self.name = v``): a function of that name may be replaced at run time."""
        if self._patched is None:
            names: set[str] = set()
            for summary in self._index.modules.values():
                for scope, instance in _scopes(summary.scope):
                    names.update(target.rpartition(".")[2] for target in scope.attr_assigns)
                    names.update(instance)
            self._patched = frozenset(names)
        return self._patched


def names_callee(call: Call, callee: FunctionInfo) -> bool:
    """Whether ``call`` calls ``callee`` by its own name (``fetch(...)``, ``mod.fetch(...)``):
    a ``functools.partial`` of it, called under another name, adds arguments of its own."""
    func = call.func
    return isinstance(func, Name) and func.dotted.rpartition(".")[2] == callee.name


def _bound_otherwise(scope: Scope, name: str) -> bool:
    """Whether ``scope`` binds ``name`` other than by its one ``def``."""
    return (
        name in scope.assigns
        or name in scope.aug_assigns
        or name in scope.imports
        or name in scope.caught
        or name in scope.classes
        or name in scope.rebinds
        or any(shadowed.name == name for shadowed in scope.shadowed)
    )


def _scopes(scope: Scope, instance: Iterable[str] = ()) -> Iterator[tuple[Scope, Iterable[str]]]:
    """``scope`` and every scope in it, each with the instance attributes its class sets."""
    yield scope, instance
    for func in scope.functions.values():
        yield from _scopes(func.scope)
    for cls in scope.classes.values():
        yield from _scopes(cls.scope, cls.instance_attrs)


__all__ = ["CallTrust", "names_callee"]
