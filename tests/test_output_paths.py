"""Paths in every output format are relative to the working directory (absolute outside it),
whatever project roots a run spans: a monorepo's pre-commit run names files of several nested
projects from the repository root, and annotations must land on files that exist."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from backendkit.catalogue import load_catalogue
from backendkit.findings import Finding, Severity
from backendkit.reporters import Report, render
from helpers import write_project
from test_cli import bk, validate_sarif

SERVICE = """\
from fastapi import FastAPI

app = FastAPI(debug=True)


@app.get("/items")
def items() -> dict[str, str]:
    return {}
"""

API = "services/api/app/main.py"
WORKER = "services/worker/app/main.py"


@pytest.fixture
def mono(tmp_path: Path) -> Path:
    """A repository with a root project and two nested services (BK106 at line 3 in each,
    BK101 at line 6 in each)."""
    root = write_project(tmp_path / "mono", {})
    for name in ("api", "worker"):
        write_project(root / "services" / name, {"app/__init__.py": "", "app/main.py": SERVICE})
    return root


def findings_of(cwd: Path, *args: str) -> list[tuple[str, str, int]]:
    """(code, path, line) of a ``--output-format json`` lint run in ``cwd``."""
    proc = bk(cwd, "lint", "--no-cache", "--output-format", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return [(f["code"], f["path"], f["line"]) for f in json.loads(proc.stdout)]


EVERY_FINDING = [
    ("BK106", API, 3),
    ("BK101", API, 6),
    ("BK106", WORKER, 3),
    ("BK101", WORKER, 6),
]


def test_files_of_nested_projects_from_the_repository_root(mono: Path) -> None:
    """pre-commit names files from the root: they are shown as named, as a full run shows them."""
    assert findings_of(mono) == EVERY_FINDING
    assert findings_of(mono, API, WORKER) == EVERY_FINDING
    assert findings_of(mono, API) == EVERY_FINDING[:2]
    concise = bk(mono, "lint", "--no-cache", API, WORKER).stdout.splitlines()
    assert [line.split(" ")[:2] for line in concise[:4]] == [
        [f"{path}:{line}:1:", code] for code, path, line in EVERY_FINDING
    ]


def test_from_a_parent_and_from_inside_a_project(mono: Path) -> None:
    parent = mono.parent
    assert findings_of(parent, f"mono/{API}") == [
        ("BK106", f"mono/{API}", 3),
        ("BK101", f"mono/{API}", 6),
    ]
    app = mono / "services" / "api" / "app"
    inside = [("BK106", "main.py", 3), ("BK101", "main.py", 6)]
    assert findings_of(app, "main.py") == inside
    assert findings_of(app) == inside  # the whole project services/api: all under app/
    assert findings_of(app, "main.py", "../../worker/app/main.py") == [
        *inside,
        ("BK106", str(mono / WORKER), 3),  # outside the working directory: absolute
        ("BK101", str(mono / WORKER), 6),
    ]


def test_project_relative_paths_still_drive_per_file_ignores(mono: Path) -> None:
    """``per-file-ignores`` of a nested project match its own paths: silenced in api only."""
    pyproject = mono / "services" / "api" / "pyproject.toml"
    pyproject.write_text(
        '[tool.backendkit.per-file-ignores]\n"app/main.py" = ["BK106"]\n', encoding="utf-8"
    )
    assert findings_of(mono, API, WORKER) == EVERY_FINDING[1:]


def _exists(cwd: Path, path: str) -> bool:
    return (cwd / path).is_file()


def test_every_format_names_existing_files(mono: Path) -> None:
    """github, gitlab, junit, json-lines and sarif from the root, with two projects' files."""
    args = ("lint", "--no-cache", "--quiet", API, WORKER, "--output-format")
    github = bk(mono, *args, "github").stdout.splitlines()
    files = [line.split("file=", 1)[1].split(",", 1)[0] for line in github]
    assert files == [API, API, WORKER, WORKER]
    gitlab = json.loads(bk(mono, *args, "gitlab").stdout)
    assert [issue["location"]["path"] for issue in gitlab] == [API, API, WORKER, WORKER]
    lines = bk(mono, *args, "json-lines").stdout.splitlines()
    assert [json.loads(line)["path"] for line in lines] == [API, API, WORKER, WORKER]
    junit = ET.fromstring(bk(mono, *args, "junit").stdout)
    assert [case.get("file") for case in junit.iter("testcase")] == [API, API, WORKER, WORKER]
    assert [s.get("name") for s in junit.iter("testsuite")] == [API, WORKER]
    log = json.loads(bk(mono, *args, "sarif").stdout)
    validate_sarif(log)
    run = log["runs"][0]
    base = Path(unquote(urlparse(run["originalUriBaseIds"]["%SRCROOT%"]["uri"]).path))
    assert base == mono.resolve()
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert uris[0] == {"uri": API, "uriBaseId": "%SRCROOT%"}
    assert all(_exists(base, unquote(u["uri"])) for u in uris)


def test_sarif_outside_the_working_directory_is_an_absolute_uri(tmp_path: Path) -> None:
    finding = Finding("BK106", "debug-enabled", "debug", "app/main.py", 3, severity=Severity.ERROR)
    report = Report(
        findings=[finding],
        rules=load_catalogue(),
        root=tmp_path / "proj",
        tool_version="0",
        cwd=tmp_path / "elsewhere",
    )
    log = json.loads(render("sarif", report))
    validate_sarif(log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": (tmp_path / "proj/app/main.py").as_uri()}
    assert render("concise", report).startswith(f"{tmp_path / 'proj/app/main.py'}:3:1: BK106")


NEW_ROUTE = """

@app.get("/other")
def other() -> dict[str, str]:
    return {}
"""


def test_baseline_matches_from_any_directory_and_any_file_arguments(mono: Path) -> None:
    """Written by a full run at the root; read from inside a project and by a pre-commit run."""
    baseline = mono / "baseline.json"
    assert bk(mono, "lint", "--no-cache", "--write-baseline", "baseline.json").returncode == 0
    recorded = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    assert [(f["code"], f["path"]) for f in recorded] == [(c, p) for c, p, _ in EVERY_FINDING]

    app = mono / "services" / "api" / "app"
    assert findings_of(app, "--baseline", str(baseline), "main.py") == []
    assert findings_of(mono, "--baseline", "baseline.json", API, WORKER) == []
    assert findings_of(mono.parent, "--baseline", str(baseline)) == []

    main = mono / API
    main.write_text(SERVICE + NEW_ROUTE, encoding="utf-8")
    assert findings_of(app, "--baseline", str(baseline), "main.py") == [("BK101", "main.py", 11)]
    assert findings_of(mono, "--baseline", "baseline.json", API, WORKER) == [("BK101", API, 11)]


def test_routes_name_files_from_the_working_directory(mono: Path) -> None:
    """``backendkit routes`` shows a route's file as lint does: from the working directory."""
    proc = bk(mono, "routes", "--no-cache", "--format", "json", API, WORKER)
    assert proc.returncode == 0, proc.stderr
    files = sorted({route["file"] for route in json.loads(proc.stdout)})
    assert files == [API, WORKER]
    inside = bk(mono / "services" / "api" / "app", "routes", "--no-cache", "--format", "csv")
    assert inside.returncode == 0, inside.stderr
    assert ",main.py," in inside.stdout
