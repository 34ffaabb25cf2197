"""Which functions a call's constant arguments may be bound into (BK301's branch pruning,
``graphs.constargs``).

Python lets almost any name be rebound at run time, so a constant is passed on only where the
call surely runs the function it resolves to with the call's own arguments: a plain function
(not a method: a subclass, a class attribute or an instance attribute may replace one), with
no decorator (a wrapper may pass other arguments), called by its own name (not through a
``functools.partial`` or an alias), bound by nothing else in its scope (an import fallback,
a second ``def``, an assignment, a ``global`` rebinding), never assigned as an attribute
anywhere in the project (``helpers.helper = other``, ``setattr(helpers, "helper", other)``),
and called through a name the caller's scopes bind only by a ``def`` or an import (not an
assignment such as ``fetch = partial(helpers.fetch, mode="x")``, ``with ... as``, ``match``,
``global``, ``nonlocal``). Every other call passes no
constant, and its callee's branches are all searched. Writes through ``globals()``,
``vars()`` or ``sys.modules`` are not seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from backendkit.summary.model import Call, Const, FunctionInfo, Name, Scope

if TYPE_CHECKING:
    from backendkit.graphs.calls import _Def
    from backendkit.project.index import ProjectIndex
    from backendkit.project.symbols import Ctx


_ANY = frozenset({"*"})  # see ``names_callee``: every name counts as rebound


class CallTrust:
    """The functions of one project that constants may be bound into, found on demand."""

    def __init__(self, defs: Mapping[str, list[_Def]], index: ProjectIndex) -> None:
        self._defs = defs
        self._index = index
        self._patched: frozenset[str] | None = None
        self._found: dict[str, FunctionInfo | None] = {}
        self._rebound: dict[str, frozenset[str]] = {}

    def function(self, node: str) -> FunctionInfo | None:
        """The function named ``node`` when constants may be bound into it (see the module
        docstring), else None."""
        if node not in self._found:
            self._found[node] = self._trusted(node)
        return self._found[node]

    def body_context(self, node: str) -> Ctx | None:
        """Where the body of the trusted function ``node`` (``function``) looks names up."""
        info = self.function(node)
        return None if info is None else self._defs[node][0].sym.ctx.enter(info)

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
        ``self.name = v``, ``setattr(mod, "name", v)``): a function of that name may be
        replaced at run time."""
        if self._patched is None:
            names: set[str] = set()
            for summary in self._index.modules.values():
                for scope, instance in _scopes(summary.scope):
                    names.update(target.rpartition(".")[2] for target in scope.attr_assigns)
                    names.update(instance)
            for site, _where in self._index.sites_named(("setattr",)):
                args = site.call.args
                if len(args) > 1 and isinstance(args[1], Const) and isinstance(args[1].value, str):
                    names.add(args[1].value)
            self._patched = frozenset(names)
        return self._patched

    def rebound_in(self, caller: str) -> frozenset[str]:
        """The names the function ``caller`` and the scopes around it bind other than by a
        ``def`` or an import: an assignment (``fetch = partial(helpers.fetch, mode="x")``
        resolves to ``helpers.fetch`` with arguments of its own), ``with ... as``, ``match``,
        ``global``, ``nonlocal``: a call through one of them may not run its callee with the
        call's own arguments."""
        found = self._rebound.get(caller)
        if found is None:
            defs = self._defs.get(caller, [])
            names: set[str] = set()
            for item in defs:
                for scope in (*item.sym.ctx.scopes, item.sym.info.scope):
                    names |= scope.rebinds | scope.assigns.keys() | scope.aug_assigns.keys()
            found = self._rebound[caller] = frozenset(names) if len(defs) == 1 else _ANY
        return found


def names_callee(call: Call, callee: FunctionInfo, rebound: frozenset[str]) -> bool:
    """Whether ``call`` calls ``callee`` by its own name (``fetch(...)``, ``mod.fetch(...)``;
    a ``functools.partial`` of it, called under another name, adds arguments of its own)
    through a name the caller does not rebind (``rebound``: ``CallTrust.rebound_in``)."""
    func = call.func
    if not isinstance(func, Name) or func.dotted.rpartition(".")[2] != callee.name:
        return False
    return rebound is not _ANY and func.dotted.partition(".")[0] not in rebound


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
