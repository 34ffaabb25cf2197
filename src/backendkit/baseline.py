"""Baselines: record today's findings, then report only new ones.

Findings are matched by the reporters' stable fingerprint (rule code, file, and the text of
the reported line, plus an occurrence number), never by line number, so code that moves
within its file does not revive a recorded finding, while a second copy of it is new.

Paths are recorded (and fingerprinted) relative to the baseline file's directory, with ``..``
where needed (``.ci/baseline.json`` records ``../app/main.py``), so one baseline matches
whatever directory backendkit runs from, whichever files it is given (a monorepo's pre-commit
run names files of several projects, a full run lints them all) and wherever the repository is
checked out. A baseline written before paths were relative to it (project-relative paths)
still matches: a finding is known if either form of its fingerprint is recorded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backendkit.findings import Finding
from backendkit.reporters.report import Report, fingerprints

VERSION = 1


@dataclass(frozen=True)
class Baseline:
    """The fingerprints a baseline file records; its paths are relative to ``directory``."""

    directory: Path
    fingerprints: frozenset[str]

    def __contains__(self, fingerprint: object) -> bool:
        return fingerprint in self.fingerprints


def _directory(path: Path) -> Path:
    return path.resolve().parent


def _relative_to(directory: Path, report: Report) -> Callable[[str], str]:
    """Names a finding's path relative to ``directory`` (``..`` allowed; absolute only when
    no relative path exists, another drive on Windows)."""

    def shown(path: str) -> str:
        full = report.root / path
        try:
            return Path(os.path.relpath(full, directory)).as_posix()
        except ValueError:
            return full.as_posix()

    return shown


def write_baseline(path: Path, report: Report) -> int:
    """Write every finding of ``report`` to ``path``; return how many."""
    shown = _relative_to(_directory(path), report)
    entries = [
        {
            "fingerprint": fp,
            "code": f.code,
            "path": shown(f.path),
            "line": f.line,
            "message": f.message,
        }
        for f, fp in zip(report.findings, fingerprints(report, shown), strict=True)
    ]
    document = {"tool": "backendkit", "version": VERSION, "findings": entries}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return len(entries)


def load_baseline(path: Path) -> Baseline:
    """The fingerprints recorded in ``path``; ``ValueError`` with one line when unusable."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        message = f"--baseline {path}: no such file (create it with --write-baseline)"
        raise ValueError(message) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"--baseline {path}: not a backendkit baseline ({error})") from None
    if not isinstance(document, dict) or document.get("tool") != "backendkit":
        raise ValueError(f"--baseline {path}: not a backendkit baseline file")
    if document.get("version") != VERSION:
        raise ValueError(
            f"--baseline {path}: version {document.get('version')!r} is not {VERSION}; "
            "write it again with --write-baseline"
        )
    entries = document.get("findings", [])
    recorded = {
        str(e["fingerprint"]) for e in entries if isinstance(e, dict) and "fingerprint" in e
    }
    return Baseline(_directory(path), frozenset(recorded))


def new_findings(report: Report, known: Baseline) -> list[Finding]:
    """The findings of ``report`` whose fingerprint the baseline does not hold (with paths
    relative to the baseline's directory, or project-relative as older baselines have them)."""
    prints = fingerprints(report, _relative_to(known.directory, report))
    older = fingerprints(report, str)
    return [
        finding
        for finding, fp, old in zip(report.findings, prints, older, strict=True)
        if fp not in known and old not in known
    ]
