"""Paths that may not be read: a file named under a directory that may not be searched is a
one-line usage error (exit 2), not an internal error; a directory of the project that may not
be read is skipped with a warning naming it, and the rest of the project is analysed. (The
tests run as root, whom permissions do not stop, so the denials are simulated.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.discovery import existing_paths
from helpers import write_project

OPEN_CORS = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"])
"""


def test_a_path_that_may_not_be_searched_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(self: Path, **_kwargs: object) -> bool:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "exists", denied)
    with pytest.raises(ValueError, match=r"^cannot access .*db\.py: Permission denied$"):
        existing_paths([tmp_path / "app" / "core" / "db.py"])


@pytest.mark.parametrize("command", ["lint", "routes", "graph", "report"])
def test_the_cli_says_so_in_one_line(tmp_path: Path, command: str) -> None:
    """Every command: the denial is a usage error naming the path (a review found ``graph``
    and ``report`` ending in an internal error)."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": OPEN_CORS})
    code = (  # ``Path.stat``: Python 3.10's pathlib holds its own reference to ``os.stat``
        "import pathlib, sys\n"
        "real = pathlib.Path.stat\n"
        "def denied(self, *args, **kwargs):\n"
        "    if str(self).endswith('main.py'):\n"
        "        raise PermissionError(13, 'Permission denied', str(self))\n"
        "    return real(self, *args, **kwargs)\n"
        "pathlib.Path.stat = denied\n"
        "from backendkit.cli import main\n"
        f"sys.argv = ['backendkit', '{command}', 'app/main.py', '--no-cache']\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 2, done.stderr
    assert re.fullmatch(
        r"backendkit: error: cannot access app/main\.py: Permission denied\n", done.stderr
    )


def test_an_unreadable_directory_is_skipped_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"app/__init__.py": "", "app/main.py": OPEN_CORS, "app/core/config.py": "X = 1\n"}
    root = write_project(tmp_path / "p", files)
    scandir = os.scandir
    locked = str(root / "app" / "core")

    def guarded(path: str) -> object:
        if str(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", guarded)
    result = analyze([root], use_cache=False)
    assert [(f.code, f.path) for f in result.findings if f.code == "BK103"] == [
        ("BK103", "app/main.py")
    ]
    assert capsys.readouterr().err == (
        f"backendkit: warning: cannot read directory {locked}: Permission denied\n"
    )
