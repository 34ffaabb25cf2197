"""``backendkit graph --focus PACKAGE``: the package and every module under its dotted prefix
(the import graph), or the functions of those modules (the call graph), with their neighbours;
an exact module or function stays a focus of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import backendkit
from helpers import write_project

# The subprocess runs the backendkit this test imported, whatever the working directory.
ENV = {**os.environ, "PYTHONPATH": str(Path(backendkit.__file__).resolve().parents[1])}

APP = {
    "app/__init__.py": "",
    "app/main.py": ("from app.api import api_router\n\n\ndef create():\n    return api_router\n"),
    "app/api/__init__.py": "from app.api.routes import api_router\n",
    "app/api/routes.py": (
        "from app.api import items\n\n"
        "api_router = [items.read]\n\n\n"
        "def mount():\n    return items.read()\n"
    ),
    "app/api/items.py": (
        "from app.services.items import list_all\n\n\ndef read():\n    return list_all()\n"
    ),
    "app/apiary.py": (
        "from app.core.config import settings\n\n\ndef hive():\n    return settings\n"
    ),
    "app/core/__init__.py": "",
    "app/core/config.py": "settings = {}\n",
    "app/services/__init__.py": "",
    "app/services/items.py": (
        "from app.core.config import settings\n\n\n"
        "def list_all():\n    return helper()\n\n\n"
        "def helper():\n    return settings\n"
    ),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("focus") / "p", APP)


def graph(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backendkit", "graph", str(root), "--no-cache", *args],
        capture_output=True,
        text=True,
        cwd=root,
        env=ENV,
        check=False,
    )


def focused(root: Path, *args: str) -> tuple[set[str], set[tuple[str, str]]]:
    result = graph(root, "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    nodes = {node["id"] for node in data["nodes"]}
    return nodes, {(e["source"], e["target"]) for e in data["edges"]}


def test_package_focus_keeps_its_submodules(project: Path) -> None:
    nodes, edges = focused(project, "--focus", "app.api")
    assert nodes == {
        "app.api",
        "app.api.routes",
        "app.api.items",
        "app.main",  # imports the package
        "app.services.items",  # imported by a submodule
    }
    assert edges == {
        ("app.main", "app.api"),
        ("app.api", "app.api.routes"),
        ("app.api.routes", "app.api.items"),
        ("app.api.items", "app.services.items"),
    }


def test_exact_module_focus_is_unchanged(project: Path) -> None:
    nodes, _edges = focused(project, "--focus", "app.api.items")
    assert nodes == {"app.api.items", "app.api.routes", "app.services.items"}
    # a module name as a suffix still finds every module of that name
    nodes, _edges = focused(project, "--focus", "items")
    assert nodes == {"app.api.items", "app.api.routes", "app.services.items", "app.core.config"}


def test_package_focus_in_collapsed_graph(project: Path) -> None:
    nodes, _edges = focused(project, "--depth", "2", "--focus", "app")
    assert nodes == {"app", "app.api", "app.apiary", "app.core", "app.main", "app.services"}


def test_call_graph_package_focus_keeps_functions_of_its_modules(project: Path) -> None:
    nodes, edges = focused(project, "--kind", "calls", "--focus", "app.api")
    assert nodes == {
        "app.api.routes.mount",
        "app.api.items.read",
        "app.services.items.list_all",  # called by a function of the package
    }
    assert edges == {
        ("app.api.routes.mount", "app.api.items.read"),
        ("app.api.items.read", "app.services.items.list_all"),
    }


def test_call_graph_exact_function_focus_is_unchanged(project: Path) -> None:
    nodes, _edges = focused(project, "--kind", "calls", "--focus", "app.services.items.list_all")
    assert nodes == {
        "app.services.items.list_all",
        "app.api.items.read",
        "app.services.items.helper",
    }
    nodes, _edges = focused(project, "--kind", "calls", "--focus", "helper")
    assert nodes == {"app.services.items.helper", "app.services.items.list_all"}


@pytest.mark.parametrize("kind", ["imports", "calls"])
@pytest.mark.parametrize("name", ["app.nowhere", "app.ap", "pi"])
def test_unknown_focus_is_an_error(project: Path, kind: str, name: str) -> None:
    """A name that is neither a node, a dotted prefix of nodes, nor a node's last parts."""
    result = graph(project, "--kind", kind, "--focus", name)
    assert result.returncode == 2
    assert f"--focus {name!r}: no such node in the graph" in result.stderr
