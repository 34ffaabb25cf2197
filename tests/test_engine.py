"""Robustness of ``backendkit.analyze``: bad files, failing rules, exclusions, shared routers.

One broken file or one broken rule must never stop the run: the problem is reported (BK001 or
BK002) and every other file and rule still produces its findings.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.findings import Finding
from backendkit.result import AnalysisResult
from backendkit.rules.cors import WildcardCorsRule
from backendkit.rules.maintainability import FileSizeRule
from conftest import write_project

OPEN_ROUTE = """\
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
async def items(limit: int = 20) -> list[str]:
    return []
"""

ITEMS_ROUTER = """\
from fastapi import APIRouter

router = APIRouter(prefix="/items")


@router.get("/")
async def list_items(limit: int = 20) -> list[str]:
    return []
"""

PY314_EXCEPT = """\
def load(text: str) -> int:
    try:
        return int(text)
    except ValueError, TypeError:
        return 0
"""


def codes(result: AnalysisResult) -> list[tuple[str, str, int]]:
    """(code, path, line) of every finding."""
    return [(f.code, f.path, f.line) for f in result.findings]


def test_syntax_error_is_one_finding_and_the_rest_is_analysed(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {"main.py": OPEN_ROUTE, "broken.py": "x = 1\n\ndef broken(:\n    pass\n"},
    )
    result = analyze([root])
    assert codes(result) == [("BK001", "broken.py", 3), ("BK101", "main.py", 6)]
    assert "broken.py" in result.files
    assert [r.path for r in result.routes] == ["/items"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("latin1", "name = 'caf\xe9'\n".encode("latin-1")),
        ("nul", b"x = 1\x00\x00\ny = 2\n"),
        ("binary", bytes(range(256)) * 4),
    ],
)
def test_unreadable_file_is_bk001_not_a_crash(tmp_path: Path, name: str, content: bytes) -> None:
    root = write_project(tmp_path / "p", {"main.py": OPEN_ROUTE})
    (root / f"{name}.py").write_bytes(content)
    result = analyze([root])
    assert sorted(codes(result)) == [("BK001", f"{name}.py", 1), ("BK101", "main.py", 6)]
    (finding,) = [f for f in result.findings if f.code == "BK001"]
    assert finding.severity.value == "error"
    assert "could not be" in finding.message


def test_utf8_bom_file_is_read(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {})
    (root / "main.py").write_bytes(b"\xef\xbb\xbf" + OPEN_ROUTE.encode())
    assert codes(analyze([root])) == [("BK101", "main.py", 6)]


@pytest.mark.parametrize(
    "source",
    ["", "\n\n\n", "# only a comment\n# and another\n", "   ", '"""Just a docstring."""'],
    ids=["empty", "newlines", "comments", "spaces", "docstring"],
)
def test_trivial_files_have_no_findings(tmp_path: Path, source: str) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": source, "app/mod.py": source})
    result = analyze([root])
    assert result.findings == []
    assert result.notes == []
    assert sorted(result.files) == ["app/__init__.py", "app/mod.py"]


def test_file_size_counts_a_file_of_comments(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p", {"c.py": "# c\n" * 12}, options={"file-size": {"max-lines": 10}}
    )
    assert codes(analyze([root])) == [("BK402", "c.py", 1)]


@pytest.mark.parametrize(
    "expression",
    [
        "(" * 150 + "1" + ")" * 150,  # within CPython's own limit of 200 parentheses
        "[" * 100 + "]" * 100,
        "+".join(["1"] * 500),  # CPython and libcst both parse this
        " + ".join(f"'part{i}'" for i in range(1000)),  # a long generated concatenation
    ],
    ids=["parens-150", "lists-100", "sum-500", "concat-1000"],
)
def test_large_expressions_are_analysed(tmp_path: Path, expression: str) -> None:
    """Long or nested expressions never abort the run; at worst the file gets BK001."""
    root = write_project(tmp_path / "p", {"main.py": OPEN_ROUTE, "deep.py": f"x = {expression}\n"})
    result = analyze([root])
    assert ("BK101", "main.py", 6) in codes(result)
    assert {c for c, path, _ in codes(result) if path == "deep.py"} <= {"BK001"}


_SUBPROCESS_ANALYZE = """
import json, sys
from backendkit import analyze
result = analyze([sys.argv[1]])
print(json.dumps([[f.code, f.path, f.line] for f in result.findings]))
"""


@pytest.mark.parametrize(
    "expression",
    ["(" * 3000 + "1" + ")" * 3000, "[" * 3000 + "]" * 3000, "+".join(["1"] * 20000)],
    ids=["parens-3000", "lists-3000", "sum-20000"],
)
def test_pathological_nesting_does_not_kill_the_process(tmp_path: Path, expression: str) -> None:
    """A generated file nested deeper than any parser allows must become BK001.

    Run in a subprocess: libcst's native parser overflows its stack on such input, and a
    segmentation fault would take pytest down with it.
    """
    root = write_project(tmp_path / "p", {"main.py": OPEN_ROUTE, "deep.py": f"x = {expression}\n"})
    proc = subprocess.run(
        [sys.executable, "-c", _SUBPROCESS_ANALYZE, str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-500:]}"
    found = [tuple(f) for f in json.loads(proc.stdout)]
    assert ("BK001", "deep.py", 1) in found
    assert ("BK101", "main.py", 6) in found


def test_python_314_syntax_runs_the_other_rules_and_notes_bk401(tmp_path: Path) -> None:
    if sys.version_info >= (3, 14):
        pytest.skip("Python 3.14's own parser reads this file, so radon runs on it")
    root = write_project(
        tmp_path / "p",
        {"main.py": OPEN_ROUTE, "modern.py": PY314_EXCEPT},
        options={"file-size": {"max-lines": 3}, "complexity": {"max-complexity": 1}},
    )
    result = analyze([root])
    found = codes(result)
    assert ("BK402", "modern.py", 1) in found
    assert ("BK101", "main.py", 6) in found
    assert not [c for c, path, _ in found if path == "modern.py" and c in ("BK001", "BK002")]
    notes = [n for n in result.notes if "modern.py" in n]
    assert len(notes) == 1, result.notes
    assert "BK401 skipped" in notes[0]
    assert "line 4" in notes[0]  # the line Python's parser stopped at, i.e. why


def test_no_bk401_note_when_the_lines_prove_every_function_under_the_limit(
    tmp_path: Path,
) -> None:
    """``load`` has at most 3 decision words on its lines: with the default limit BK401 has
    nothing to ask radon, so nothing was skipped."""
    root = write_project(tmp_path / "p", {"main.py": OPEN_ROUTE, "modern.py": PY314_EXCEPT})
    result = analyze([root])
    assert not [n for n in result.notes if "modern.py" in n]
    assert ("BK101", "main.py", 6) in codes(result)


def test_failing_file_rule_is_bk002_and_the_run_continues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: FileSizeRule, ctx: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(FileSizeRule, "check_file", explode)
    root = write_project(tmp_path / "p", {"main.py": OPEN_ROUTE, "other.py": "x = 1\n"})
    result = analyze([root])
    assert codes(result) == [
        ("BK002", "main.py", 1),
        ("BK101", "main.py", 6),
        ("BK002", "other.py", 1),
    ]
    message = result.findings[0].message
    assert "BK402" in message
    assert "RuntimeError: boom" in message


def test_failing_project_rule_is_bk002_and_the_run_continues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: WildcardCorsRule, ctx: object) -> list[object]:
        raise KeyError("x")

    monkeypatch.setattr(WildcardCorsRule, "check_project", explode)
    root = write_project(tmp_path / "p", {"main.py": OPEN_ROUTE})
    result = analyze([root])
    assert ("BK101", "main.py", 6) in codes(result)
    errors = [f for f in result.findings if f.code == "BK002"]
    assert len(errors) == 1
    assert errors[0].path == "pyproject.toml"
    assert "BK103" in errors[0].message
    assert "KeyError" in errors[0].message


def test_failing_project_rule_that_yields_lazily(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A generator that fails half-way still counts as a failure of its rule."""

    def half(self: WildcardCorsRule, ctx: object) -> Iterator[Finding]:
        yield self.finding("main.py", 1, "partial")
        raise ValueError("later")

    monkeypatch.setattr(WildcardCorsRule, "check_project", half)
    root = write_project(tmp_path / "p", {"main.py": OPEN_ROUTE})
    found = codes(analyze([root]))
    assert ("BK101", "main.py", 6) in found
    assert ("BK002", "pyproject.toml", 1) in found


