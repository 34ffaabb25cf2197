"""Behaviour of every ``backendkit lint`` output format (``backendkit.reporters``)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from backendkit.catalogue import RuleInfo
from backendkit.findings import Finding, Fix, Severity
from backendkit.reporters import FORMATS, Report, render
from backendkit.reporters.github import escape_data, escape_property

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
DOCS = "https://github.com/backendkit/backendkit/blob/main/docs/rules"
NASTY = 'Route "/items" is 100% open: no auth, see <docs> & fix\nnext line ✓ 日本'
WEIRD_PATH = "app/we,ird:名.py"

SOURCES: dict[str, list[str]] = {
    "app/main.py": [
        "from fastapi import FastAPI",
        "",
        "app = FastAPI()",
        "",
        '@app.get("/items")',
        "async def items():",
        "    return {'ok': '日本'}",
        "",
    ],
    WEIRD_PATH: ["x = 1", "\tprint(x)  # tab"],
}


def rule(code: str, name: str, severity: Severity, **docs: str) -> RuleInfo:
    """A catalogue entry for tests."""
    return RuleInfo(
        code=code,
        name=name,
        severity=severity,
        category="security" if code == "BK101" else "style",
        summary=f"Summary of {name}",
        scope="project",
        default_enabled=True,
        options_section=None,
        **docs,
    )


RULES = {
    "BK101": rule("BK101", "route-without-auth", Severity.ERROR, what="Finds open routes.",
                  why="Data leaks.", example='@app.get("/")\ndef f(): ...', fix="Add Depends."),
    "BK102": rule("BK102", "print-call", Severity.INFO),
    "BK103": rule("BK103", "handler-body", Severity.WARNING),
}  # fmt: skip

AUTH = Finding(
    code="BK101",
    name="route-without-auth",
    message=NASTY,
    path="app/main.py",
    line=5,
    column=2,
    end_line=5,
    end_column=9,
    severity=Severity.ERROR,
    fix=Fix("Add `Depends(auth)`", "app.get", 5, 1, 5, 8, safe=False),
)
PRINT = Finding("BK102", "print-call", "print, call", WEIRD_PATH, 2, 0, severity=Severity.INFO)
BODY = Finding("BK103", "handler-body", "body too long", "app/main.py", 6, 1, 7, 26)
GHOST = Finding("BK999", "not-in-catalogue", "gone", "app/gone.py", 3, 4)
ALL = [AUTH, BODY, GHOST, PRINT]


def make_report(findings: list[Finding] | None = None, **overrides: object) -> Report:
    """A report over ``SOURCES`` with a note; ``overrides`` replace fields."""
    report = Report(
        findings=ALL if findings is None else findings,
        rules=RULES,
        root=Path("/proj/shop"),
        tool_version="1.2.3",
        notes=["radon skipped app/x.py: syntax newer than Python 3.11"],
        files_checked=3,
        source=SOURCES.get,
        cwd=Path("/proj/shop"),  # run from the project directory
    )
    return replace(report, **overrides)  # type: ignore[arg-type]


def sarif_of(report: Report) -> dict:
    """Rendered SARIF, parsed."""
    return json.loads(render("sarif", report))


# --- all formats ---------------------------------------------------------------------------


def test_formats_and_unknown_format() -> None:
    assert FORMATS == ("concise", "full", "json", "json-lines", "sarif", "github", "gitlab",
                       "junit")  # fmt: skip
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        render("xml", make_report())


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_deterministic_and_newline_terminated(fmt: str) -> None:
    first, second = render(fmt, make_report()), render(fmt, make_report())
    assert first == second
    assert first.endswith("\n")


EMPTY_EXPECTED = {
    "concise": "All checks passed!\n",
    "full": "All checks passed!\n",
    "json": "[]\n",
    "json-lines": "",
    "github": "",
    "gitlab": "[]\n",
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_findings(fmt: str) -> None:
    out = render(fmt, make_report([], notes=[]))
    if fmt in EMPTY_EXPECTED:
        assert out == EMPTY_EXPECTED[fmt]
    elif fmt == "sarif":
        run = json.loads(out)["runs"][0]
        assert run["results"] == []
        assert run["tool"]["driver"]["rules"] == []
    else:
        suites = ET.fromstring(out)
        assert suites.attrib["failures"] == "0"
        cases = suites.findall("testsuite/testcase")
        assert len(cases) == 1
        assert cases[0].find("failure") is None


# --- concise and full ---------------------------------------------------------------------


def test_concise_lines_notes_and_summary() -> None:
    assert render("concise", make_report()).splitlines() == [
        'app/main.py:5:2: BK101 Route "/items" is 100% open: no auth, see <docs> & fix '
        "next line ✓ 日本",
        "app/main.py:6:1: BK103 body too long",
        "app/gone.py:3:4: BK999 gone",
        f"{WEIRD_PATH}:2:1: BK102 print, call",
        "note: radon skipped app/x.py: syntax newer than Python 3.11",
        "Found 4 problems.",
    ]
    assert render("concise", make_report([BODY], notes=[])) == (
        "app/main.py:6:1: BK103 body too long\nFound 1 problem.\n"
    )


def test_concise_statistics_table() -> None:
    findings = [AUTH, BODY, replace(BODY, line=7), PRINT]
    out = render("concise", make_report(findings, notes=[], show_statistics=True))
    assert "\x1b" not in out
    assert out.splitlines()[-6:] == [
        "",
        "2  BK103  handler-body",
        "1  BK101  route-without-auth",
        "1  BK102  print-call",
        "",
        "Found 4 problems.",
    ]


def full_block(report: Report, header_start: str) -> list[str]:
    """The lines of one finding's block in the full format."""
    lines = render("full", report).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    return lines[start : lines.index("", start)]


