"""``--jobs`` (worker processes of the per-file pass) and the progress bar's decision logic."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from backendkit import analyze, runner
from backendkit.progress import MIN_FILES, ProgressBar, wants_progress
from helpers import write_project

FILES = {
    "app/__init__.py": "",
    "app/main.py": (
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
        "@app.get('/items')\nasync def items() -> list[str]:\n    return []\n"
    ),
    **{f"app/m{i}.py": f"def f{i}(x):\n    return x + {i}\n" * 3 for i in range(6)},
}


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_progress_only_in_an_interactive_terminal_outside_ci() -> None:
    assert wants_progress(Terminal(), {})
    assert wants_progress(Terminal(), {"TERM": "xterm-256color"})
    assert not wants_progress(Terminal(), {"CI": "true"})
    assert not wants_progress(Terminal(), {"TERM": "dumb"})
    assert not wants_progress(io.StringIO(), {})  # piped or redirected


def test_progress_bar_only_for_many_files() -> None:
    """A pass over few files shows nothing; a long one starts the bar, and close removes it."""
    stream = Terminal()
    bar = ProgressBar(stream)
    assert not bar.shows(MIN_FILES - 1)
    assert bar.shows(MIN_FILES)
    bar(0, 10)
    bar(10, 10)
    assert bar.bar is None
    assert stream.getvalue() == ""
    bar(0, MIN_FILES)
    assert bar.bar is not None
    bar(MIN_FILES, MIN_FILES)
    bar.close()
    assert bar.bar is None


def test_progress_is_told_every_file(tmp_path: Path) -> None:
    """The runner reports (done, total) up to the number of files it summarises."""
    root = write_project(tmp_path / "p", FILES)
    seen: list[tuple[int, int]] = []
    analyze([root], use_cache=False, workers=1, progress=lambda d, t: seen.append((d, t)))
    total = len(FILES)
    assert seen[0] == (0, total)
    assert seen[-1] == (total, total)
    seen.clear()
    analyze([root], use_cache=False, workers=2, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (total, total)


def test_piped_cli_prints_no_progress(tmp_path: Path) -> None:
    """Under pytest stderr is a pipe: the CLI's stderr has no bar, even for a cold run."""
    root = write_project(tmp_path / "p", FILES)
    proc = subprocess.run(
        [sys.executable, "-m", "backendkit", "lint", "--jobs", "2", str(root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert proc.stderr == ""


def test_jobs_one_uses_no_worker_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``workers=1`` summarises in this process; more workers give the same result."""
    root = write_project(tmp_path / "p", FILES)
    parallel = analyze([root], use_cache=False, workers=2)

    def no_pool(*_args: object) -> None:
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(runner, "_parallel", no_pool)
    serial = analyze([root], use_cache=False, workers=1)
    assert runner.worker_count(1) == 1
    assert (serial.findings, serial.routes) == (parallel.findings, parallel.routes)


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_bad_jobs_is_a_usage_error(tmp_path: Path, value: str) -> None:
    root = write_project(tmp_path / "p", FILES)
    proc = subprocess.run(
        [sys.executable, "-m", "backendkit", "lint", "--jobs", value, str(root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
