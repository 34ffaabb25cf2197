"""The names a function is called by: its own, and the names imports bind it to elsewhere
(``from .sleep.api_router import attach_router as attach_sleep_router``, in a module or inside
a function). ``ProjectIndex.callers`` looks at the call sites of all of them; each site's
callee is still resolved, so a name shared with another function costs a resolution, never a
wrong caller."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from backendkit.summary.model import ModuleSummary, Scope

__all__ = ["ImportAliases", "nested_scopes"]


class ImportAliases:
    """Imported name -> the other local names it is imported as (collected on first use)."""

    def __init__(self, modules: Iterable[ModuleSummary]) -> None:
        self._modules = modules
        self._names: dict[str, tuple[str, ...]] | None = None

    def names(self, name: str) -> tuple[str, ...]:
        """``name`` and the names imports bind it to."""
        if self._names is None:
            found: dict[str, dict[str, None]] = {}
            for summary in self._modules:
                for scope in nested_scopes(summary.scope):
                    for local, binding in scope.imports.items():
                        if binding.name is not None and binding.name != local:
                            found.setdefault(binding.name, {binding.name: None})[local] = None
            self._names = {key: tuple(locals_) for key, locals_ in found.items()}
        return self._names.get(name, (name,))


def nested_scopes(scope: Scope) -> Iterator[Scope]:
    """``scope`` and every function and class scope nested in it."""
    yield scope
    for func in scope.functions.values():
        yield from nested_scopes(func.scope)
    for cls in scope.classes.values():
        yield from nested_scopes(cls.scope)
