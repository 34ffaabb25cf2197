"""A reader that stops early (``backendkit rules | head -1``, ``| true``) ends backendkit's
output, not the command: no ``BrokenPipeError`` reported as an internal error (exit 3), and the
exit status is the one the result calls for (1 when ``lint`` found something)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import write_project

OPEN_CORS = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
"""


def _closed_early(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run ``backendkit args`` with a reader that is gone before it writes: (status, stderr)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "backendkit", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()  # the reader is gone: every write meets a broken pipe
    errors = process.stderr.read()
    return process.wait(timeout=120), errors


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["rules"], 0),
        (["explain", "BK101"], 0),
        (["lint", ".", "--no-cache", "--output-format", "json"], 1),
        (["routes", ".", "--no-cache", "--format", "json"], 0),
    ],
)
def test_a_reader_that_stops_early_ends_the_output_only(
    tmp_path: Path, args: list[str], status: int
) -> None:
    files = {"app/__init__.py": "", "app/main.py": OPEN_CORS}
    root = write_project(tmp_path / "p", files)
    code, errors = _closed_early(args, root)
    assert "Error" not in errors
    assert "internal error" not in errors
    assert code == status


def test_a_reader_of_the_notes_that_stops_early(tmp_path: Path) -> None:
    """Notes go to stderr with ``writelines`` (a review found that path unguarded): its reader
    gone, the exit status is still the result's (here a note that nothing was checked)."""
    (tmp_path / "empty").mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "backendkit", "lint", "empty", "--no-cache", "-o", "json"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    process.stderr.close()
    assert process.wait(timeout=120) == 0


def test_output_closed_before_the_start(tmp_path: Path) -> None:
    """``backendkit lint >&-``: Python starts with no ``sys.stdout``; the findings go nowhere
    and the status is still the result's."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": OPEN_CORS})
    done = subprocess.run(
        ["sh", "-c", f"'{sys.executable}' -m backendkit lint . --no-cache >&-"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "Error" not in done.stderr
