"""The input every reporter renders, and helpers shared by several formats."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from backendkit.catalogue import DOCS_BASE_URL, RuleInfo
from backendkit.findings import Finding
from backendkit.result import current_directory, display_path

SourceReader = Callable[[str], "list[str] | None"]


def no_source(_path: str) -> list[str] | None:
    """Source reader used when none is given: every file is unavailable."""
    return None


@dataclass
class Report:
    """Everything one ``backendkit lint`` run hands to a reporter.

    ``findings`` are already filtered and sorted; ``finding.path`` is relative to ``root`` and
    uses forward slashes. Every format shows a path as ``shown`` gives it: relative to ``cwd``
    (the working directory) when the file is under it, else absolute, whatever ``root`` is.
    ``rules`` is the catalogue, used for rule metadata (docs URL, summary).
    ``source`` returns the lines (without line endings) of a root-relative file, or ``None``
    when it cannot be read; it is only used for snippets and fingerprints.
    """

    findings: list[Finding]
    rules: dict[str, RuleInfo]
    root: Path
    tool_version: str
    notes: list[str] = field(default_factory=list)
    files_checked: int = 0
    source: SourceReader = no_source
    show_statistics: bool = False
    cwd: Path | None = field(default_factory=current_directory)

    def shown(self, path: str) -> str:
        """How the output shows ``path`` (relative to ``root``): see ``display_path``."""
        return display_path(self.root, path, self.cwd)

    def docs_url(self, code: str) -> str:
        """Documentation page of ``code``; works for codes missing from the catalogue too."""
        rule = self.rules.get(code)
        return rule.docs_url if rule is not None else f"{DOCS_BASE_URL}/{code}.md"

    def line_text(self, path: str, line: int) -> str | None:
        """Text of one 1-based line of a project file, or ``None`` when unavailable."""
        lines = self.source(path)
        if lines is None or not 1 <= line <= len(lines):
            return None
        return lines[line - 1].rstrip("\r\n")


def pluralize(count: int, word: str) -> str:
    """``1 problem``, ``2 problems``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(count: int) -> str:
    """The closing line of the text formats."""
    return f"Found {pluralize(count, 'problem')}." if count else "All checks passed!"


def statistics_lines(findings: list[Finding]) -> list[str]:
    """A count / code / name table, most frequent code first, then by code."""
    counts = Counter((f.code, f.name) for f in findings)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    width = max((len(str(n)) for n in counts.values()), default=1)
    code_width = max((len(code) for code, _ in counts), default=4)
    return [f"{n:>{width}}  {code:<{code_width}}  {name}" for (code, name), n in rows]


def single_line(text: str) -> str:
    """Join a multi-line message into one line for line-oriented formats."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip()) or text.strip()


def fingerprints(report: Report, shown: Callable[[str], str] | None = None) -> Iterator[str]:
    """One stable hex fingerprint per finding, in ``report.findings`` order.

    The hash covers the rule code, the path (as ``shown`` names a finding's project-relative
    path; by default as the output shows it) and the whitespace-normalised text of the
    finding's line, not the line number, so it survives edits elsewhere in the file. A running
    occurrence number keeps identical (code, path, line text) triples apart.
    """
    if shown is None:
        shown = report.shown
    seen: Counter[str] = Counter()
    for finding in report.findings:
        text = report.line_text(finding.path, finding.line) or ""
        base_text = "\0".join((finding.code, shown(finding.path), " ".join(text.split())))
        digest = hashlib.sha256(base_text.encode("utf-8")).hexdigest()
        occurrence = seen[digest]
        seen[digest] += 1
        yield hashlib.sha256(f"{digest}:{occurrence}".encode()).hexdigest()
