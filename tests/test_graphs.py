"""The import graph, the call graph, their serialisers and ``backendkit graph``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.engine import Project, build_project
from backendkit.graphs import build_call_graph, build_import_graph, collapse, focus
from backendkit.graphs.imports import runtime_imports
from backendkit.graphs.render import render, to_dot, to_mermaid
from backendkit.rules.architecture import cycle_groups
from helpers import write_project

SHOP = Path(__file__).parent / "projects" / "graphs"


@pytest.fixture(scope="module")
def shop() -> Project:
    root = SHOP.resolve()
    project, _files = build_project(root, load_config(root, load_catalogue()))
    return project


def _edges(graph: nx.DiGraph, **match: object) -> set[tuple[str, str]]:
    return {
        (a, b)
        for a, b, data in graph.edges(data=True)
        if all(data.get(k) == v for k, v in match.items())
    }


# -- import graph ------------------------------------------------------------------------------
def test_import_edges(shop: Project) -> None:
    """Relative imports, ``from pkg import mod``, re-exports, aliases and namespace packages."""
    graph = build_import_graph(shop.index)
    assert _edges(graph) == {
        ("plugins.extra", "plugins.sibling"),  # namespace package: from plugins import sibling
        ("plugins.extra", "shop.helpers"),  # import shop.helpers as h
        ("shop", "shop.services"),  # from .services import OrderService
        ("shop.api", "shop.api.orders"),
        ("shop.api.deps", "shop.repo"),
        ("shop.api.orders", "shop"),  # from shop import OrderService (a re-export)
        ("shop.api.orders", "shop.api.deps"),
        ("shop.api.orders", "shop.helpers"),
        ("shop.cycle_a", "shop.cycle_b"),
        ("shop.cycle_b", "shop.cycle_a"),
        ("shop.main", "shop.api"),
        ("shop.repo", "shop.helpers"),  # from shop import helpers: a module
        ("shop.services", "shop.repo"),
    }
    back = graph.edges["shop.cycle_b", "shop.cycle_a"]
    assert back == {"lines": [1, 9], "toplevel": [1], "checking": []}  # line 9 is inside a function
    assert graph.nodes["shop.api"] == {
        "path": "shop/api/__init__.py",
        "is_package": True,
        "lines": 3,
        "external": False,
    }


def test_external_imports_are_collapsed_to_top_level_names(shop: Project) -> None:
    graph = build_import_graph(shop.index, include_external=True)
    assert {n for n, d in graph.nodes(data=True) if d["external"]} == {"fastapi", "typing"}
    assert ("shop.api.orders", "fastapi") in graph.edges


def test_collapse_to_packages(shop: Project) -> None:
    graph = collapse(build_import_graph(shop.index), 1)
    assert set(graph) == {"plugins", "shop"}
    assert _edges(graph) == {("plugins", "shop")}
    assert graph.edges["plugins", "shop"]["count"] == 1
    two = collapse(build_import_graph(shop.index), 2)
    assert ("shop.api", "shop.repo") in two.edges
    assert ("shop.api", "shop") in two.edges
    with pytest.raises(ValueError, match="at least 1"):
        collapse(graph, 0)


def test_focus(shop: Project) -> None:
    graph = focus(build_import_graph(shop.index), "shop.helpers")
    assert set(graph) == {"shop.helpers", "plugins.extra", "shop.api.orders", "shop.repo"}
    with pytest.raises(ValueError, match="no such node"):
        focus(graph, "nowhere")


def test_cycle_groups(shop: Project) -> None:
    graph = runtime_imports(build_import_graph(shop.index))
    assert cycle_groups(graph) == [(["shop.cycle_a", "shop.cycle_b", "shop.cycle_a"], 2)]


def test_cycle_group_is_one_shortest_cycle_per_component() -> None:
    graph = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("b", "a"), ("x", "y"), ("y", "x")])
    assert cycle_groups(graph) == [(["a", "b", "a"], 3), (["x", "y", "x"], 2)]


# -- call graph --------------------------------------------------------------------------------
def test_call_edges(shop: Project) -> None:
    """Direct, aliased, re-exported, ``self``/``cls``, typed receivers, constructors."""
    calls = build_call_graph(shop.index, shop.model, shop.resolver)
    assert _edges(calls.graph, kind="call") == {
        ("plugins.extra.run", "plugins.sibling.go"),
        ("plugins.extra.run", "shop.helpers.fmt"),  # import shop.helpers as h; h.fmt()
        ("shop.api.deps.get_repo", "shop.repo.Repo.__init__"),
        ("shop.api.orders.create_order", "shop.services.OrderService.place"),  # Annotated param
        ("shop.api.orders.make_service", "shop.services.OrderService.__init__"),  # re-export
        ("shop.api.orders.read_order", "shop.repo.Repo.get"),  # RepoDep alias annotation
        ("shop.cycle_a.a_func", "shop.cycle_b.b_func"),
        ("shop.cycle_b.later", "shop.cycle_a.a_func"),
        ("shop.helpers.write_log", "shop.helpers.fmt"),
        ("shop.repo.Repo.get", "shop.helpers.write_log"),
        ("shop.repo.Repo.save", "shop.helpers.write_log"),
        ("shop.services.OrderService._check", "shop.repo.Repo.__init__"),
        ("shop.services.OrderService._check", "shop.repo.Repo.get"),  # local = Repo()
        ("shop.services.OrderService.place", "shop.repo.Repo.save"),  # self.repo (from __init__)
        ("shop.services.OrderService.place", "shop.services.BaseService.audit"),  # through mro
        ("shop.services.OrderService.place", "shop.services.OrderService._check"),
    }
    assert calls.graph.edges["shop.helpers.write_log", "shop.helpers.fmt"]["line"] == 2


def test_framework_edges(shop: Project) -> None:
    """Route -> dependencies (router-level, parameters, Annotated aliases) -> sub-dependencies,
    and background tasks."""
    calls = build_call_graph(shop.index, shop.model, shop.resolver)
    assert _edges(calls.graph, kind="framework") == {
        ("shop.api.deps.get_current_user", "shop.api.deps.get_db"),
        ("shop.api.deps.get_repo", "shop.api.deps.get_db"),
        ("shop.api.orders.create_order", "shop.api.deps.get_current_user"),
        ("shop.api.orders.create_order", "shop.api.orders.make_service"),
        ("shop.api.orders.create_order", "shop.helpers.write_log"),  # tasks.add_task(log, ...)
        ("shop.api.orders.make_service", "shop.api.deps.get_repo"),
        ("shop.api.orders.read_order", "shop.api.deps.get_current_user"),
        ("shop.api.orders.read_order", "shop.api.deps.get_repo"),
    }
    kinds = nx.get_node_attributes(calls.graph, "kind")
    assert kinds["shop.api.orders.create_order"] == "route"
    assert kinds["shop.api.deps.get_db"] == "dependency"
    assert kinds["shop.repo.Repo.get"] == "method"
    assert kinds["shop.helpers.fmt"] == "function"
    assert calls.graph.nodes["shop.api.orders.create_order"]["is_async"] is True


def test_unresolved_calls_are_listed_not_guessed(shop: Project) -> None:
    calls = build_call_graph(shop.index, shop.model, shop.resolver)
    assert calls.unresolved == {"shop.services.OrderService._check": [(21, "mystery.run")]}
    assert calls.external["shop.helpers.write_log"] == [(2, "builtins.print")]
    assert calls.external["shop.helpers.fmt"] == [(6, "builtins.str.upper")]
    reached = nx.descendants(calls.graph, "shop.api.orders.create_order")
    assert {"shop.helpers.fmt", "shop.repo.Repo.save", "shop.api.deps.get_db"} <= reached


# -- serialisers -------------------------------------------------------------------------------
TINY = nx.DiGraph()
TINY.add_node("a.b", external=False)
TINY.add_node('q"x', external=True)
TINY.add_edge("a.b", 'q"x', kind="call")
TINY.add_edge('q"x', "a.b", kind="framework")


def test_dot_text() -> None:
    assert to_dot(TINY, "calls") == (
        'digraph "calls" {\n  rankdir=LR;\n  node [shape=box];\n  "a.b";\n'
        '  "q\\"x" [style=dashed];\n  "a.b" -> "q\\"x";\n  "q\\"x" -> "a.b" [style=dashed];\n}\n'
    )


def test_mermaid_text() -> None:
    assert to_mermaid(TINY) == (
        'flowchart LR\n  n0["a.b"]\n  n1["q#quot;x"]\n  n0 --> n1\n  n1 -.-> n0\n'
    )


def test_every_format_parses(shop: Project) -> None:
    graph = build_import_graph(shop.index)
    data = json.loads(render(graph, "json"))
    assert set(nx.node_link_graph(data, edges="edges").edges) == set(graph.edges)
    parsed = nx.parse_graphml(render(graph, "graphml"))
    assert set(parsed.edges) == set(graph.edges)
    assert parsed.edges["shop.cycle_b", "shop.cycle_a"]["lines"] == "1,9"
    calls = build_call_graph(shop.index, shop.model, shop.resolver).graph
    pycg = json.loads(render(calls, "pycg"))
    assert pycg["shop.helpers.write_log"] == ["shop.helpers.fmt"]
    assert pycg["shop.helpers.fmt"] == []
    assert render(graph, "dot").startswith('digraph "graph" {')
    with pytest.raises(ValueError, match="not one of"):
        render(graph, "png")


# -- command line ------------------------------------------------------------------------------
def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backendkit", "graph", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=SHOP,
    )


def test_cli_imports_mermaid_with_depth() -> None:
    done = _cli("--format", "mermaid", "--depth", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout == 'flowchart LR\n  n0["plugins"]\n  n1["shop"]\n  n0 -->|1| n1\n'


def test_cli_calls_json_focus() -> None:
    done = _cli(".", "--kind", "calls", "--format", "json", "--focus", "write_log")
    assert done.returncode == 0, done.stderr
    graph = nx.node_link_graph(json.loads(done.stdout), edges="edges")
    assert set(graph.predecessors("shop.helpers.write_log")) == {
        "shop.api.orders.create_order",
        "shop.repo.Repo.get",
        "shop.repo.Repo.save",
    }


def test_cli_focus_on_a_route_path() -> None:
    done = _cli("--kind", "calls", "--format", "dot", "--focus", "/api/orders/{order_id}")
    assert done.returncode == 0, done.stderr
    assert '"shop.api.orders.read_order" -> "shop.repo.Repo.get";' in done.stdout
    assert "create_order" not in done.stdout
    missing = _cli("--kind", "calls", "--focus", "/nowhere")
    assert missing.returncode == 2
    assert "no route has this path" in missing.stderr


def test_cli_calls_pycg_and_unresolved() -> None:
    done = _cli("--kind", "calls", "--format", "pycg")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["plugins.extra.run"] == [
        "plugins.sibling.go",
        "shop.helpers.fmt",
    ]
    listed = _cli("--kind", "calls", "--unresolved")
    assert listed.stdout == (
        "shop/services.py:21: shop.services.OrderService._check calls mystery.run\n"
        "1 unresolved call(s)\n"
    )
    as_json = _cli("--kind", "calls", "--unresolved", "--format", "json")
    assert json.loads(as_json.stdout) == [
        {
            "path": "shop/services.py",
            "line": 21,
            "function": "shop.services.OrderService._check",
            "call": "mystery.run",
        }
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "png"), "--format 'png' is not one of"),
        (("--kind", "classes"), "--kind 'classes' is not one of"),
        (("--format", "pycg"), "--format pycg needs --kind calls"),
        (("--kind", "calls", "--external"), "--external applies to --kind imports"),
        (("--focus", "nowhere"), "no such node"),
        (("missing-dir",), "no such file or directory"),
    ],
)
def test_cli_errors(args: tuple[str, ...], message: str) -> None:
    done = _cli(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert message in done.stderr
    assert done.stderr.count("\n") == 1


def test_type_only_imports_do_not_run_at_import_time(tmp_path: Path) -> None:
    """With ``TYPE_CHECKING`` imported, imports used in annotations only are type-only."""
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/a.py": "from typing import TYPE_CHECKING\n\nfrom app.c import helper\n\n"
            "if TYPE_CHECKING:\n    from app.b import B\n\n\ndef f(b: 'B') -> None:\n"
            "    helper()\n",
            "app/b.py": "from app.a import f\n\nB = f\n",
            "app/c.py": "def helper() -> None:\n    pass\n",
        },
    )
    project, _files = build_project(root, load_config(root, load_catalogue()))
    graph = build_import_graph(project.index)
    assert graph.edges["app.a", "app.b"] == {"lines": [6], "toplevel": [], "checking": [6]}
    assert graph.edges["app.a", "app.c"] == {"lines": [3], "toplevel": [3], "checking": []}
    assert cycle_groups(runtime_imports(graph)) == []


def test_class_and_instance_dependencies(tmp_path: Path) -> None:
    """``Depends(Pager)`` calls ``Pager.__init__``; ``Depends(checker)`` with ``checker =
    RoleChecker(...)`` calls ``RoleChecker.__call__``, whose own dependencies follow."""
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/main.py": "from fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n\n"
            "def get_user() -> str:\n    return 'u'\n\n\nclass Pager:\n"
            "    def __init__(self, page: int = 1) -> None:\n        self.page = page\n\n\n"
            "class RoleChecker:\n    def __init__(self, role: str) -> None:\n"
            "        self.role = role\n\n"
            "    def __call__(self, user: str = Depends(get_user)) -> None:\n        pass\n\n\n"
            "checker = RoleChecker('admin')\n\n\n"
            "@app.get('/', dependencies=[Depends(checker)])\n"
            "def index(pager: Pager = Depends()) -> None:\n    pass\n",
        },
    )
    project, _files = build_project(root, load_config(root, load_catalogue()))
    calls = build_call_graph(project.index, project.model, project.resolver)
    assert _edges(calls.graph, kind="framework") == {
        ("app.main.index", "app.main.Pager.__init__"),
        ("app.main.index", "app.main.RoleChecker.__call__"),
        ("app.main.RoleChecker.__call__", "app.main.get_user"),
    }
