"""The human formats: ``concise`` (one line per finding) and ``full`` (with source snippets).

Plain text only: colouring is the CLI's business.
"""

from __future__ import annotations

import unicodedata

from backendkit.findings import Finding
from backendkit.reporters.report import (
    Report,
    single_line,
    statistics_lines,
    summary_line,
)

CONTEXT_LINES = 2
MAX_SPAN_LINES = 8
TAB_WIDTH = 4


def finding_header(finding: Finding, path: str | None = None) -> str:
    """``path:line:col: CODE message`` (an unknown column 0 prints as 1); ``path`` is the
    path to show (default: ``finding.path``)."""
    column = max(finding.column, 1)
    shown = finding.path if path is None else path
    return f"{shown}:{finding.line}:{column}: {finding.code} {single_line(finding.message)}"


def _closing_lines(report: Report) -> list[str]:
    lines = [f"note: {single_line(note)}" for note in report.notes]
    if report.show_statistics and report.findings:
        lines += ["", *statistics_lines(report.findings), ""]
    lines.append(summary_line(len(report.findings)))
    return lines


def render_concise(report: Report) -> str:
    """One ``path:line:col: CODE message`` line per finding, notes, statistics, summary."""
    lines = [finding_header(f, report.shown(f.path)) for f in report.findings]
    return "\n".join(lines + _closing_lines(report)) + "\n"


def _char_width(char: str) -> int:
    if char == "\t":
        return TAB_WIDTH
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _width(text: str) -> int:
    return sum(_char_width(c) for c in text)


def _display(text: str) -> str:
    return text.replace("\t", " " * TAB_WIDTH)


def _underline(text: str, start: int, end: int | None) -> str:
    """Carets under the 1-based character columns ``start`` up to ``end`` (exclusive)."""
    start = min(max(start, 1), len(text) + 1)
    stop = len(text) + 1 if end is None else min(max(end, start + 1), len(text) + 1)
    pad = _width(text[: start - 1])
    return " " * pad + "^" * max(_width(text[start - 1 : stop - 1]), 1)


def _span_underlines(finding: Finding, lines: list[str]) -> dict[int, str]:
    """Underline per 1-based line number for the finding's range."""
    first, last = finding.line, finding.end_line or finding.line
    if last <= first:
        text = lines[first - 1]
        end = finding.end_column if finding.end_column is not None else finding.column + 1
        return {first: _underline(text, finding.column, end)}
    marks = {first: _underline(lines[first - 1], finding.column, None)}
    if last <= len(lines):
        text = lines[last - 1]
        indent = len(text) - len(text.lstrip()) + 1
        marks[last] = _underline(text, indent, finding.end_column)
    return marks


def _shown_lines(finding: Finding, total: int) -> list[int | None]:
    """Line numbers to print around the range; ``None`` marks elided lines."""
    first = finding.line
    last = min(max(finding.end_line or first, first), total)
    before = range(max(first - CONTEXT_LINES, 1), first)
    after = range(last + 1, min(last + CONTEXT_LINES, total) + 1)
    span: list[int | None] = list(range(first, last + 1))
    if len(span) > MAX_SPAN_LINES:
        span = [*span[:3], None, *span[-2:]]
    return [*before, *span, *after]


def snippet(finding: Finding, lines: list[str]) -> list[str]:
    """Gutter-numbered source lines with carets under the finding's range."""
    shown = _shown_lines(finding, len(lines))
    gutter = len(str(max(n for n in shown if n is not None)))
    marks = _span_underlines(finding, lines)
    out = [f"{'':>{gutter}} |"]
    for number in shown:
        if number is None:
            out.append(f"{'...':>{gutter}}")
            continue
        out.append(f"{number:>{gutter}} | {_display(lines[number - 1])}".rstrip())
        if number in marks:
            label = finding.code if number == max(marks) else ""
            out.append(f"{'':>{gutter}} | {marks[number]} {label}".rstrip())
    out.append(f"{'':>{gutter}} |")
    return out


def render_finding_full(finding: Finding, report: Report) -> list[str]:
    """Header, snippet (when the source is readable) and help lines of one finding."""
    out = [f"{finding_header(finding, report.shown(finding.path))} [{finding.name}]"]
    lines = report.source(finding.path)
    if lines is not None and 1 <= finding.line <= len(lines):
        out += snippet(finding, [line.rstrip("\r\n") for line in lines])
    if finding.fix is not None:
        safety = "" if finding.fix.safe else " (unsafe fix)"
        out.append(f"  = help: {single_line(finding.fix.description)}{safety}")
    out.append(f"  = help: see {report.docs_url(finding.code)}")
    return [*out, ""]


def render_full(report: Report) -> str:
    """Each finding with its source snippet and help, then notes, statistics, summary."""
    lines: list[str] = []
    for finding in report.findings:
        lines += render_finding_full(finding, report)
    return "\n".join(lines + _closing_lines(report)) + "\n"
