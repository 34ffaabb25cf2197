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


def test_limiter_middleware_named_in_the_options(tmp_path: Path) -> None:
    """A project's own brute-force middleware, named in `limiters`, covers every route."""
    source = (
        "from fastapi import FastAPI\n\nfrom app.guard import BruteForceGuard\n\n"
        "app = FastAPI()\napp.add_middleware(BruteForceGuard)\n\n\n"
        "@app.post('/login/access-token')\ndef login() -> dict[str, str]:\n    return {}\n"
    )
    guard = "class BruteForceGuard:\n    def __init__(self, app):\n        self.app = app\n"
    files = {"app/__init__.py": "", "app/main.py": source, "app/guard.py": guard}
    plain = write_project(tmp_path / "plain", files, select=["BK112"])
    assert [f.code for f in analyze([plain]).findings] == ["BK112"]
    options = {"rate-limit": {"limiters": ["BruteForceGuard"]}}
    named = write_project(tmp_path / "named", files, options, select=["BK112"])
    assert analyze([named]).findings == []
