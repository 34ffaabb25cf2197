"""The project files a module imports (``Route.sources``): where the names a route's
authentication is read through are defined, an annotated alias's module, a class-based
bearer's, a middleware's or a shared dependency list's."""

from __future__ import annotations

from backendkit.project.index import ProjectIndex
from backendkit.summary.model import ModuleSummary


class ImportedFiles:
    """The files of the project modules each file imports (memoised per file)."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._by_path = {summary.path: summary for summary in index.modules.values()}
        self._found: dict[str, frozenset[str]] = {}

    def of(self, path: str) -> frozenset[str]:
        """The files of the project modules the module at ``path`` imports (none for a
        file the index does not hold)."""
        found = self._found.get(path)
        if found is None:
            summary = self._by_path.get(path)
            found = self._found[path] = (
                frozenset(self._imports(summary)) if summary else frozenset()
            )
        return found

    def _imports(self, summary: ModuleSummary) -> set[str]:
        files: set[str] = set()
        for record in summary.imports:
            base = self.index.absolute(record.module, record.level, summary)
            if base is not None:
                files.update(self._targets(base, record.names))
        files.discard(summary.path)
        return files

    def _targets(self, base: str, names: tuple[str, ...]) -> list[str]:
        """The files ``from base import names`` (``import base`` without names) reads: each
        submodule named, else ``base`` itself."""
        modules = self.index.modules
        found = []
        for name in names or ("",):
            sub = f"{base}.{name}" if base and name else base or name
            target = modules.get(sub) or modules.get(base)
            if target is not None:
                found.append(target.path)
        return found
