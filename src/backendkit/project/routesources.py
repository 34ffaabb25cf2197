"""``Route.sources``: the files a route's authentication status is made of, for a run given
some files (pre-commit's) to report the route's BK101/BK102 finding when one of them is among
them (``Finding.related``).

They are the files of the app, routers and includes on the route's way, of every dependency
in its tree (a function's module, or the module a node's label names), and the project files
these and the route's own file import, two imports deep, that declare no app, router or
route: where an annotated alias, a class-based bearer, a middleware, a shared dependency list
or a token helper's helper may be defined (credential checks are read two calls deep). A
router module that the app file imports is left out, or every router would take part in
every route. Computed per route from results memoised per node and per file: the walk runs
once for each of a large project's thousands of routes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from backendkit.graphs.importlines import import_targets
from backendkit.project.authstatus import DepNode
from backendkit.project.index import ProjectIndex
from backendkit.summary.model import ModuleSummary

if TYPE_CHECKING:
    from backendkit.project.appmodel import AppModel


class RouteSources:
    """``Route.sources`` for the routes of one app model."""

    def __init__(self, model: AppModel) -> None:
        self.modules = model.index.modules
        self.imported = ImportedFiles(model.index)
        #: the files that declare an app, a router or a route
        self.declaring = {obj.file for obj in model.objects.values()} | {
            decl.file for obj in model.objects.values() for decl in obj.routes
        }
        self._closures: dict[str, frozenset[str]] = {}
        self._bases: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}
        self._done: dict[tuple[str, frozenset[str], frozenset[str]], tuple[str, ...]] = {}
        #: node id -> (the node, kept alive so its id is not reused; its tree's files)
        self._trees: dict[int, tuple[DepNode, frozenset[str]]] = {}

    def of(self, file: str, way: tuple[str, ...], nodes: list[DepNode]) -> tuple[str, ...]:
        """The sources of a route declared in ``file``, reached through the objects and
        includes in ``way``, with the dependency ``nodes``: every file but ``file``."""
        key = (file, way)
        base = self._bases.get(key)
        if base is None:  # the same for every route of a router
            base = self._bases[key] = self._closed({file, *way})
        trees = frozenset().union(*(self._tree(node) for node in nodes))
        done = self._done.get((file, base, trees))
        if done is None:  # routes of one router mostly share their dependencies' files
            done = self._done[(file, base, trees)] = tuple(sorted((base | trees) - {file}))
        return done

    def _closed(self, files: set[str]) -> frozenset[str]:
        """``files`` with what each imports, two imports deep (``_closure``)."""
        found = set(files)
        for made in files:
            found |= self._closure(made)
        return frozenset(found)

    def _tree(self, node: DepNode) -> frozenset[str]:
        """The files of the dependencies in ``node``'s tree (alternatives included), with
        what they import (``_closed``)."""
        kept = self._trees.get(id(node))
        if kept is not None:
            return kept[1]
        self._trees[id(node)] = (node, frozenset())  # a cycle reads as nothing more
        files = set(self._closed(self._own(node)))
        for child in (*node.children, *node.alternatives):
            files |= self._tree(child)
        found = frozenset(files)
        self._trees[id(node)] = (node, found)
        return found

    def _own(self, node: DepNode) -> set[str]:
        """The file of ``node``'s function, and that of the module its label names."""
        files = set()
        if node.func is not None:
            files.add(node.func.ctx.module.path)
        module = node.label.partition(":")[0] if ":" in node.label else ""
        if module in self.modules:
            files.add(self.modules[module].path)
        return files

    def _closure(self, file: str) -> frozenset[str]:
        """The files ``file`` imports, and those import, that declare no app, router or
        route."""
        found = self._closures.get(file)
        if found is None:
            first = self._shared((file,))
            found = self._closures[file] = frozenset(first | self._shared(first))
        return found

    def _shared(self, files: Iterable[str]) -> set[str]:
        """The files ``files`` import that declare no app, router or route."""
        return {
            imported
            for way in files
            for imported in self.imported.of(way)
            if imported not in self.declaring
        }


class ImportedFiles:
    """The files of the project modules each file imports (memoised per file)."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._by_path = {summary.path: summary for summary in index.modules.values()}
        self._tops = {name.partition(".")[0] for name in index.modules}
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
        modules = self.index.modules
        for record in summary.imports:
            if record.level == 0 and record.module.partition(".")[0] not in self._tops:
                continue  # another package's (fastapi, typing): most imports are
            for name in import_targets(self.index, summary, record):
                target = modules.get(name)  # a namespace package has no file
                if target is not None:
                    files.add(target.path)
        files.discard(summary.path)
        return files