def test_full_single_line_snippet_with_fix_and_docs() -> None:
    assert full_block(make_report(), "app/main.py:5:2") == [
        "app/main.py:5:2: BK101 " + NASTY.replace("\n", " ") + " [route-without-auth]",
        "  |",
        "3 | app = FastAPI()",
        "4 |",
        '5 | @app.get("/items")',
        "  |  ^^^^^^^ BK101",
        "6 | async def items():",
        "7 |     return {'ok': '日本'}",
        "  |",
        "  = help: Add `Depends(auth)` (unsafe fix)",
        f"  = help: see {DOCS}/BK101.md",
    ]


def test_full_multi_line_range_and_wide_characters() -> None:
    assert full_block(make_report(), "app/main.py:6:1")[1:7] == [
        "  |",
        "4 |",
        '5 | @app.get("/items")',
        "6 | async def items():",
        "  | ^^^^^^^^^^^^^^^^^^",
        "7 |     return {'ok': '日本'}",
    ]
    wide = replace(BODY, line=7, column=20, end_line=7, end_column=22)
    block = full_block(make_report([wide]), "app/main.py:7:20")
    assert block[4:6] == ["7 |     return {'ok': '日本'}", "  | " + " " * 19 + "^^^^ BK103"]


def test_full_tab_unknown_column_and_missing_source() -> None:
    block = full_block(make_report(), f"{WEIRD_PATH}:2:1")
    assert block[3:5] == ["2 |     print(x)  # tab", "  | ^^^^ BK102"]
    assert full_block(make_report(), "app/gone.py") == [
        "app/gone.py:3:4: BK999 gone [not-in-catalogue]",
        f"  = help: see {DOCS}/BK999.md",
    ]


# --- json and json-lines ------------------------------------------------------------------


def test_json_array_of_finding_dicts_with_url() -> None:
    data = json.loads(render("json", make_report()))
    assert [item["code"] for item in data] == ["BK101", "BK103", "BK999", "BK102"]
    assert data[0] == {**AUTH.to_dict(), "url": f"{DOCS}/BK101.md"}
    assert data[0]["message"] == NASTY
    assert data[0]["fix"] == {"description": "Add `Depends(auth)`", "safe": False}
    assert data[2]["url"] == f"{DOCS}/BK999.md"


def test_json_lines_one_object_per_line() -> None:
    lines = render("json-lines", make_report()).splitlines()
    assert len(lines) == 4
    parsed = [json.loads(line) for line in lines]
    assert parsed == json.loads(render("json", make_report()))


def test_json_survives_unserialisable_extra() -> None:
    odd = replace(GHOST, extra={"where": Path("a/b")})
    assert json.loads(render("json", make_report([odd])))[0]["extra"] == {"where": "a/b"}


