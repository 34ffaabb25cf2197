"""GitHub Actions workflow commands: one annotation per finding.

Escaping follows the Actions runner: message data escapes ``%``, ``\\r`` and ``\\n``; property
values additionally escape ``:`` and ``,``.
"""

from __future__ import annotations

from backendkit.findings import Finding, Severity
from backendkit.reporters.report import Report

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=`` ...) of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, path: str | None = None) -> str:
    """``::error file=...,line=...,col=...,endLine=...,endColumn=...,title=...::message``;
    ``path`` is the ``file=`` to show (default: ``finding.path``)."""
    shown = finding.path if path is None else path
    props: list[tuple[str, object]] = [("file", shown), ("line", finding.line)]
    if finding.column >= 1:
        props.append(("col", finding.column))
    if finding.end_line is not None:
        props.append(("endLine", max(finding.end_line, finding.line)))
    if finding.end_column is not None and finding.column >= 1:
        props.append(("endColumn", finding.end_column))
    props.append(("title", f"{finding.code} {finding.name}"))
    rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in props)
    return f"::{COMMANDS[finding.severity]} {rendered}::{escape_data(finding.message)}"


def render_github(report: Report) -> str:
    """One annotation per finding, then one ``::notice`` per run note."""
    lines = [annotation(f, report.shown(f.path)) for f in report.findings]
    lines += [f"::notice title=backendkit::{escape_data(note)}" for note in report.notes]
    return "".join(line + "\n" for line in lines)
