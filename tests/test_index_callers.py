"""``ProjectIndex.callers``: functions of the same name share the resolution of the sites that
call that name, and every answer is the same whichever function is asked about first."""

from __future__ import annotations

from pathlib import Path

from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.engine import build_project
from backendkit.project.index import ProjectIndex
from helpers import write_project

FILES = {
    "app/__init__.py": "",
    "app/a.py": "def save(x: int) -> int:\n    return x\n",
    "app/b.py": "def save(x: int) -> int:\n    return -x\n",
    "app/use.py": (
        "from app import a, b\nfrom app.a import save\n\n\n"
        "def run() -> None:\n    a.save(1)\n    b.save(2)\n    save(3)\n    b.save(4)\n"
    ),
}


def _index(tmp_path: Path) -> ProjectIndex:
    root = write_project(tmp_path / "p", FILES)
    project, _files = build_project(root, load_config(root, load_catalogue()))
    return project.index


def _lines(index: ProjectIndex, module: str) -> list[int]:
    """The lines of the call sites ``callers`` finds for ``module.save``."""
    func = index.modules[module].scope.functions["save"]
    found = index.callers(func)
    calls = [call for call, _ctx in found]
    return [site.line for site, _where in index.call_sites() if any(c is site.call for c in calls)]


def test_same_name_functions_get_only_their_own_callers(tmp_path: Path) -> None:
    """``a.save`` and ``b.save`` each get their own call sites, in either order."""
    first = _index(tmp_path / "one")
    second = _index(tmp_path / "two")
    a_then = (_lines(first, "app.a"), _lines(first, "app.b"))
    b_then = tuple(reversed((_lines(second, "app.b"), _lines(second, "app.a"))))
    assert a_then == b_then == ([6, 8], [7, 9])
    assert first._targets, "call sites were resolved once and kept"


CLASS_CALLS = """\
from app.a import save


class Settings:
    limit = save(5)

    class Inner:
        size = save(6)

        def grow(self) -> int:
            return save(7)

    def run(self) -> int:
        return save(8)
"""


def test_calls_in_class_bodies_and_nested_classes_are_call_sites(tmp_path: Path) -> None:
    """A class body's calls (field values, decorators) and those of nested classes' bodies
    and methods are call sites like any other, so they count as callers."""
    root = write_project(tmp_path / "p", {**FILES, "app/settings.py": CLASS_CALLS})
    project, _files = build_project(root, load_config(root, load_catalogue()))
    index = project.index
    func = index.modules["app.a"].scope.functions["save"]
    calls = [call for call, where in index.callers(func) if where.module.module == "app.settings"]
    lines = sorted(site.line for site, _where in index.call_sites() if site.call in calls)
    assert lines == [5, 8, 11, 14]
