"""``# backendkit: ignore[...]`` comments: which findings they silence, and which silence
nothing (reported as BK004, like ruff's RUF100)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from backendkit.findings import Finding, Severity
from backendkit.summary.model import Directive

if TYPE_CHECKING:
    from backendkit.config import Config

UNUSED_CODE = "BK004"
#: findings about the run or its configuration, reported whatever files the run was given
CONFIG_CODES = frozenset({"BK002", "BK005"})


class HasDirectives(Protocol):
    """A file's path and its directives (a ``ModuleSummary`` or a cached record of one)."""

    @property
    def path(self) -> str: ...

    @property
    def directives(self) -> Sequence[Directive]: ...


class Suppressions:
    """The directives of every file, and the (file, line, code) uses seen so far."""

    def __init__(self, summaries: Iterable[HasDirectives]) -> None:
        self._by_path = {s.path: s.directives for s in summaries if s.directives}
        self._used: set[tuple[str, int, str]] = set()

    def suppresses(self, finding: Finding) -> bool:
        """True when a directive silences ``finding`` (the use is remembered)."""
        lines = {finding.line, *finding.extra.get("alt_lines", [])}  # type: ignore[misc]
        for directive in self._by_path.get(finding.path, ()):
            if finding.code in directive.codes and _applies(directive, lines):
                self._used.add((finding.path, directive.line, finding.code))
                return True
        return False

    def unused(self, enabled: frozenset[str], reported: set[str] | None) -> list[Finding]:
        """One BK004 per code of an ignore directive that silenced nothing, for rules that
        ran, in the reported files."""
        out: list[Finding] = []
        for path, directives in self._by_path.items():
            if reported is not None and path not in reported:
                continue
            for directive in directives:
                stale = [
                    code
                    for code in directive.codes
                    if directive.kind in ("ignore", "ignore-file")
                    and code in enabled
                    and (path, directive.line, code) not in self._used
                ]
                if stale:
                    out.append(_unused_finding(path, directive, stale))
        return out


def _applies(directive: Directive, lines: set[int]) -> bool:
    return directive.kind == "ignore-file" or (
        directive.kind == "ignore" and directive.line in lines
    )


def _unused_finding(path: str, directive: Directive, codes: list[str]) -> Finding:
    return Finding(
        code=UNUSED_CODE,
        name="unused-directive",
        message=f"Suppression of {', '.join(codes)} is unused: nothing is reported there any "
        "more; remove it so it cannot hide a future problem",
        path=path,
        line=directive.line,
        severity=Severity.WARNING,
    )


def _selected(
    finding: Finding, config: Config, enabled: frozenset[str], reported: set[str] | None
) -> bool:
    """Enabled, in a reported file (internal errors always are), not per-file ignored."""
    if finding.code not in enabled:
        return False
    if reported is not None and not _reported(finding, reported):
        return False
    return not config.ignored_in_file(finding.path, finding.code)


def _reported(finding: Finding, reported: set[str]) -> bool:
    """In a reported file, or caused by one (``Finding.related``), or about the run or its
    configuration."""
    if finding.path in reported or finding.code in CONFIG_CODES:
        return True
    return any(path in reported for path in finding.related)


def filter_findings(
    findings: Iterable[Finding],
    config: Config,
    files: Iterable[HasDirectives],
    enabled: frozenset[str],
    reported: set[str] | None,
) -> list[Finding]:
    """Apply selection, per-file ignores, suppression comments (the ``directives`` of
    ``files``) and the reported files; add BK004 for suppressions that silenced nothing."""
    suppressions = Suppressions(files)
    seen: set[tuple[str, int, str, str]] = set()
    kept: list[Finding] = []
    for finding in findings:
        key = (finding.path, finding.line, finding.code, finding.message)
        if key in seen or not _selected(finding, config, enabled, reported):
            continue
        seen.add(key)
        if not suppressions.suppresses(finding):
            kept.append(finding)
    if UNUSED_CODE in enabled:
        stale = suppressions.unused(enabled, reported)
        kept += [f for f in stale if not config.ignored_in_file(f.path, f.code)]
    return sorted(kept, key=Finding.sort_key)
