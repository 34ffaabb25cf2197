"""The import graph and a route's sources read import statements the same way
(``graphs.importlines.import_targets``): the files a module imports are the files of its
successors in the import graph, for plain, relative, aliased, star and broken imports."""

from __future__ import annotations

from pathlib import Path

from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.engine import build_project
from backendkit.graphs.imports import build_import_graph
from backendkit.project.routesources import ImportedFiles
from helpers import write_project

FILES = {
    "app/__init__.py": "",
    "app/core/__init__.py": "VERSION = '1'\n",
    "app/core/security.py": "SECRET_NAME = 'x'\n",
    "app/core/config.py": "from .security import *\n",
    "app/api/__init__.py": "",
    "app/api/deps.py": (
        "import os\n"
        "import app.core.security as sec\n"
        "from app.core import config, VERSION\n"
        "from app.core.missing import thing\n"
        "from ..core.__init__ import VERSION as V\n"
        "from fastapi import Depends\n"
    ),
    "app/api/items.py": "from . import deps\nfrom .deps import sec\n",
}


def test_a_module_s_imported_files_are_its_import_graph_successors(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES)
    project, _files = build_project(root, load_config(root, load_catalogue()), use_cache=False)
    graph = build_import_graph(project.index)
    imported = ImportedFiles(project.index)
    paths = {s.module: s.path for s in project.index.modules.values()}
    for module, path in paths.items():
        expected = {paths[m] for m in graph.successors(module) if m in paths} - {path}
        assert imported.of(path) == expected, module
    assert imported.of("app/api/deps.py") == {
        "app/core/security.py",
        "app/core/config.py",
        "app/core/__init__.py",  # VERSION, the missing submodule's package, core.__init__
    }
    assert imported.of("app/api/items.py") == {"app/api/deps.py"}
