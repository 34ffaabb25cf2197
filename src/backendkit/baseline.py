"""Baselines: record today's findings, then report only new ones.

Findings are matched by the reporters' stable fingerprint (rule code, file, and the text of
the reported line, plus an occurrence number), never by line number, so code that moves
within its file does not revive a recorded finding, while a second copy of it is new.
"""

from __future__ import annotations

import json
from pathlib import Path

from backendkit.findings import Finding
from backendkit.reporters.report import Report, fingerprints

VERSION = 1


def write_baseline(path: Path, report: Report) -> int:
    """Write every finding of ``report`` to ``path``; return how many."""
    entries = [
        {"fingerprint": fp, "code": f.code, "path": f.path, "line": f.line, "message": f.message}
        for f, fp in zip(report.findings, fingerprints(report), strict=True)
    ]
    document = {"tool": "backendkit", "version": VERSION, "findings": entries}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return len(entries)


def load_baseline(path: Path) -> set[str]:
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
    return {str(e["fingerprint"]) for e in entries if isinstance(e, dict) and "fingerprint" in e}


def new_findings(report: Report, known: set[str]) -> list[Finding]:
    """The findings of ``report`` whose fingerprint the baseline does not hold."""
    return [
        finding
        for finding, fp in zip(report.findings, fingerprints(report), strict=True)
        if fp not in known
    ]
