"""Yes/no questions refuse an answer that is not a boolean: Copier casts any string to a bool
before validating (``maybe`` becomes true), so each validator reads the answer as given."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tplkit import render

BOOLS = ("mcp", "rate_limiting", "docker", "github_actions")


@pytest.mark.parametrize(
    ("question", "answer"),
    [("mcp", "maybe"), ("rate_limiting", ""), ("docker", "2"), ("github_actions", 2)],
)
def test_non_boolean_answers_are_refused(
    template_repo: Path, tmp_path: Path, question: str, answer: object
) -> None:
    with pytest.raises(ValueError, match="Validation error") as excinfo:
        render(template_repo, tmp_path / "out", {question: answer})
    assert f"{question} must be true or false (yes/no, on/off, 1/0)" in str(excinfo.value)


def test_boolean_words_are_accepted(template_repo: Path, tmp_path: Path) -> None:
    """The words Copier reads as booleans, in any case, and real booleans."""
    data = {"mcp": "No", "rate_limiting": "off", "docker": "yes", "github_actions": False}
    project = render(template_repo, tmp_path / "out", data)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert {key: answers[key] for key in BOOLS} == {
        "mcp": False,
        "rate_limiting": False,
        "docker": True,
        "github_actions": False,
    }
    assert not (project / "app" / "mcp_server.py").exists()
    assert (project / "Dockerfile").is_file()


def test_copier_cli_refuses_maybe(template_repo: Path, tmp_path: Path) -> None:
    """What the trial ran: ``copier copy --defaults --data mcp=maybe``."""
    dest = tmp_path / "out"
    answers = ["--defaults", "--data", "mcp=maybe", "--vcs-ref", "HEAD"]
    result = subprocess.run(
        [sys.executable, "-m", "copier", "copy", *answers, str(template_repo), str(dest)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "mcp must be true or false" in result.stderr
    assert not (dest / "app" / "mcp_server.py").exists()


def test_backendkit_new_refuses_maybe(tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    result = subprocess.run(
        [sys.executable, "-m", "backendkit", "new", str(dest), "--defaults", "--data", "mcp=maybe"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "mcp must be true or false" in result.stderr
    assert "Traceback" not in result.stderr
