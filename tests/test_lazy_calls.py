"""The lazy call graph BK301 searches: it resolves only what the async entry points reach,
and what it resolves is exactly what the full call graph holds."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.engine import Project, build_project
from backendkit.findings import Finding
from backendkit.graphs.calls import (
    CallGraph,
    LazyCallGraph,
    build_call_graph,
    lazy_call_graph,
    source_call_line,
)
from backendkit.rules import RULES
from backendkit.rules.architecture import BlockingCallRule
from backendkit.rules.base import ProjectContext
from helpers import write_project

PROJECTS = Path(__file__).parent / "projects"
EXAMPLES = Path(__file__).parent.parent / "examples"

SERVICE = """\
import time

import requests


def fetch(url: str) -> str:
    return requests.get(url, timeout=5).text


def load(url: str) -> str:
    return fetch(url)


def nap() -> None:
    time.sleep(1)


def report_row(n: int) -> str:
    return str(n)


def report(rows: int) -> list[str]:
    return [report_row(n) for n in range(rows)]
"""

MAIN = """\
from fastapi import BackgroundTasks, Depends, FastAPI

from app import service

app = FastAPI()


async def slow_dependency() -> str:
    return service.load("https://example.com")


async def cleanup() -> None:
    service.nap()


@app.get("/a")
async def a() -> str:
    return service.load("https://example.com")


@app.get("/b")
async def b(value: str = Depends(slow_dependency)) -> str:
    return value


@app.post("/c")
async def c(tasks: BackgroundTasks) -> None:
    tasks.add_task(cleanup)


@app.get("/report")
def report() -> list[str]:
    return service.report(3)
"""

FILES = {"app/__init__.py": "", "app/service.py": SERVICE, "app/main.py": MAIN}


def _link(root: Path) -> Project:
    project, _files = build_project(root, load_config(root, load_catalogue()), use_cache=False)
    return project


def _context(project: Project) -> ProjectContext:
    return ProjectContext(project.index, project.model, project.resolver, project.routes)


def _found(context: ProjectContext) -> list[Finding]:
    """BK301's findings: its search (before linking, in a lint run), settled on the routes."""
    rule = BlockingCallRule(load_catalogue()["BK301"], {})
    return rule.after_link(context, list(rule.check_project(context)))


def _bk301(project: Project, graph: CallGraph | None = None) -> list[tuple[str, int, str]]:
    """BK301's findings with its own (lazy) graph, or with ``graph`` in its place."""
    context = _context(project)
    if graph is not None:
        context.__dict__["source_calls"] = graph  # what the cached property would hold
    return [(f.path, f.line, f.message) for f in _found(context)]


def _shape(calls: CallGraph) -> tuple[object, ...]:
    """Nodes with their data, edges with their kind (and the line of source calls, the ones a
    search follows), externals and unresolved calls."""
    graph: nx.DiGraph = calls.graph
    edges = {
        (a, b): (d["kind"], source_call_line(d) or 0, d.get("hook"))
        for a, b, d in graph.edges(data=True)
    }
    return dict(graph.nodes(data=True)), edges, calls.external, calls.unresolved


def test_only_what_async_entries_reach_is_resolved(tmp_path: Path) -> None:
    project = _link(write_project(tmp_path / "p", FILES))
    context = _context(project)
    found = _found(context)
    assert sorted((f.path, f.line) for f in found) == [
        ("app/main.py", 9),  # the async dependency
        ("app/main.py", 13),  # the background task
        ("app/main.py", 18),  # route /a
    ]
    lazy = context.source_calls
    assert isinstance(lazy, LazyCallGraph)
    # the sync route and what only it calls were never resolved
    assert {"app.main.report", "app.service.report", "app.service.report_row"} <= set(lazy.pending)
    assert "app.service.fetch" not in lazy.pending
    assert "app.main.report" not in lazy.external


def test_lazy_and_full_graph_give_the_same_findings(tmp_path: Path) -> None:
    project = _link(write_project(tmp_path / "p", FILES))
    full = build_call_graph(project.index, project.model, project.resolver)
    assert _bk301(project) == _bk301(project, full)
    assert len(_bk301(project)) == 3


def _examples() -> list[object]:
    rule = RULES["BK301"]
    return [
        pytest.param(example, id=f"{kind}-{number}")
        for kind in ("VALID", "INVALID")
        for number, example in enumerate(getattr(rule, kind))
    ]


@pytest.mark.parametrize("example", _examples())
def test_rule_examples_agree(tmp_path: Path, example: object) -> None:
    files = example.file_map()  # type: ignore[attr-defined]
    project = _link(write_project(tmp_path / "ex", files, example.options))  # type: ignore[attr-defined]
    full = build_call_graph(project.index, project.model, project.resolver)
    assert _bk301(project) == _bk301(project, full)


@pytest.mark.parametrize(
    "root",
    [*sorted(p for p in PROJECTS.iterdir() if p.is_dir()), EXAMPLES / "shop"],
    ids=lambda p: p.name,
)
def test_expanded_lazy_graph_is_the_full_graph(root: Path, tmp_path: Path) -> None:
    project = _link(root.resolve())
    lazy = lazy_call_graph(project.index, project.model, project.resolver)
    for node in list(lazy.graph.nodes):
        lazy.expand(node)
    assert not lazy.pending
    full = build_call_graph(project.index, project.model, project.resolver)
    assert _shape(lazy) == _shape(full)
