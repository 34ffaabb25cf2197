"""Call-graph resolution through return types, ``super()``, ``functools.partial`` and
decorators, and ``backendkit graph --kind imports --unresolved``."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from backendkit import analyze
from backendkit.catalogue import load_catalogue
from backendkit.cli import app
from backendkit.config import load_config
from backendkit.engine import build_project
from backendkit.graphs import build_call_graph
from backendkit.graphs.calls import CallGraph
from helpers import write_project


def calls_of(tmp_path: Path, files: dict[str, str]) -> CallGraph:
    root = write_project(tmp_path / "p", files)
    project, _files = build_project(root, load_config(root, load_catalogue()), use_cache=False)
    return build_call_graph(project.index, project.model, project.resolver)


def edges(calls: CallGraph) -> set[tuple[str, str, int]]:
    return {(a, b, data["line"]) for a, b, data in calls.graph.edges(data=True)}


REPO = (
    "class Repo:\n"
    "    def save(self) -> None:\n"
    "        pass\n\n\n"
    "def make_repo() -> Repo:\n"
    "    return Repo()\n\n\n"
    "def maybe_repo() -> 'Repo | None':\n"
    "    return None\n\n\n"
    "def untyped():\n"
    "    return Repo()\n"
)


def test_calls_through_return_annotations(tmp_path: Path) -> None:
    calls = calls_of(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/repo.py": REPO,
            "app/use.py": "from app.repo import make_repo, maybe_repo, untyped\n\n\n"
            "def direct() -> None:\n    make_repo().save()\n\n\n"
            "def via_local() -> None:\n    repo = make_repo()\n    repo.save()\n\n\n"
            "def optional() -> None:\n    maybe_repo().save()\n\n\n"
            "def unknown() -> None:\n    untyped().save()\n",
        },
    )
    found = edges(calls)
    assert ("app.use.direct", "app.repo.Repo.save", 5) in found
    assert ("app.use.via_local", "app.repo.Repo.save", 10) in found
    assert ("app.use.optional", "app.repo.Repo.save", 14) in found
    # no annotation: not guessed
    assert not any(a == "app.use.unknown" and b.endswith(".save") for a, b, _ in found)
    assert (18, "untyped().save") in calls.unresolved["app.use.unknown"]


def test_super_calls_follow_the_mro(tmp_path: Path) -> None:
    calls = calls_of(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/base.py": "class Base:\n    def save(self) -> None:\n        pass\n\n"
            "    def close(self) -> None:\n        pass\n",
            "app/mid.py": "from app.base import Base\n\n\nclass Mid(Base):\n"
            "    def save(self) -> None:\n        super().save()\n",
            "app/leaf.py": "from pydantic import BaseModel\n\nfrom app.mid import Mid\n\n\n"
            "class Leaf(Mid):\n    def save(self) -> None:\n        super().save()\n\n"
            "    def close(self) -> None:\n        super(Leaf, self).close()\n\n\n"
            "class Model(BaseModel):\n    def dump(self) -> dict:\n"
            "        return super().model_dump()\n",
        },
    )
    found = edges(calls)
    assert ("app.leaf.Leaf.save", "app.mid.Mid.save", 8) in found
    assert ("app.mid.Mid.save", "app.base.Base.save", 6) in found
    assert ("app.leaf.Leaf.close", "app.base.Base.close", 11) in found
    assert (16, "pydantic.BaseModel.model_dump") in calls.external["app.leaf.Model.dump"]


def test_partial_calls_reach_the_wrapped_function(tmp_path: Path) -> None:
    calls = calls_of(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/notify.py": "import functools\nfrom functools import partial\n\n\n"
            "def send(channel: str, text: str) -> None:\n    pass\n\n\n"
            "alert = partial(send, 'ops')\nshout = functools.partial(send, channel='all')\n",
            "app/use.py": "from app.notify import alert, shout\n\n\n"
            "def run() -> None:\n    alert('x')\n    shout(text='y')\n",
        },
    )
    found = edges(calls)
    assert ("app.use.run", "app.notify.send", 5) in found
    assert "app.use.run" not in calls.unresolved


DECORATED = {
    "app/__init__.py": "",
    "app/deco.py": "import functools\nimport time\n\n\ndef logged(func):\n"
    "    @functools.wraps(func)\n    def wrapper(*args, **kwargs):\n"
    "        return func(*args, **kwargs)\n\n    return wrapper\n\n\n"
    "def retry(times: int):\n    def decorator(func):\n        @functools.wraps(func)\n"
    "        def inner(*args, **kwargs):\n            time.sleep(1)\n"
    "            return func(*args, **kwargs)\n\n        return inner\n\n    return decorator\n\n\n"
    "def plain(func):\n    def other(*args):\n        time.sleep(1)\n\n    return other\n",
    "app/work.py": "from app.deco import logged, plain, retry\n\n\n@logged\n@retry(3)\n"
    "def job() -> None:\n    helper()\n\n\ndef helper() -> None:\n    pass\n\n\n"
    "@plain\ndef odd() -> None:\n    pass\n\n\n"
    "def run() -> None:\n    job()\n    odd()\n",
}


def test_calls_through_stacked_wrapping_decorators(tmp_path: Path) -> None:
    """A call to a decorated function reaches the function and every ``functools.wraps``
    wrapper around it (also from a decorator factory); a wrapper without ``wraps`` is not
    assumed."""
    calls = calls_of(tmp_path, DECORATED)
    found = {(a, b) for a, b, _line in edges(calls)}
    assert {
        ("app.work.run", "app.work.job"),
        ("app.work.run", "app.deco.logged.wrapper"),
        ("app.work.run", "app.deco.retry.decorator.inner"),
        ("app.work.run", "app.work.odd"),
        ("app.work.job", "app.work.helper"),
    } == found
    assert calls.external["app.deco.retry.decorator.inner"] == [(17, "time.sleep")]


def test_blocking_call_in_a_wrapper_is_reached_from_an_async_route(tmp_path: Path) -> None:
    files = {
        **DECORATED,
        "app/main.py": "from fastapi import FastAPI\n\nfrom app.work import job\n\n"
        "app = FastAPI()\n\n\n@app.get('/')\nasync def index() -> None:\n    job()\n",
    }
    root = write_project(tmp_path / "p", files, select=["BK301"])
    (finding,) = analyze([root], use_cache=False).findings
    assert (finding.path, finding.line) == ("app/main.py", 10)
    assert "app.main.index -> app.deco.retry.decorator.inner (line 10) -> time.sleep (line 17)" in (
        finding.message
    )


def test_graph_imports_unresolved(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/a.py": "import os\nimport app.missing\nfrom app.nope import x\n"
            "from . import b\nfrom .b import thing\nfrom .gone import y\nfrom .... import z\n"
            "from . import ghost\nfrom app.b import thing, missing_name\n"
            "from app.star import anything\n",
            "app/b.py": "thing = 1\n",
            "app/star.py": "from app.b import *\n",
        },
    )
    result = CliRunner().invoke(app, ["graph", str(root), "--kind", "imports", "--unresolved"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "app/a.py:2: app.a imports app.missing\n"
        "app/a.py:3: app.a imports app.nope\n"
        "app/a.py:6: app.a imports .gone\n"
        "app/a.py:7: app.a imports ....\n"
        "app/a.py:8: app.a imports . import ghost\n"
        "app/a.py:9: app.a imports app.b import missing_name\n"
        "6 unresolved import(s)\n"
    )


LIBRARY_OBJECTS = """\
import logging

