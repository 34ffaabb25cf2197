"""JUnit XML: a test suite per file with a failing test case per finding."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from backendkit.findings import Finding
from backendkit.reporters.report import Report

# Characters XML 1.0 cannot carry at all, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Replace characters XML 1.0 forbids with U+FFFD; escaping is ElementTree's job."""
    return _INVALID_XML.sub("\ufffd", text)


def _classname(path: str) -> str:
    stem = path[:-3] if path.endswith(".py") else path
    return stem.replace("/", ".").lstrip(".")


def _counts(element: ET.Element, tests: int, failures: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")
    element.set("skipped", "0")


def finding_testcase(suite: ET.Element, finding: Finding, report: Report) -> None:
    """Append the failing test case of one finding to ``suite``."""
    column = max(finding.column, 1)
    path = report.shown(finding.path)
    case = ET.SubElement(suite, "testcase")
    case.set("name", xml_safe(f"{finding.code} {finding.name} ({finding.line}:{column})"))
    case.set("classname", xml_safe(_classname(path)))
    case.set("file", xml_safe(path))
    case.set("line", str(finding.line))
    failure = ET.SubElement(case, "failure")
    failure.set("message", xml_safe(finding.message))
    failure.set("type", finding.code)
    body = [
        f"{path}:{finding.line}:{column}: {finding.code} {finding.message}",
        f"severity: {finding.severity.value}",
        f"docs: {report.docs_url(finding.code)}",
    ]
    if finding.fix is not None:
        body.insert(2, f"fix: {finding.fix.description}")
    failure.text = xml_safe("\n".join(body))


def _passing_suite(root: ET.Element) -> None:
    suite = ET.SubElement(root, "testsuite", name="backendkit")
    _counts(suite, 1, 0)
    ET.SubElement(suite, "testcase", name="no problems found", classname="backendkit")


def junit_tree(report: Report) -> ET.Element:
    """The ``<testsuites>`` element for the report."""
    root = ET.Element("testsuites", name="backendkit")
    total = len(report.findings)
    _counts(root, max(total, 1), total)
    if not report.findings:
        _passing_suite(root)
        return root
    by_path: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_path.setdefault(finding.path, []).append(finding)
    for path, findings in by_path.items():
        suite = ET.SubElement(root, "testsuite", name=xml_safe(report.shown(path)))
        _counts(suite, len(findings), len(findings))
        for finding in findings:
            finding_testcase(suite, finding, report)
    return root


def render_junit(report: Report) -> str:
    """JUnit XML text with an XML declaration."""
    root = junit_tree(report)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
