"""A run given some files (pre-commit's list) reports exactly what a run of the whole project
reports for those files (in them, or ``related`` to them: a route's missing authentication
in a run of its dependency's file), although ``focusable`` rules look only at those files'
items.

Each rule's INVALID examples are linted file by file; the multi-file test projects are linted
whole and then file by file; and the snapshot keeps what a focused run computed apart from a
whole run's findings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import backendkit.engine as engine
from backendkit import analyze
from backendkit.rules import RULES
from backendkit.rules.base import ProjectRule
from helpers import count_calls, write_project
from test_rule_examples import _cases, _expected

PROJECTS = Path(__file__).parent / "projects"


def _lines(root: Path, target: Path, code: str, *, cache: bool = False) -> set[tuple[str, int]]:
    result = analyze([target], use_cache=cache)
    return {(f.path, f.line) for f in result.findings if f.code == code}


def test_the_costly_rules_are_focusable() -> None:
    """The rules that walk every function or call site narrow their walk to the given files."""
    focusable = {code for code, rule in RULES.items() if getattr(rule, "focusable", False)}
    assert {"BK301", "BK104", "BK110", "BK113", "BK208", "BK302", "BK304"} <= focusable
    assert all(issubclass(RULES[code], ProjectRule) for code in focusable)


@pytest.mark.parametrize(("code", "example"), _cases("INVALID"))
def test_invalid_example_file_by_file(tmp_path: Path, code: str, example: object) -> None:
    """Linting one file of an invalid example reports exactly its expected lines in that file."""
    files = example.file_map()  # type: ignore[attr-defined]
    select = [code, *example.also_select]  # type: ignore[attr-defined]
    root = write_project(tmp_path / "ex", files, example.options, select=select)  # type: ignore[attr-defined]
    expected = _expected(example, code)  # type: ignore[arg-type]
    whole = [f for f in analyze([root], use_cache=False).findings if f.code == code]
    assert {(f.path, f.line) for f in whole} == set(expected)
    for rel in sorted(files):
        if rel.endswith(".py"):
            wanted = {(f.path, f.line) for f in whole if rel in (f.path, *f.related)}
            assert _lines(root, root / rel, code) == wanted, rel


@pytest.mark.parametrize("name", sorted(p.name for p in PROJECTS.iterdir() if p.is_dir()))
def test_projects_file_by_file(tmp_path: Path, name: str) -> None:
    """Every finding of every rule, on the multi-file test projects: a run given one file
    reports what the whole run reports for that file."""
    whole = analyze([PROJECTS / name], use_cache=False)
    assert whole.files
    for rel in whole.files:
        alone = analyze([PROJECTS / name / rel], use_cache=False)
        expected = [f for f in whole.findings if rel in (f.path, *f.related)]
        assert alone.findings == expected, rel
        assert alone.routes == whole.routes


_TWO_FILES = {
    "app/__init__.py": "",
    "app/a.py": "def check(token: str, given: str) -> bool:\n    return token == given\n",
    "app/b.py": "def verify(password: str, given: str) -> bool:\n    return password != given\n",
}


def test_snapshot_keeps_a_focused_run_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A focused run's project findings serve later runs of the same files only: another
    file, or the whole project, runs the project pass again; a whole run serves every file."""
    root = write_project(tmp_path / "p", _TWO_FILES, select=["BK113"])
    a, b = ("app/a.py", 2), ("app/b.py", 2)
    links = count_calls(monkeypatch, engine, "link_project")
    assert _lines(root, root / "app/a.py", "BK113", cache=True) == {a}
    assert _lines(root, root / "app/a.py", "BK113", cache=True) == {a}
    assert len(links) == 1  # the same file again: the snapshot holds its findings
    assert _lines(root, root / "app/b.py", "BK113", cache=True) == {b}
    assert len(links) == 2
    assert _lines(root, root, "BK113", cache=True) == {a, b}
    assert len(links) == 3
    assert _lines(root, root / "app/b.py", "BK113", cache=True) == {b}
    assert _lines(root, root, "BK113", cache=True) == {a, b}
    assert len(links) == 3  # the whole run's findings cover any file


def test_focused_run_sees_other_files_change(tmp_path: Path) -> None:
    """A finding in the given file that comes from another file follows that file's change."""
    files = {
        "app/__init__.py": "",
        "app/services.py": "import time\n\n\ndef convert(x: float) -> float:\n"
        "    time.sleep(1)\n    return x\n",
        "app/main.py": "from fastapi import FastAPI\n\nfrom app.services import convert\n\n"
        'app = FastAPI()\n\n\n@app.get("/c")\nasync def route(x: float) -> float:\n'
        "    return convert(x)\n",
    }
    root = write_project(tmp_path / "p", files, select=["BK301"])
    main = root / "app/main.py"
    assert _lines(root, main, "BK301", cache=True) == {("app/main.py", 10)}
    (root / "app/services.py").write_text("def convert(x: float) -> float:\n    return x\n")
    assert _lines(root, main, "BK301", cache=True) == set()
