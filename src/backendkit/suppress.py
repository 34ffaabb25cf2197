"""``# backendkit: ignore[...]`` comments: which findings they silence, and which silence
nothing (reported as BK004, like ruff's RUF100)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from backendkit.findings import Finding, Severity
from backendkit.summary.model import Directive

UNUSED_CODE = "BK004"


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
