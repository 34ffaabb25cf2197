"""Output formats of ``backendkit lint``.

``render(fmt, report)`` returns the whole output as text; every non-empty output ends with a
newline, so the CLI should write it as is (``sys.stdout.write``), not ``print`` it.
"""

from __future__ import annotations

from importlib import import_module

from backendkit.reporters.report import Report, SourceReader

__all__ = ["FORMATS", "Report", "SourceReader", "render"]

FORMATS = ("concise", "full", "json", "json-lines", "sarif", "github", "gitlab", "junit")

#: the module (of this package) and function of each format, imported when it is asked for
#: (start-up: the JUnit one imports ``xml.etree``)
_RENDERERS: dict[str, tuple[str, str]] = {
    "concise": ("text", "render_concise"),
    "full": ("text", "render_full"),
    "json": ("jsonfmt", "render_json"),
    "json-lines": ("jsonfmt", "render_json_lines"),
    "sarif": ("sarif", "render_sarif"),
    "github": ("github", "render_github"),
    "gitlab": ("jsonfmt", "render_gitlab"),
    "junit": ("junit", "render_junit"),
}


def render(fmt: str, report: Report) -> str:
    """Render ``report`` in output format ``fmt`` (one of ``FORMATS``)."""
    try:
        module, name = _RENDERERS[fmt]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise ValueError(f"unknown output format {fmt!r} (choose from {choices})") from None
    renderer = getattr(import_module(f"backendkit.reporters.{module}"), name)
    return renderer(report)
