"""The evaluator on calls and choices: a parameter's value comes from its callers' arguments
at the right position (a method called on an instance does not pass ``self``, a classmethod
called on its class does not pass ``cls``, ``Cls.method(obj, x)`` or a staticmethod pass every
parameter themselves), and ``a if test else b`` is either value."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.engine import build_project
from backendkit.project.symbols import ClassSym, Ctx, Instance, OneOf
from backendkit.summary.model import Name
from helpers import write_project

REPO = """\
class Repo:
    def run(self, sql, limit=10):
        return sql

    @staticmethod
    def plain(sql):
        return sql

    @classmethod
    def make(cls, sql):
        return sql
"""
USE = """\
from app import repo as module
from app.repo import Repo


def go() -> None:
    repo = Repo()
    repo.run("SELECT 1", 5)
    Repo.run(repo, "SELECT 2")
    Repo.plain("SELECT 3")
    Repo.make("SELECT 4")
    module.helper("SELECT 5")
"""


@pytest.fixture(scope="module")
def values(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], object]:
    files = {
        "app/__init__.py": "",
        "app/repo.py": REPO + "\n\ndef helper(self, other=None):\n    return self\n",
        "app/use.py": USE,
    }
    root = write_project(Path(tmp_path_factory.mktemp("bound")) / "p", files)
    project, _files = build_project(root, load_config(root, load_catalogue()), use_cache=False)
    index = project.index
    module = index.modules["app.repo"]
    cls = module.scope.classes["Repo"]
    out: dict[tuple[str, str], object] = {}
    wanted = [("run", "sql"), ("run", "limit"), ("run", "self"), ("plain", "sql"), ("make", "sql")]
    for func_name, param in wanted:
        func = cls.scope.functions[func_name]
        out[func_name, param] = index.value(Name(param), Ctx(module, (module.scope,)).enter(func))
    helper = module.scope.functions["helper"]
    out["helper", "self"] = index.value(Name("self"), Ctx(module, (module.scope,)).enter(helper))
    return out


def test_instance_and_class_calls_of_a_method(values: dict) -> None:
    """``repo.run("SELECT 1", 5)`` and ``Repo.run(repo, "SELECT 2")``: both statements reach
    ``sql``; ``limit`` is 5 from the first and its default from the second."""
    assert values["run", "sql"] == OneOf(("SELECT 1", "SELECT 2"))
    assert values["run", "limit"] == OneOf((5, 10))


def test_static_and_class_methods(values: dict) -> None:
    """A staticmethod gets every argument; a classmethod's ``cls`` is not passed."""
    assert values["plain", "sql"] == "SELECT 3"
    assert values["make", "sql"] == "SELECT 4"


def test_module_function_called_through_its_module(values: dict) -> None:
    """``module.helper(x)``: a function of a module, even one whose first parameter is named
    ``self``, gets its arguments at their own positions."""
    assert values["helper", "self"] == "SELECT 5"


def test_self_is_not_read_from_the_arguments(values: dict) -> None:
    """The receiver is no argument: ``repo.run("SELECT 1", 5)`` gives ``self`` no value (it
    used to be read as "SELECT 1"); ``Repo.run(repo, ...)`` passes the instance itself."""
    found = values["run", "self"]
    assert isinstance(found, Instance)
    assert isinstance(found.cls, ClassSym)
    assert found.cls.info.name == "Repo"


def test_conditional_expression_is_either_value(tmp_path: Path) -> None:
    """``a if test else b`` is one of the two values (the test is not evaluated); a choice
    between equal values is that value, and nested choices are flattened."""
    files = {
        "app/__init__.py": "",
        "app/settings.py": (
            "import os\n\nDEBUG = os.environ.get('DEBUG') == '1'\n"
            "MODE = 'dev' if DEBUG else 'prod'\nSAME = 3 if DEBUG else 3\n"
            "NESTED = 'a' if DEBUG else ('b' if MODE else 'c')\n"
        ),
    }
    root = write_project(tmp_path / "p", files)
    project, _files = build_project(root, load_config(root, load_catalogue()), use_cache=False)
    module = project.index.modules["app.settings"]
    ctx = Ctx(module, (module.scope,))

    def value(name: str) -> object:
        return project.index.value(Name(name), ctx)

    assert value("MODE") == OneOf(("dev", "prod"))
    assert value("SAME") == 3
    assert value("NESTED") == OneOf(("a", "b", "c"))


def test_method_of_an_object_made_in_place(tmp_path: Path) -> None:
    """``Maker().build(a, b)``: the receiver is an instance, so ``self`` is not passed and
    ``prefix`` is the first argument."""
    files = {
        "app/__init__.py": "",
        "app/p.py": (
            "class Maker:\n    def build(self, prefix, suffix='/dflt'):\n"
            "        return prefix\n\n\nX = Maker().build('/first', '/second')\n"
        ),
    }
    root = write_project(tmp_path / "p", files)
    project, _files = build_project(root, load_config(root, load_catalogue()), use_cache=False)
    module = project.index.modules["app.p"]
    assert project.index.value(Name("X"), Ctx(module, (module.scope,))) == "/first"


CYCLE = "prefix = '/api'\nfull = prefix + '/v1'\nprefix = full + '/x'\n"


@pytest.mark.parametrize("order", [("prefix", "full"), ("full", "prefix")])
def test_a_cycle_gives_the_same_answers_whatever_is_asked_first(
    tmp_path: Path, order: tuple[str, str]
) -> None:
    """``full`` reads ``prefix``, whose latest binding reads ``full``: the answers do not
    depend on which name is evaluated first (an answer cut by a cycle is not memoised), so a
    run given one file and a whole run agree."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/o.py": CYCLE})
    project, _files = build_project(root, load_config(root, load_catalogue()), use_cache=False)
    module = project.index.modules["app.o"]
    ctx = Ctx(module, (module.scope,))
    found = {name: project.index.value(Name(name), ctx) for name in order}
    assert found["prefix"] == "/api/v1/x"
    assert not isinstance(found["full"], str)
