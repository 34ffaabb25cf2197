"""The JSON formats: ``json``, ``json-lines`` and GitLab Code Quality (``gitlab``)."""

from __future__ import annotations

import json

from backendkit.findings import Finding, Severity
from backendkit.reporters.report import Report, fingerprints

GITLAB_SEVERITY = {
    Severity.ERROR: "critical",
    Severity.WARNING: "major",
    Severity.INFO: "info",
}


def finding_object(finding: Finding, report: Report) -> dict[str, object]:
    """``finding.to_dict()`` with the paths as shown, plus the rule's documentation ``url``."""
    data = finding.to_dict()
    data["path"] = report.shown(finding.path)
    if finding.related:
        data["related"] = [report.shown(path) for path in finding.related]
    return {**data, "url": report.docs_url(finding.code)}


def _dumps(value: object, indent: int | None = None) -> str:
    # default=str keeps odd values in ``Finding.extra`` (paths, sets) from crashing the run
    return json.dumps(value, indent=indent, ensure_ascii=False, default=str)


def render_json(report: Report) -> str:
    """A JSON array with one object per finding (``[]`` when there are none)."""
    return _dumps([finding_object(f, report) for f in report.findings], indent=2) + "\n"


def render_json_lines(report: Report) -> str:
    """One compact JSON object per line (empty output when there are no findings)."""
    return "".join(_dumps(finding_object(f, report)) + "\n" for f in report.findings)


def gitlab_object(finding: Finding, fingerprint: str, path: str | None = None) -> dict[str, object]:
    """One GitLab Code Quality (Code Climate) issue; ``path`` is the path to show (default:
    ``finding.path``)."""
    begin = max(finding.line, 1)
    end_line = finding.end_line if finding.end_line is not None else begin
    return {
        "type": "issue",
        "engine_name": "backendkit",
        "check_name": finding.code,
        "description": f"{finding.code} {finding.message}",
        "severity": GITLAB_SEVERITY[finding.severity],
        "fingerprint": fingerprint,
        "location": {
            "path": finding.path if path is None else path,
            "lines": {"begin": begin, "end": max(end_line, begin)},
        },
    }


def render_gitlab(report: Report) -> str:
    """A GitLab Code Quality report: a JSON array of issues with stable fingerprints."""
    issues = [
        gitlab_object(finding, fingerprint, report.shown(finding.path))
        for finding, fingerprint in zip(report.findings, fingerprints(report), strict=True)
    ]
    return _dumps(issues, indent=2) + "\n"
