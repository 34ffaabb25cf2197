"""What a new user ran into on a fresh clone: an empty run that looked clean, ``clean`` of a
missing path, a file that is not Python checked in silence, ``--select`` in lower case or
empty, ``graph`` leaving out a file it could not
parse without a word, and BK003's upper-case hint for a code that is upper case."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_project
from test_cli import ITEMS_CLEAN, assert_one_line_error, bk, codes_of, files


def test_an_empty_run_says_nothing_was_checked(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    text = bk(tmp_path / "empty", "lint")
    assert text.returncode == 0
    assert "note: no Python files found in the given paths: nothing was checked" in text.stdout
    as_json = bk(tmp_path / "empty", "lint", "--output-format", "json")
    assert (as_json.returncode, json.loads(as_json.stdout)) == (0, [])
    assert "no Python files found" in as_json.stderr


def test_a_file_that_is_not_python_is_named_as_not_checked(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", files())
    (root / "notes.txt").write_text("not code\n")
    text = bk(root, "lint", "notes.txt")
    assert text.returncode == 0
    assert "note: notes.txt is not a Python file (*.py): it was not checked" in text.stdout
    as_json = bk(root, "lint", "notes.txt", "--output-format", "json")
    assert json.loads(as_json.stdout) == []
    assert "notes.txt is not a Python file" in as_json.stderr


def test_clean_of_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    assert_one_line_error(bk(tmp_path, "clean", "no/such/dir"), "no/such/dir")


def test_select_takes_either_case_and_not_nothing(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", files())
    upper, lower = (
        bk(root, "lint", "--select", "BK101", "-o", "json"),
        bk(root, "lint", "--select", "bk101", "-o", "json"),
    )
    assert lower.returncode == upper.returncode == 1
    assert codes_of(lower) == codes_of(upper) == [("BK101", "app/api/items.py", 13)]
    assert_one_line_error(bk(root, "lint", "--select", ""), "--select names no rule")
    assert bk(root, "lint", "--ignore", "").returncode == 1  # ignoring nothing is fine


def test_graph_says_which_files_it_left_out(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {**files(ITEMS_CLEAN), "app/broken.py": "def f(:\n"})
    proc = bk(root, "graph")
    assert proc.returncode == 0
    assert proc.stderr == (
        "note: 1 file(s) could not be analysed, so the graph leaves them out: app/broken.py "
        "(backendkit lint says why)\n"
    )


def test_unknown_directive_codes_get_the_case_hint_only_when_lower_case(tmp_path: Path) -> None:
    source = "x = 1  # backendkit: ignore[BK999]\ny = 2  # backendkit: ignore[bk101]\n"
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/m.py": source})
    found = {f["line"]: f["message"] for f in json.loads(bk(root, "lint", "-o", "json").stdout)}
    assert found[1] == (
        "Directive names unknown rule code(s) BK999; run 'backendkit rules' to list the codes"
    )
    assert "codes are upper case, such as BK101" in found[2]


def test_rules_say_which_have_a_fix(tmp_path: Path) -> None:
    data = {r["code"]: r["fix"] for r in json.loads(bk(tmp_path, "rules", "-f", "json").stdout)}
    assert (data["BK404"], data["BK202"], data["BK101"]) == ("safe", "unsafe", None)
    table = {line.split()[0]: line for line in bk(tmp_path, "rules").stdout.splitlines()}
    assert table["BK404"].endswith("(safe fix)")
    assert table["BK107"].endswith("(unsafe fix)")
    assert "fix)" not in table["BK101"]


def test_the_example_shop_reports_what_its_readme_lists() -> None:
    """examples/shop/README.md lists the planted problems and the other findings by rule."""
    from collections import Counter

    from backendkit import analyze

    shop = Path(__file__).resolve().parent.parent / "examples" / "shop"
    found = Counter(f.code for f in analyze([shop], use_cache=False).findings)
    assert found == {
        "BK208": 11,
        "BK102": 2,
        "BK112": 2,
        "BK101": 1,
        "BK103": 1,
        "BK104": 1,
        "BK204": 1,
        "BK401": 1,
    }


def test_statistics_as_json_and_refused_where_they_cannot_be_shown(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", files())
    proc = bk(root, "lint", "--statistics", "-o", "json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout) == [{"code": "BK101", "name": "missing-auth", "count": 1}]
    assert_one_line_error(bk(root, "lint", "--statistics", "-o", "sarif"), "--statistics")


def test_an_included_module_that_does_not_parse_is_named_as_such(tmp_path: Path) -> None:
    """A second trial: the include of a router whose module has a syntax error was noted as
    "app.api.routes has no attribute broken", sending the user looking for a name."""
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/api/routes/__init__.py": "",
            "app/api/routes/broken.py": "def x(:\n",
            "app/main.py": "from fastapi import FastAPI\n\nfrom app.api.routes import broken\n\n"
            "app = FastAPI()\napp.include_router(broken.router)\n",
        },
    )
    shown = bk(root, "routes", "-o", "json")
    (route,) = json.loads(shown.stdout)
    assert "app.api.routes.broken could not be parsed, BK001" in route["notes"][0]
    assert "has no attribute" not in route["notes"][0]


def test_fail_on_sets_the_severity_that_fails_the_run(tmp_path: Path) -> None:
    """A second trial: BK208 (info) failed the build with no way to fail on warnings only.
    ``--fail-on`` keeps printing every finding and exits 1 only from that severity up."""
    items = (
        "from fastapi import APIRouter, HTTPException\n\nrouter = APIRouter()\n\n\n"
        "@router.get('/items/{item_id}', response_model=dict)  # backendkit: public\n"
        "def read_item(item_id: int) -> dict:\n"
        "    if item_id < 0:\n        raise HTTPException(status_code=404)\n"
        "    return {}\n"
    )
    root = write_project(tmp_path / "p", files(items), select=["BK208"])
    default = bk(root, "lint")
    assert default.returncode == 1
    assert "BK208" in default.stdout
    warning = bk(root, "lint", "--fail-on", "warning")
    assert warning.returncode == 0
    assert "BK208" in warning.stdout
    assert bk(root, "lint", "--fail-on", "info").returncode == 1
    assert_one_line_error(bk(root, "lint", "--fail-on", "notice"), "--fail-on", "notice")
    # a third trial: the pre-commit hook needs it too, without args in every hook definition
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("[tool.backendkit]", _FAIL_ON))
    configured = bk(root, "lint")
    assert configured.returncode == 0
    assert "BK208" in configured.stdout
    assert bk(root, "lint", "--fail-on", "info").returncode == 1  # the flag wins
    pyproject.write_text(pyproject.read_text().replace('"warning"', '"warn"'))
    assert_one_line_error(bk(root, "lint"), "fail-on = 'warn'", "info, warning or error")


_FAIL_ON = '[tool.backendkit]\nfail-on = "warning"'
