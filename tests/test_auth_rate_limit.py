"""BK112 messages: signup routes are about account creation abuse, login routes about
password guessing."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

ROUTES = """\
from fastapi import FastAPI

app = FastAPI()


@app.post("/auth/signup")
def signup() -> dict[str, str]:
    return {}


@app.post("/auth/login")
def login() -> dict[str, str]:
    return {}
"""


def test_signup_and_login_messages(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/main.py": ROUTES}, select=["BK112"])
    by_line = {f.line: f.message for f in analyze([root]).findings}
    assert sorted(by_line) == [6, 11]
    assert "creates accounts" in by_line[6]
    assert "passwords can be guessed" not in by_line[6]
    assert "passwords can be guessed" in by_line[11]
