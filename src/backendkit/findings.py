"""Findings: the plain records every rule produces and every reporter consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    """How serious a finding is; maps onto SARIF levels and CI annotation kinds."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Fix:
    """A replacement of the text between two positions (1-based lines, 0-based columns)."""

    description: str
    replacement: str
    line: int
    column: int
    end_line: int
    end_column: int
    safe: bool = True


@dataclass(frozen=True)
class Finding:
    """One problem found in one place.

    ``path`` is relative to the project root and uses forward slashes. Lines are 1-based and
    columns 1-based (0 when unknown), as ruff and most editors print them. ``related`` are
    other files (same form) the problem is made of: a run reporting on some files reports the
    finding when one of them is among them (a route's dependency edited in ``deps.py``).
    """

    code: str
    name: str
    message: str
    path: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    severity: Severity = Severity.WARNING
    fix: Fix | None = None
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
    related: tuple[str, ...] = field(default=(), compare=False, hash=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order findings by file, position, code and message (stable across runs)."""
        return (self.path, self.line, self.column, self.code, self.message)

    def to_dict(self) -> dict[str, object]:
        """Plain-JSON form used by the json and json-lines reporters."""
        data: dict[str, object] = {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line if self.end_line is not None else self.line,
            "end_column": self.end_column,
        }
        if self.fix is not None:
            data["fix"] = {
                "description": self.fix.description,
                "safe": self.fix.safe,
            }
        if self.related:
            data["related"] = list(self.related)
        if self.extra:
            data["extra"] = self.extra
        return data


def internal_error(code: str, path: str, error: BaseException) -> Finding:
    """The BK002 finding for a rule that failed unexpectedly."""
    return Finding(
        code="BK002",
        name="internal-error",
        message=f"Internal error in rule {code} on this file: {type(error).__name__}: "
        f"{error}; the other rules still ran, please report it",
        path=path,
        line=1,
        severity=Severity.ERROR,
    )
