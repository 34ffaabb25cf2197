"""Baselines: recorded findings stay quiet when code moves; new ones are reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backendkit.commands import run_lint
from helpers import write_project

ROUTES = """\
from fastapi import FastAPI

app = FastAPI()


@app.delete("/items/{item_id}", status_code=204)
def delete_item(item_id: int) -> None:
    return None
"""

NEW_ROUTE = """

@app.delete("/users/{user_id}", status_code=204)
def delete_user(user_id: int) -> None:
    return None
"""


def _lint(root: Path, **kwargs: object) -> int:
    return run_lint([root], "json", None, None, None, False, True, None, **kwargs)  # type: ignore[arg-type]


def test_baseline_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Write, then lint against it: quiet; move code: still quiet; add a route: reported."""
    root = write_project(tmp_path / "p", {"main.py": ROUTES})
    baseline = tmp_path / "baseline.json"
    assert _lint(root, write_baseline=baseline) == 0
    recorded = json.loads(baseline.read_text())
    assert [f["code"] for f in recorded["findings"]] == ["BK101"]
    capsys.readouterr()

    assert _lint(root, baseline=baseline) == 0
    assert json.loads(capsys.readouterr().out) == []

    main = root / "main.py"
    main.write_text("import os\nimport sys\n\n" + ROUTES, encoding="utf-8")  # moves it 3 lines
    assert _lint(root, baseline=baseline) == 0
    capsys.readouterr()

    main.write_text(main.read_text(encoding="utf-8") + NEW_ROUTE, encoding="utf-8")
    assert _lint(root, baseline=baseline) == 1
    reported = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["message"].split(" has ")[0]) for f in reported] == [
        ("BK101", "Route DELETE /users/{user_id}")
    ]


def test_a_second_copy_of_a_recorded_finding_is_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Identical code and line text twice: the second occurrence is not in the baseline."""
    root = write_project(tmp_path / "p", {"main.py": ROUTES})
    baseline = tmp_path / "baseline.json"
    _lint(root, write_baseline=baseline)
    copy = ROUTES.split("\n\n\n", 1)[1].replace("/items/", "/things/")
    (root / "main.py").write_text(ROUTES + "\n\n" + copy, encoding="utf-8")
    capsys.readouterr()
    assert _lint(root, baseline=baseline) == 1
    assert len(json.loads(capsys.readouterr().out)) == 1


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "no such file"),
        ("{not json", "not a backendkit baseline"),
        ('{"tool": "other", "version": 1}', "not a backendkit baseline"),
        ('{"tool": "backendkit", "version": 99, "findings": []}', "version 99"),
    ],
)
def test_bad_baseline_is_a_one_line_error(tmp_path: Path, content: str | None, words: str) -> None:
    """A missing or foreign baseline is a usage error naming the file."""
    root = write_project(tmp_path / "p", {"main.py": ROUTES})
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=words) as caught:
        _lint(root, baseline=baseline)
    assert "\n" not in str(caught.value)
    assert str(baseline) in str(caught.value)


def test_a_baseline_beside_the_code_moves_with_the_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A baseline in ``.ci/`` records ``../main.py`` and still matches in another checkout, run
    from another directory."""
    import shutil

    root = write_project(tmp_path / "p", {"main.py": ROUTES})
    (root / ".ci").mkdir()
    assert _lint(root, write_baseline=root / ".ci" / "baseline.json") == 0
    recorded = json.loads((root / ".ci" / "baseline.json").read_text())["findings"]
    assert {entry["path"] for entry in recorded} == {"../main.py"}
    moved = shutil.copytree(root, tmp_path / "elsewhere" / "p")
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert _lint(moved, baseline=moved / ".ci" / "baseline.json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_a_baseline_of_project_relative_paths_still_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Baselines written before paths were relative to the baseline (project-relative paths,
    here one kept outside the project) keep silencing what they recorded."""
    from backendkit import analyze
    from backendkit.catalogue import load_catalogue
    from backendkit.commands import SourceCache
    from backendkit.reporters.report import Report, fingerprints

    root = write_project(tmp_path / "p", {"main.py": ROUTES})
    result = analyze([root])
    report = Report(result.findings, load_catalogue(), root, "0", source=SourceCache(root))
    entries = [{"fingerprint": fp} for fp in fingerprints(report, str)]
    old = tmp_path / "ci" / "old.json"
    old.parent.mkdir()
    old.write_text(json.dumps({"tool": "backendkit", "version": 1, "findings": entries}))
    assert entries
    capsys.readouterr()
    assert _lint(root, baseline=old) == 0
    assert json.loads(capsys.readouterr().out) == []


def _lint_paths(paths: list[Path], select: list[str] | None = None, **kwargs: object) -> int:
    """``lint --output-format json`` (not quiet: notes go to stderr)."""
    return run_lint(paths, "json", select, None, None, False, False, None, **kwargs)  # type: ignore[arg-type]


def test_a_baseline_written_from_some_files_keeps_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A trial wrote a baseline from one file and lost every other file's entries; a run with
    the baseline now also says how many recorded findings no longer occur."""
    other = ROUTES.replace("/items/{item_id}", "/orders/{order_id}").replace("item", "order")
    root = write_project(
        tmp_path / "p", {"app/__init__.py": "", "app/a.py": ROUTES, "app/b.py": other}
    )
    baseline = tmp_path / "baseline.json"
    assert _lint_paths([root], write_baseline=baseline) == 0
    assert sorted(f["path"] for f in json.loads(baseline.read_text())["findings"]) == [
        "p/app/a.py",
        "p/app/b.py",
    ]
    capsys.readouterr()

    assert _lint_paths([root / "app/a.py"], write_baseline=baseline) == 0
    assert "kept the 1 of files or rules this run did not check" in capsys.readouterr().err
    assert sorted(f["path"] for f in json.loads(baseline.read_text())["findings"]) == [
        "p/app/a.py",
        "p/app/b.py",
    ]

    (root / "app/b.py").write_text("X = 1\n", encoding="utf-8")  # b's finding is fixed
    assert _lint_paths([root / "app/a.py"], baseline=baseline) == 0
    assert "no longer occur" not in capsys.readouterr().err  # b.py was not looked at
    assert _lint_paths([root], baseline=baseline) == 0
    err = capsys.readouterr().err
    assert f"note: 1 finding(s) recorded in {baseline} no longer occur" in err


