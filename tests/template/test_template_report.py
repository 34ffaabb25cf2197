"""``backendkit report`` on the generated project: written, clean, every route authenticated
or public, no import cycles (renders only; no virtualenv needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tplkit import explain, run

pytestmark = [pytest.mark.slow, pytest.mark.needs_engine]


def test_report_on_the_default_project(projects: dict[str, Path], tmp_path: Path) -> None:
    project = projects["default"]
    out = tmp_path / "report.html"
    command = [sys.executable, "-m", "backendkit", "report", str(project), "--no-cache"]
    html = run([*command, "-o", str(out)], project)
    assert html.returncode == 0, explain(html)
    page = out.read_text(encoding="utf-8")
    assert 'id="graph-svg"' in page
    assert "No import cycles." in page
    markdown = run([*command, "--format", "markdown"], project)
    assert markdown.returncode == 0, explain(markdown)
    assert "- **0 findings**" in markdown.stdout
    assert "0 unprotected and not public" in markdown.stdout
    assert "```mermaid\nflowchart LR" in markdown.stdout
