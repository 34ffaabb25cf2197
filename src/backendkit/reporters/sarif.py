"""SARIF 2.1.0 output: one run, full rule metadata, stable partial fingerprints."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from backendkit.catalogue import RuleInfo
from backendkit.findings import Finding, Fix, Severity
from backendkit.reporters.report import Report, fingerprints

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/backendkit/backendkit"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "backendkit/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub code scanning reads ``problem.severity`` from a rule's properties.
PROBLEM_SEVERITY = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "recommendation",
}


def _help_text(rule: RuleInfo, url: str) -> str:
    parts = [rule.summary]
    parts += [f"{title}: {body}" for title, body in _sections(rule, plain=True)]
    return "\n\n".join([*parts, f"Documentation: {url}"])


def _sections(rule: RuleInfo, plain: bool) -> list[tuple[str, str]]:
    example = rule.example
    if example and not plain and "```" not in example:
        example = f"```python\n{example}\n```"
    pairs = [("What it does", rule.what), ("Why", rule.why), ("Example", example)]
    pairs.append(("How to fix", rule.fix))
    return [(title, body) for title, body in pairs if body]


def _help_markdown(rule: RuleInfo, url: str) -> str:
    parts = [f"**{rule.code}** ({rule.name}): {rule.summary}"]
    parts += [f"## {title}\n\n{body}" for title, body in _sections(rule, plain=False)]
    return "\n\n".join([*parts, f"[Documentation]({url})"])


def rule_descriptor(code: str, report: Report, sample: Finding) -> dict[str, object]:
    """The ``reportingDescriptor`` of one rule (from the catalogue, or from a finding)."""
    url = report.docs_url(code)
    rule = report.rules.get(code)
    if rule is None:
        return {
            "id": code,
            "name": sample.name,
            "shortDescription": {"text": sample.name},
            "helpUri": url,
            "defaultConfiguration": {"level": LEVELS[sample.severity]},
        }
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.what or rule.summary},
        "helpUri": url,
        "help": {"text": _help_text(rule, url), "markdown": _help_markdown(rule, url)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": [rule.category, rule.scope],
            "category": rule.category,
            "problem.severity": PROBLEM_SEVERITY[rule.severity],
        },
    }


def _artifact_location(path: str, report: Report) -> dict[str, object]:
    """Relative to ``%SRCROOT%`` (the working directory) when the file is under it, else an
    absolute ``file:`` URI, as the other formats show the path."""
    shown = report.shown(path)
    if Path(shown).is_absolute():
        return {"uri": Path(shown).as_uri()}
    return {"uri": quote(shown, safe="/"), "uriBaseId": SRCROOT}


def _region(finding: Finding) -> dict[str, object]:
    start = max(finding.line, 1)  # SARIF lines start at 1; guard against "line 0" findings
    region: dict[str, object] = {"startLine": start}
    if finding.column >= 1:
        region["startColumn"] = finding.column
    end_line = finding.end_line if finding.end_line is not None else start
    region["endLine"] = max(end_line, start)
    if finding.end_column is not None and finding.end_column >= 1:
        region["endColumn"] = finding.end_column
    return region


def _context_region(finding: Finding, report: Report) -> dict[str, object] | None:
    lines = report.source(finding.path)
    end = max(finding.end_line or finding.line, finding.line)
    if lines is None or not 1 <= finding.line <= end <= len(lines):
        return None
    text = "\n".join(line.rstrip("\r\n") for line in lines[finding.line - 1 : end])
    return {"startLine": finding.line, "endLine": end, "snippet": {"text": text}}


def _fix_object(fix: Fix, location: dict[str, object]) -> dict[str, object]:
    deleted = {
        "startLine": fix.line,
        "startColumn": fix.column + 1,  # Fix columns are 0-based, SARIF's 1-based
        "endLine": fix.end_line,
        "endColumn": fix.end_column + 1,
    }
    return {
        "description": {"text": fix.description},
        "artifactChanges": [
            {
                "artifactLocation": location,
                "replacements": [
                    {"deletedRegion": deleted, "insertedContent": {"text": fix.replacement}}
                ],
            }
        ],
        "properties": {"safe": fix.safe},
    }


def result_object(
    finding: Finding, report: Report, rule_index: int, fingerprint: str
) -> dict[str, object]:
    """The SARIF ``result`` of one finding."""
    location = _artifact_location(finding.path, report)
    physical: dict[str, object] = {
        "artifactLocation": location,
        "region": _region(finding),
    }
    context = _context_region(finding, report)
    if context is not None:
        physical["contextRegion"] = context
    result: dict[str, object] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if finding.fix is not None:
        result["fixes"] = [_fix_object(finding.fix, dict(location))]
    if finding.related:  # the other files the problem is made of (``Finding.related``)
        result["relatedLocations"] = [
            {"id": number, "physicalLocation": {"artifactLocation": _artifact_location(p, report)}}
            for number, p in enumerate(finding.related, start=1)
        ]
    return result


def _base_ids(report: Report) -> dict[str, object]:
    """``%SRCROOT%``: the working directory, which relative URIs are relative to."""
    if report.cwd is None:
        return {}
    uri = report.cwd.absolute().as_uri()
    return {SRCROOT: {"uri": uri if uri.endswith("/") else uri + "/"}}


def sarif_log(report: Report) -> dict[str, object]:
    """The whole SARIF log as plain data."""
    samples: dict[str, Finding] = {}
    for finding in report.findings:
        samples.setdefault(finding.code, finding)
    codes = sorted(samples)
    index = {code: i for i, code in enumerate(codes)}
    results = [
        result_object(finding, report, index[finding.code], fingerprint)
        for finding, fingerprint in zip(report.findings, fingerprints(report), strict=True)
    ]
    driver = {
        "name": "backendkit",
        "version": report.tool_version,
        "informationUri": INFORMATION_URI,
        "rules": [rule_descriptor(code, report, samples[code]) for code in codes],
    }
    notifications = [{"message": {"text": note}, "level": "warning"} for note in report.notes]
    run: dict[str, object] = {
        "tool": {"driver": driver},
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
    }
    base_ids = _base_ids(report)
    if base_ids:
        run["originalUriBaseIds"] = base_ids
    run["columnKind"] = "unicodeCodePoints"
    run["results"] = results
    run["properties"] = {"filesChecked": report.files_checked}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(report: Report) -> str:
    """SARIF 2.1.0 JSON text."""
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"
