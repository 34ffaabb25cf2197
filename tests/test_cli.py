"""End-to-end tests of the ``backendkit`` command line, each run in a subprocess.

Every test runs ``python -m backendkit ...`` with the working directory inside a throw-away
project, exactly as a user or a CI job would, and checks exit codes, stdout and stderr.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from backendkit.catalogue import load_catalogue
from conftest import write_project

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
FORMATS = ("concise", "full", "json", "json-lines", "sarif", "github", "gitlab", "junit")

DEPS = """\
from typing import Annotated

from fastapi import Depends, Header, HTTPException
from fastapi.security import OAuth2PasswordBearer

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/login")


async def get_current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> str:
    return token


async def verify_key(x_key: Annotated[str, Header()]) -> None:
    if x_key != "secret":
        raise HTTPException(status_code=403)


CurrentUser = Annotated[str, Depends(get_current_user)]
"""

MAIN = """\
from fastapi import FastAPI

from app.api import items

app = FastAPI()
app.include_router(items.router, prefix="/api")
"""

ITEMS_OPEN = """\
from fastapi import APIRouter

from app.api.deps import CurrentUser

router = APIRouter(prefix="/items")


@router.get("/")
async def list_items(user: CurrentUser, limit: int = 20) -> list[str]:
    return []


@router.delete("/{item_id}", status_code=204)
async def delete_item(item_id: int) -> None:
    return None