from pydantic import BaseModel
from sqlmodel import select

logger = logging.getLogger(__name__)
_TABLE = {"a": 1}


class Item(BaseModel):
    name: str

    def label(self) -> str:
        return self.name.strip()


def run(data: dict) -> None:
    item = Item.model_validate(data)
    logger.info("validated")
    _TABLE.get("a")
    ", ".join(["a"])
    query = select(Item)
    query = query.where(Item.name == "x")
    select(Item).where(Item.name == "y")
    item.label()
"""


def test_methods_of_library_objects_are_external_not_unresolved(tmp_path: Path) -> None:
    """Classmethods a project class inherits, methods of literals, of typed attributes and of
    what a library call returned run no project code: they are external calls."""
    calls = calls_of(tmp_path, {"app/__init__.py": "", "app/lib.py": LIBRARY_OBJECTS})
    external = {name for _line, name in calls.external["app.lib.run"]}
    assert external >= {
        "pydantic.BaseModel.model_validate",
        "builtins.dict.get",
        "builtins.str.join",
    }
    assert "builtins.str.strip" in {name for _line, name in calls.external["app.lib.Item.label"]}
    unresolved = [text for _line, text in calls.unresolved.get("app.lib.run", [])]
    # what an inherited classmethod returns is a project instance: not claimed external
    assert "item.label" in unresolved
    assert not any("label" in name for name in external)
    # what a library function returns is not typed (cast, copy and max return project objects)
    assert {"logger.info", "query.where", "select(Item).where"} <= set(unresolved)


PASS_THROUGH = """\
import copy
from typing import cast

from app.mixins import *


class Repo:
    def save(self) -> None:
        open("/tmp/x").close()


class User(AuditMixin, Repo):
    pass


def run(obj: object) -> None:
    repo = cast(Repo, obj)
    repo.save()
    other = copy.copy(repo)
    other.save()
    User.audit()
"""


def test_library_functions_returning_project_objects_are_not_claimed(tmp_path: Path) -> None:
    """``cast``/``copy`` results and a class with a base the index cannot resolve (a star
    import) are left unresolved, never named as some library's method."""
    files = {
        "app/__init__.py": "",
        "app/mixins.py": "class AuditMixin:\n    def audit(self) -> None:\n        pass\n",
        "app/use.py": PASS_THROUGH,
    }
    calls = calls_of(tmp_path, files)
    external = {name for _line, name in calls.external.get("app.use.run", [])}
    assert not any(name.endswith((".save", ".audit")) for name in external)
    unresolved = {text for _line, text in calls.unresolved.get("app.use.run", [])}
    assert {"repo.save", "other.save"} <= unresolved