def test_failing_project_rule_is_reported_when_files_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pre-commit and editors pass file names: a rule that did not run must still show up.

    Otherwise the hook passes although BK103 never checked the staged file (BK002 says a clean
    result would be misleading).
    """

    def explode(self: WildcardCorsRule, ctx: object) -> list[object]:
        raise KeyError("x")

    monkeypatch.setattr(WildcardCorsRule, "check_project", explode)
    root = write_project(tmp_path / "p", {"main.py": OPEN_ROUTE})
    found = codes(analyze([root / "main.py"]))
    assert ("BK101", "main.py", 6) in found
    assert [c for c, _, _ in found if c == "BK002"] == ["BK002"], found


def test_bk002_can_be_silenced_with_per_file_ignores_as_documented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rules/BK002.toml: 'you can ignore BK002 for that file with per-file-ignores'."""

    def explode(self: FileSizeRule, ctx: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(FileSizeRule, "check_file", explode)
    root = write_project(
        tmp_path / "p",
        {"main.py": OPEN_ROUTE, "other.py": "x = 1\n"},
        options={"per-file-ignores": {'"other.py"': ["BK002"]}},
    )
    assert codes(analyze([root])) == [("BK002", "main.py", 1), ("BK101", "main.py", 6)]


def test_directive_naming_an_unknown_code_is_reported(tmp_path: Path) -> None:
    """BK003 covers directives that name no rule code: a typo must not silently do nothing."""
    source = OPEN_ROUTE.replace(
        '@app.get("/items")', '@app.get("/items")  # backendkit: ignore[BK1O1]'
    )
    root = write_project(tmp_path / "p", {"main.py": source})
    assert codes(analyze([root])) == [("BK003", "main.py", 6), ("BK101", "main.py", 6)]


def test_gitignored_and_excluded_files_are_not_analysed(tmp_path: Path) -> None:
    broken = "def broken(:\n"
    root = write_project(
        tmp_path / "p",
        {
            "main.py": OPEN_ROUTE,
            "generated/bad.py": broken,
            "legacy/old.py": broken,
            "keep/ok.py": "x = 1\n",
            "keep/scratch_tmp.py": broken,
        },
    )
    (root / ".gitignore").write_text("generated/\n*_tmp.py\n", encoding="utf-8")
    with (root / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write('extend-exclude = ["legacy"]\n')
    result = analyze([root])
    assert sorted(result.files) == ["keep/ok.py", "main.py"]
    assert codes(result) == [("BK101", "main.py", 6)]


def test_same_router_included_into_two_apps(tmp_path: Path) -> None:
    apps = textwrap.dedent(
        """\
        from fastapi import FastAPI

        from app import items

        public_app = FastAPI()
        public_app.include_router(items.router, prefix="/v1")

        admin_app = FastAPI()
        admin_app.include_router(items.router, prefix="/admin")
        """
    )
    root = write_project(
        tmp_path / "p", {"app/__init__.py": "", "app/items.py": ITEMS_ROUTER, "app/main.py": apps}
    )
    result = analyze([root])
    routes = sorted((r.app, r.path, r.handler) for r in result.routes)
    assert routes == [
        ("app.main:admin_app", "/admin/items/", "app.items:list_items"),
        ("app.main:public_app", "/v1/items/", "app.items:list_items"),
    ]
    bk101 = [f for f in result.findings if f.code == "BK101"]
    assert {f.path for f in bk101} == {"app/items.py"}
    # one endpoint, one problem: reported once, naming both paths (the first in route order)
    assert len(bk101) == 1
    assert bk101[0].message.startswith("Route GET /admin/items/ (also at /v1/items/) has no")


def test_analyze_rejects_missing_path(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        analyze([tmp_path / "missing"])