"""

ITEMS_CLEAN = ITEMS_OPEN.replace("item_id: int)", "item_id: int, user: CurrentUser)")


def files(items: str = ITEMS_OPEN, **extra: str) -> dict[str, str]:
    """A small FastAPI project: ``app.main`` includes the router of ``app/api/items.py``."""
    base = {
        "app/__init__.py": "",
        "app/api/__init__.py": "",
        "app/api/deps.py": DEPS,
        "app/api/items.py": items,
        "app/main.py": MAIN,
    }
    base.update({name.replace("__", "/") + ".py": text for name, text in extra.items()})
    return base


def bk(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m backendkit *args`` in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "backendkit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 2 with a single ``backendkit: error:`` line on stderr mentioning ``words``."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("backendkit: error:"), lines
    for word in words:
        assert word in lines[0]


def codes_of(proc: subprocess.CompletedProcess[str]) -> list[tuple[str, str, int]]:
    """(code, path, line) of every finding of a ``--output-format json`` run."""
    return [(f["code"], f["path"], f["line"]) for f in json.loads(proc.stdout)]


@pytest.fixture
def open_project(tmp_path: Path) -> Path:
    """A project with one unauthenticated route (BK101 at app/api/items.py:13)."""
    return write_project(tmp_path / "open", files())


# --- top level ------------------------------------------------------------------------------


def test_version_and_no_args(tmp_path: Path) -> None:
    version = bk(tmp_path, "--version")
    assert (version.returncode, version.stdout) == (0, "backendkit 0.1.0\n")
    bare = bk(tmp_path)
    assert bare.returncode == 2  # typer's no_args_is_help exits with click's usage code
    assert "Usage" in bare.stdout + bare.stderr
    for command in ("lint", "routes", "rules", "explain"):
        assert command in bare.stdout + bare.stderr


def test_module_and_console_script_agree(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "backendkit"
    if not script.exists():
        pytest.skip("console script not installed next to the interpreter")
    direct = subprocess.run(
        [str(script), "rules"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    module = bk(tmp_path, "rules")
    assert direct.returncode == module.returncode == 0
    assert direct.stdout == module.stdout


# --- lint exit codes ------------------------------------------------------------------------


def test_lint_exit_codes(open_project: Path, tmp_path: Path) -> None:
    clean = write_project(tmp_path / "clean", files(ITEMS_CLEAN))
    ok = bk(clean, "lint")
    assert (ok.returncode, ok.stderr) == (0, "")
    assert "All checks passed" in ok.stdout

    found = bk(open_project, "lint")
    assert found.returncode == 1
    assert "app/api/items.py:13:1: BK101" in found.stdout
    assert "Found 1 problem" in found.stdout

    zero = bk(open_project, "lint", "--exit-zero")
    assert zero.returncode == 0
    assert "BK101" in zero.stdout


def test_lint_usage_errors(open_project: Path) -> None:
    assert_one_line_error(bk(open_project, "lint", "no/such/dir"), "no/such/dir")
    assert_one_line_error(bk(open_project, "lint", "--output-format", "xml"), "'xml'")
    assert_one_line_error(bk(open_project, "lint", "--select", "BK999"), "BK999")
    assert_one_line_error(bk(open_project, "lint", "--ignore", "XX1"), "XX1")


def test_click_usage_errors_are_one_line(open_project: Path) -> None:
    """Errors the command-line parser finds are one line too, naming the help to read."""
    unknown = bk(open_project, "lint", "--bogus")
    assert_one_line_error(unknown, "--bogus", "backendkit lint --help'")
    assert_one_line_error(bk(open_project, "lint", "--jobs", "abc"), "--jobs", "'abc'")
    assert_one_line_error(bk(open_project, "lint", "--jobs", "0"), "--jobs")
    assert_one_line_error(bk(open_project, "nosuch"), "nosuch", "backendkit --help'")
    assert_one_line_error(bk(open_project, "routes", "--output-format"), "--output-format")
    assert_one_line_error(bk(open_project, "new"), "dest")  # not an analysis command


def test_lint_bad_config(open_project: Path) -> None:
    pyproject = open_project / "pyproject.toml"
    pyproject.write_text("[tool.backendkit]\nselcet = ['BK1']\n", encoding="utf-8")
    assert_one_line_error(bk(open_project, "lint"), "selcet", "pyproject.toml")
    pyproject.write_text("[tool.backendkit.complexity]\nmax-complexity = 'x'\n", encoding="utf-8")
    assert_one_line_error(bk(open_project, "lint"), "max-complexity")
    pyproject.write_text("[tool.backendkit\n", encoding="utf-8")
    assert_one_line_error(bk(open_project, "lint"), "invalid TOML")


def test_non_utf8_config_names_the_file(open_project: Path) -> None:
    pyproject = open_project / "pyproject.toml"
    pyproject.write_bytes(b"[tool.backendkit]\n# caf\xe9\nselect = ['BK1']\n")
    assert_one_line_error(bk(open_project, "lint"), "pyproject.toml")


# --- output formats -------------------------------------------------------------------------


def validate_sarif(log: dict[str, object]) -> None:
    """Validate ``log`` against the official SARIF 2.1.0 schema (draft-04 validator)."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator = validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert not errors, errors


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_output_format_parses(fmt: str, tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", files(broken="def broken(:\n    pass\n"), options={})
    proc = bk(root, "lint", "--output-format", fmt)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    assert out.endswith("\n")
    if fmt in ("concise", "full"):
        assert "BK101" in out
        assert "BK001" in out
        assert "Found 2 problems" in out
    elif fmt in ("json", "gitlab"):
        data = json.loads(out)
        assert isinstance(data, list)
        assert len(data) == 2
        if fmt == "json":
            assert {f["code"] for f in data} == {"BK001", "BK101"}
    elif fmt == "json-lines":
        rows = [json.loads(line) for line in out.splitlines()]
        assert sorted(r["code"] for r in rows) == ["BK001", "BK101"]
    elif fmt == "sarif":
        log = json.loads(out)
        validate_sarif(log)
        run = log["runs"][0]
        rule_ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
        assert {"BK001", "BK101"} <= rule_ids
        assert {r["ruleId"] for r in run["results"]} == {"BK001", "BK101"}
    elif fmt == "github":
        lines = out.strip().splitlines()
        assert any(line.startswith("::error") and "BK101" in line for line in lines)
        assert all(line.startswith("::") for line in lines), lines
    elif fmt == "junit":
        tree = ET.fromstring(out)
        text = ET.tostring(tree, encoding="unicode")
        assert "BK101" in text
        assert "BK001" in text


def test_sarif_without_findings_is_valid(tmp_path: Path) -> None:
    root = write_project(tmp_path / "clean", files(ITEMS_CLEAN))
    proc = bk(root, "lint", "--output-format", "sarif")
    assert proc.returncode == 0
    log = json.loads(proc.stdout)
    validate_sarif(log)
    assert log["runs"][0]["results"] == []


# --- selection and reporting options --------------------------------------------------------


def test_select_ignore_statistics_quiet(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        files(app__big="x = 1\n" * 30),
        options={"file-size": {"max-lines": 20}},
    )
    both = codes_of(bk(root, "lint", "--output-format", "json"))
    assert sorted(c for c, _, _ in both) == ["BK101", "BK402"]

    only = bk(root, "lint", "--select", "BK402", "--output-format", "json")
    assert only.returncode == 1
    assert codes_of(only) == [("BK402", "app/big.py", 1)]
    assert codes_of(bk(root, "lint", "--select", "BK4,BK1", "--output-format", "json")) == both

    ignored = bk(root, "lint", "--ignore", "BK101", "--output-format", "json")
    assert codes_of(ignored) == [("BK402", "app/big.py", 1)]
    assert bk(root, "lint", "--ignore", "BK101", "--ignore", "BK402").returncode == 0

    stats = bk(root, "lint", "--statistics")
    assert stats.returncode == 1
    counts = [line.split() for line in stats.stdout.splitlines() if line[:1].isdigit()]
    assert [row[:2] for row in counts] == [["1", "BK101"], ["1", "BK402"]]

    quiet = bk(root, "lint", "--quiet")
    assert quiet.returncode == 1
    assert "Found" not in quiet.stdout
    assert quiet.stdout.count("\n") == 2
    assert bk(root, "lint", "-q", "--ignore", "BK").stdout == ""


def test_file_paths_limit_reporting_not_analysis(open_project: Path) -> None:
    items = bk(open_project, "lint", "app/api/items.py")
    assert items.returncode == 1
    assert "app/api/items.py:13:1: BK101" in items.stdout
    assert "/api/items/{item_id}" in items.stdout  # the prefix from app/main.py was seen

    # the app file takes part in every route's authentication: its open route is reported
    # from there too (``Finding.related``); a file in no route's way reports none
    main = bk(open_project, "lint", "app/main.py")
    assert main.returncode == 1, main.stdout
    assert "app/api/items.py:13:1: BK101" in main.stdout
    init = bk(open_project, "lint", "app/__init__.py")
    assert init.returncode == 0, init.stdout

    api_dir = bk(open_project / "app", "lint", "api")
    assert api_dir.returncode == 1
    assert "BK101" in api_dir.stdout


def test_files_from_two_projects_are_all_reported(tmp_path: Path) -> None:
    """pre-commit in a monorepo passes files of several projects in one call."""
    write_project(tmp_path / "svc_a", files())
    write_project(tmp_path / "svc_b", files())
    proc = bk(tmp_path, "lint", "--output-format", "json", "svc_a/app/api/items.py",
              "svc_b/app/api/items.py")  # fmt: skip
    assert proc.returncode == 1
    assert len(json.loads(proc.stdout)) == 2, "the second project's finding was dropped"


# --- suppression comments -------------------------------------------------------------------

SUPPRESSED = """\
from fastapi import APIRouter

router = APIRouter()


@router.get("/on-decorator")  # backendkit: ignore[BK101]
async def on_decorator() -> None:
    return None


@router.get("/on-def")
async def on_def() -> None:  # backendkit: ignore[BK101]
    return None


@router.get("/marked")  # backendkit: public
async def marked() -> None:
    return None


@router.get("/bare")  # backendkit: ignore
async def bare() -> None:
    return None


@router.get("/other-code")  # backendkit: ignore[BK402]
async def other_code() -> None:
    return None
"""


def test_suppression_comments(tmp_path: Path) -> None:
    long_file = "# backendkit: ignore-file[BK402]\n" + "x = 1\n" * 50
    root = write_project(
        tmp_path / "p",
        files(SUPPRESSED, app__long=long_file, app__long2="x = 1\n" * 50),
        options={"file-size": {"max-lines": 40}},
    )
    proc = bk(root, "lint", "--output-format", "json")
    assert proc.returncode == 1
    assert sorted(codes_of(proc)) == [
        ("BK003", "app/api/items.py", 21),  # bare ignore is itself a finding...
        ("BK004", "app/api/items.py", 26),  # an ignore for another code silences nothing
        ("BK101", "app/api/items.py", 21),  # ...and suppresses nothing
        ("BK101", "app/api/items.py", 26),  # an ignore for another code does not help
        ("BK402", "app/long2.py", 1),
    ]

    routes = json.loads(bk(root, "routes", "--format", "json").stdout)
    public = {r["path"]: r["public"] for r in routes}
    assert public["/api/marked"] is True
    assert public["/api/on-decorator"] is False
    assert public["/api/bare"] is False


# --- configuration --------------------------------------------------------------------------

OPTIONS_ITEMS = """\
from typing import Annotated

from fastapi import APIRouter, Depends

from app.api.deps import verify_key

router = APIRouter()


@router.get("/open/thing")
async def open_thing() -> None:
    return None


@router.get("/keyed")
async def keyed(_: Annotated[None, Depends(verify_key)]) -> None:
    return None


def branchy(x: int) -> int:
    if x == 1:
        return 1
    if x == 2:
        return 2
    if x == 3:
        return 3
    if x == 4:
        return 4
    return 0
"""


def test_rule_options_from_pyproject(tmp_path: Path) -> None:
    base = files(OPTIONS_ITEMS, app__legacy=ITEMS_OPEN.replace("/items", "/legacy"))
    base["app/main.py"] = MAIN + "from app import legacy\n\napp.include_router(legacy.router)\n"
    default = write_project(tmp_path / "default", base)
    found = sorted(codes_of(bk(default, "lint", "--output-format", "json")))
    assert found == [
        ("BK101", "app/api/items.py", 10),
        ("BK101", "app/api/items.py", 15),
        ("BK101", "app/legacy.py", 13),
    ]

    configured = write_project(
        tmp_path / "configured",
        base,
        options={
            "complexity": {"max-complexity": 3},
            "auth": {"extend-public-paths": ["/api/open/*"], "auth-dependencies": ["verify_key"]},
            "per-file-ignores": {'"app/legacy.py"': ["BK101"]},
        },
    )
    proc = bk(configured, "lint", "--output-format", "json")
    assert codes_of(proc) == [("BK401", "app/api/items.py", 20)], proc.stdout
    routes = {r["path"]: r for r in json.loads(bk(configured, "routes", "-f", "json").stdout)}
    assert routes["/api/keyed"]["auth"] == "required"
    assert routes["/api/open/thing"]["public"] is True


# --- routes, rules, explain -----------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["graph", "--kind", "imports"], ["rules"]],
)
def test_every_command_takes_lints_format_flag(open_project: Path, command: list[str]) -> None:
    """``--output-format`` (ruff's, and lint's) works wherever ``--format`` does."""
    short = bk(open_project, *command, "--format", "json")
    long = bk(open_project, *command, "--output-format", "json")
    assert short.returncode == long.returncode == 0
    assert json.loads(long.stdout) == json.loads(short.stdout)


def test_routes_formats(open_project: Path) -> None:
    data = json.loads(bk(open_project, "routes", "--format", "json").stdout)
    # lint's ruff-style flag is accepted too
    assert json.loads(bk(open_project, "routes", "--output-format", "json").stdout) == data
    by_path = {r["path"]: r for r in data}
    assert set(by_path) == {"/api/items/", "/api/items/{item_id}"}
    for route in data:
        assert {"methods", "path", "auth", "auth_chain", "public", "handler", "file", "line"} <= (
            route.keys()
        )
    listed = by_path["/api/items/"]
    assert listed["methods"] == ["GET"]
    assert listed["auth"] == "required"
    assert listed["auth_chain"][0] == "app.api.items:list_items"
    assert "oauth2_scheme" in listed["auth_chain"][-1]
    assert (listed["handler"], listed["file"], listed["line"]) == (
        "app.api.items:list_items",
        "app/api/items.py",
        8,
    )
    deleted = by_path["/api/items/{item_id}"]
    assert (deleted["auth"], deleted["auth_chain"], deleted["public"]) == ("none", [], False)

    rows = list(csv.reader(io.StringIO(bk(open_project, "routes", "-f", "csv").stdout)))
    assert rows[0][:9] == [
        "app", "methods", "path", "auth", "public", "auth_chain", "handler", "file", "line"
    ]  # fmt: skip
    assert len(rows) == 3

    markdown = bk(open_project, "routes", "-f", "markdown").stdout.splitlines()
    assert markdown[0].startswith("| App |")
    assert len(markdown) == 4

    table = bk(open_project, "routes")
    assert table.returncode == 0
    assert "2 routes" in table.stdout

    assert_one_line_error(bk(open_project, "routes", "-f", "yaml"), "'yaml'")


def test_rules_and_explain(tmp_path: Path) -> None:
    codes = sorted(load_catalogue())
    table = bk(tmp_path, "rules")
    assert table.returncode == 0
    assert [line.split()[0] for line in table.stdout.splitlines()] == codes

    data = json.loads(bk(tmp_path, "rules", "--format", "json").stdout)
    assert [r["code"] for r in data] == codes
    assert all(r["name"] and r["summary"] for r in data)

    explained = bk(tmp_path, "explain", "BK101")
    assert explained.returncode == 0
    assert "BK101" in explained.stdout
    assert "## What it does" in explained.stdout
    assert bk(tmp_path, "explain", "bk101").stdout == explained.stdout
    assert bk(tmp_path, "rule", "BK101").stdout == explained.stdout  # as `ruff rule`

    assert_one_line_error(bk(tmp_path, "explain", "BK999"), "BK999")
