"""``graph`` reads the per-file cache entries ``lint`` wrote (and the other way round): the
summaries do not depend on the command, so the first graph after a lint parses nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.graphs.command import run_graph
from helpers import write_project

FILES = {
    "app/__init__.py": "",
    "app/main.py": "from fastapi import FastAPI\n\nfrom app import items\n\napp = FastAPI()\n"
    "app.include_router(items.router)\n",
    "app/items.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
    '@router.get("/items")\ndef list_items() -> list:\n    return []\n',
}


def _packs(root: Path) -> list[str]:
    return sorted(p.name for p in (root / ".backendkit_cache" / "files").glob("*.pack"))


def _graph(root: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert run_graph([root], "imports", "json", None, None, False, False, None) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("select", [None, ["BK101", "BK401"]])
def test_graph_after_lint_parses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], select: list[str] | None
) -> None:
    root = write_project(tmp_path / "p", FILES, select=select)
    analyze([root])
    written = _packs(root)
    assert len(written) == 1
    graph = _graph(root, capsys)
    assert _packs(root) == written  # every summary came from lint's pack
    assert {"app.main", "app.items"} <= {node["id"] for node in graph["nodes"]}


def test_lint_after_graph_parses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path / "p", FILES)
    _graph(root, capsys)
    written = _packs(root)
    assert len(written) == 1
    result = analyze([root])
    assert _packs(root) == written
    assert [r.path for r in result.routes] == ["/items"]
