"""Output formats of ``backendkit lint``.

``render(fmt, report)`` returns the whole output as text; every non-empty output ends with a
newline, so the CLI should write it as is (``sys.stdout.write``), not ``print`` it.
"""

from __future__ import annotations

from collections.abc import Callable

from backendkit.reporters.github import render_github
from backendkit.reporters.jsonfmt import render_gitlab, render_json, render_json_lines
from backendkit.reporters.junit import render_junit
from backendkit.reporters.report import Report, SourceReader
from backendkit.reporters.sarif import render_sarif
from backendkit.reporters.text import render_concise, render_full

__all__ = ["FORMATS", "Report", "SourceReader", "render"]

FORMATS = ("concise", "full", "json", "json-lines", "sarif", "github", "gitlab", "junit")

_RENDERERS: dict[str, Callable[[Report], str]] = {
    "concise": render_concise,
    "full": render_full,
    "json": render_json,
    "json-lines": render_json_lines,
    "sarif": render_sarif,
    "github": render_github,
    "gitlab": render_gitlab,
    "junit": render_junit,
}


def render(fmt: str, report: Report) -> str:
    """Render ``report`` in output format ``fmt`` (one of ``FORMATS``)."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise ValueError(f"unknown output format {fmt!r} (choose from {choices})") from None
    return renderer(report)