# --- sarif --------------------------------------------------------------------------------


def validate_sarif(log: dict) -> None:
    """Validate against the official schema, with the validator its ``$schema`` names."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


@pytest.mark.parametrize("findings", [ALL, []], ids=["findings", "empty"])
def test_sarif_is_schema_valid(findings: list[Finding]) -> None:
    log = sarif_of(make_report(findings))
    validate_sarif(log)
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1


def test_sarif_project_level_finding_without_position() -> None:
    project = Finding("BK104", "no-health-route", "no /health route", "pyproject.toml", 0, 0)
    log = sarif_of(make_report([project], source=lambda _path: None))
    validate_sarif(log)
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "endLine": 1}
    issue = json.loads(render("gitlab", make_report([project])))[0]
    assert issue["location"]["lines"] == {"begin": 1, "end": 1}


def test_full_range_past_end_of_file_keeps_label() -> None:
    past = replace(BODY, line=7, end_line=40, column=5, end_column=3)
    block = full_block(make_report([past]), "app/main.py:7:5")
    assert block[4:6] == ["7 |     return {'ok': '日本'}", "  |     " + "^" * 21 + " BK103"]
    assert block[6] == "8 |"


def test_sarif_schema_rejects_broken_log() -> None:
    log = sarif_of(make_report())
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(AssertionError):
        validate_sarif(log)


def test_sarif_driver_and_rule_metadata() -> None:
    driver = sarif_of(make_report())["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("backendkit", "1.2.3")
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == ["BK101", "BK102", "BK103", "BK999"]
    auth = driver["rules"][0]
    assert auth["name"] == "route-without-auth"
    assert auth["shortDescription"] == {"text": "Summary of route-without-auth"}
    assert auth["fullDescription"] == {"text": "Finds open routes."}
    assert auth["helpUri"] == f"{DOCS}/BK101.md"
    assert "Data leaks." in auth["help"]["text"]
    assert '```python\n@app.get("/")\ndef f(): ...\n```' in auth["help"]["markdown"]
    assert auth["defaultConfiguration"] == {"level": "error"}
    assert auth["properties"]["category"] == "security"
    assert "security" in auth["properties"]["tags"]
    assert driver["rules"][1]["defaultConfiguration"] == {"level": "note"}
    assert driver["rules"][3]["shortDescription"] == {"text": "not-in-catalogue"}


def test_sarif_results_locations_and_fix() -> None:
    run = sarif_of(make_report())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    auth, body, _ghost, printed = run["results"]
    assert (auth["level"], body["level"], printed["level"]) == ("error", "warning", "note")
    assert auth["message"] == {"text": NASTY}
    location = auth["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app/main.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 5, "startColumn": 2, "endLine": 5, "endColumn": 9}
    assert location["contextRegion"]["snippet"] == {"text": '@app.get("/items")'}
    replacement = auth["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["deletedRegion"] == {
        "startLine": 5, "startColumn": 2, "endLine": 5, "endColumn": 9,
    }  # fmt: skip
    assert replacement["insertedContent"] == {"text": "app.get"}
    weird = printed["locations"][0]["physicalLocation"]
    assert weird["artifactLocation"]["uri"] == "app/we%2Cird%3A%E5%90%8D.py"
    assert weird["region"] == {"startLine": 2, "endLine": 2}
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": Path("/proj/shop").as_uri() + "/"}}


def test_sarif_invocation_notes() -> None:
    invocation = sarif_of(make_report())["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [
        "radon skipped app/x.py: syntax newer than Python 3.11"
    ]


def shifted_sources(offset: int) -> dict[str, list[str]]:
    """``SOURCES`` with ``offset`` blank lines inserted at the top of every file."""
    return {path: [""] * offset + lines for path, lines in SOURCES.items()}


def test_sarif_fingerprints_ignore_line_numbers_but_not_text() -> None:
    def prints(findings: list[Finding], sources: dict[str, list[str]]) -> list[str]:
        run = sarif_of(make_report(findings, source=sources.get))["runs"][0]
        return [r["partialFingerprints"]["backendkit/v1"] for r in run["results"]]

    base = prints([AUTH, BODY], SOURCES)
    moved = [replace(AUTH, line=8, end_line=8), replace(BODY, line=9, end_line=10)]
    assert prints(moved, shifted_sources(3)) == base
    edited = {**SOURCES, "app/main.py": ['@app.get("/other")'] * 8}
    assert prints([AUTH, BODY], edited)[0] != base[0]
    twins = prints([AUTH, replace(AUTH, column=5)], SOURCES)
    assert len(set(twins)) == 2


# --- github -------------------------------------------------------------------------------


def test_github_escaping_rules() -> None:
    assert escape_data("100% a:b,c\r\nd") == "100%25 a:b,c%0D%0Ad"
    assert escape_property("100% a:b,c\r\nd") == "100%25 a%3Ab%2Cc%0D%0Ad"


def test_github_annotations() -> None:
    assert render("github", make_report()).splitlines() == [
        "::error file=app/main.py,line=5,col=2,endLine=5,endColumn=9,"
        "title=BK101 route-without-auth::"
        'Route "/items" is 100%25 open: no auth, see <docs> & fix%0Anext line ✓ 日本',
        "::warning file=app/main.py,line=6,col=1,endLine=7,endColumn=26,"
        "title=BK103 handler-body::body too long",
        "::warning file=app/gone.py,line=3,col=4,title=BK999 not-in-catalogue::gone",
        "::notice file=app/we%2Cird%3A名.py,line=2,title=BK102 print-call::print, call",
        "::notice title=backendkit::radon skipped app/x.py: syntax newer than Python 3.11",
    ]


# --- gitlab -------------------------------------------------------------------------------


def test_gitlab_code_quality_issues() -> None:
    issues = json.loads(render("gitlab", make_report()))
    assert [i["severity"] for i in issues] == ["critical", "major", "major", "info"]
    first = issues[0]
    assert first["check_name"] == "BK101"
    assert first["description"] == f"BK101 {NASTY}"
    assert first["location"] == {"path": "app/main.py", "lines": {"begin": 5, "end": 5}}
    assert issues[1]["location"]["lines"] == {"begin": 6, "end": 7}
    assert issues[3]["location"]["path"] == WEIRD_PATH
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    assert all(len(f) == 64 and int(f, 16) >= 0 for f in fingerprints)


def test_gitlab_fingerprints_unique_for_identical_findings_and_stable() -> None:
    twins = [AUTH, replace(AUTH, column=3)]
    first = [i["fingerprint"] for i in json.loads(render("gitlab", make_report(twins)))]
    again = [i["fingerprint"] for i in json.loads(render("gitlab", make_report(twins)))]
    assert first == again
    assert len(set(first)) == 2


# --- junit --------------------------------------------------------------------------------


def test_junit_suites_per_file() -> None:
    text = render("junit", make_report())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    suites = ET.fromstring(text)
    assert suites.tag == "testsuites"
    assert (suites.attrib["tests"], suites.attrib["failures"]) == ("4", "4")
    by_name = {s.attrib["name"]: s for s in suites.findall("testsuite")}
    assert list(by_name) == ["app/main.py", "app/gone.py", WEIRD_PATH]
    main = by_name["app/main.py"]
    assert (main.attrib["tests"], main.attrib["failures"]) == ("2", "2")
    assert [c.attrib["name"] for c in main.findall("testcase")] == [
        "BK101 route-without-auth (5:2)",
        "BK103 handler-body (6:1)",
    ]


def test_junit_failure_escaping_round_trips() -> None:
    suites = ET.fromstring(render("junit", make_report()))
    case = suites.find("testsuite/testcase")
    assert case is not None
    assert case.attrib["classname"] == "app.main"
    assert case.attrib["file"] == "app/main.py"
    failure = case.find("failure")
    assert failure is not None
    assert failure.attrib["message"] == NASTY
    assert failure.attrib["type"] == "BK101"
    assert failure.text is not None
    assert f"app/main.py:5:2: BK101 {NASTY}" in failure.text
    assert "fix: Add `Depends(auth)`" in failure.text


def test_junit_replaces_characters_xml_cannot_hold() -> None:
    control = replace(GHOST, message="bell\x07 escape\x1b[31m")
    failure = ET.fromstring(render("junit", make_report([control]))).find(".//failure")
    assert failure is not None
    assert failure.attrib["message"] == "bell\ufffd escape\ufffd[31m"