def test_a_baseline_with_select_keeps_and_counts_only_the_selected_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A review: ``--select BK101 --baseline`` counted every other rule's entries as no
    longer occurring, and ``--select BK101 --write-baseline`` dropped them. A run of some files
    onto a file that is no baseline stops with one line instead of dropping the others."""
    secret = 'SECRET_KEY = "kq3h8Zr2LmP0vX7c"\n'
    files = {"app/__init__.py": "", "app/a.py": ROUTES, "app/config.py": secret}
    root = write_project(tmp_path / "p", files)
    baseline = tmp_path / "baseline.json"
    assert _lint_paths([root], write_baseline=baseline) == 0
    codes = sorted(f["code"] for f in json.loads(baseline.read_text())["findings"])
    assert "BK101" in codes
    assert len(codes) > 1
    capsys.readouterr()
    assert _lint_paths([root], select=["BK101"], baseline=baseline) == 0
    assert "no longer occur" not in capsys.readouterr().err
    assert _lint_paths([root], select=["BK101"], write_baseline=baseline) == 0
    after = sorted(f["code"] for f in json.loads(baseline.read_text())["findings"])
    assert after == codes
    baseline.write_text("<<<<<<< HEAD\n", encoding="utf-8")
    with pytest.raises(ValueError, match="write it from the whole project"):
        _lint_paths([root / "app/a.py"], write_baseline=baseline)
    assert _lint_paths([root], write_baseline=baseline) == 0  # a whole run writes it afresh


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ('{"tool": "backendkit", "version": 1, "findings": "oops"}', "'findings' is not a list"),
        ("<<<<<<< HEAD\n", "not a backendkit baseline"),
    ],
)
def test_a_narrowed_run_onto_a_damaged_baseline_stops(
    tmp_path: Path, document: str, words: str
) -> None:
    """A third review: a ``--select`` run over a damaged baseline overwrote it (dropping the
    other rules' entries), ``"findings": "oops"`` read as no entries, and the message named
    ``--baseline`` for a ``--write-baseline``."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/a.py": ROUTES})
    baseline = tmp_path / "baseline.json"
    baseline.write_text(document, encoding="utf-8")
    with pytest.raises(ValueError, match=words) as raised:
        _lint_paths([root], select=["BK101"], write_baseline=baseline)
    assert str(raised.value).startswith(f"--write-baseline {baseline}")
    assert baseline.read_text(encoding="utf-8") == document


def test_odd_entries_in_a_baseline_are_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An entry whose fingerprint is no string was an internal error (exit 3)."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/a.py": ROUTES})
    baseline = tmp_path / "baseline.json"
    odd = {"fingerprint": ["x"], "code": "BK101", "path": "p/app/a.py"}
    document = {"tool": "backendkit", "version": 1, "findings": [odd, 3]}
    baseline.write_text(json.dumps(document), encoding="utf-8")
    assert _lint_paths([root], baseline=baseline) == 1
    assert _lint_paths([root / "app/a.py"], write_baseline=baseline) == 0
    capsys.readouterr()
