"""A configuration switch that makes authentication optional (a lenient scheme,
``auto_error=False``, in one mode; the strict one otherwise) is one BK102 finding at the place
that selects it, naming the routes, as BK101 does for a switch that opens them. A route that
authenticates only optionally in every configuration keeps its own finding. Checked against
FastAPI in both configurations."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

AUTH = """\
import os

from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer

strict = OAuth2PasswordBearer(tokenUrl="/token")
lenient = OAuth2PasswordBearer(tokenUrl="/token", auto_error=False)


def scheme_provider() -> OAuth2PasswordBearer:
    if os.environ.get("BK_ANONYMOUS") == "1":
        return lenient
    return strict


scheme = scheme_provider()


def current_user(token: str | None = Depends(scheme)) -> str | None:
    return token


def maybe_user(token: str | None = Depends(lenient)) -> str | None:
    return token
"""

MAIN = """\
from fastapi import Depends, FastAPI

from app.auth import current_user, maybe_user

app = FastAPI()


@app.get("/api/v1/items")
def items(user: str | None = Depends(current_user)) -> list[str]:
    return []


@app.get("/api/v1/orders")
def orders(user: str | None = Depends(current_user)) -> list[str]:
    return []


@app.get("/api/v1/feed")
def feed(user: str | None = Depends(maybe_user)) -> list[str]:
    return []
"""

FILES = {"app/__init__.py": "", "app/auth.py": AUTH, "app/main.py": MAIN}
SWITCH_LINE = AUTH.splitlines().index("        return lenient") + 1
FEED_LINE = MAIN.splitlines().index('@app.get("/api/v1/feed")') + 1
PATHS = ["/api/v1/items", "/api/v1/orders", "/api/v1/feed"]


@pytest.mark.parametrize(
    ("anonymous", "expected"),
    [("0", {"/api/v1/items": 401, "/api/v1/orders": 401, "/api/v1/feed": 200}),
     ("1", dict.fromkeys(PATHS, 200))],
)  # fmt: skip
def test_fastapi_behaviour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, anonymous: str, expected: dict[str, int]
) -> None:
    monkeypatch.setenv("BK_ANONYMOUS", anonymous)
    root = write_project(tmp_path / "p", FILES)
    assert anonymous_statuses(root, PATHS) == expected


def test_a_switch_to_optional_authentication_is_one_finding(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES, select=["BK101", "BK102"])
    result = analyze([root], use_cache=False)
    assert {r.path: r.auth for r in result.routes} == dict.fromkeys(PATHS, "optional")
    assert [(f.code, f.path, f.line) for f in result.findings] == [
        ("BK102", "app/auth.py", SWITCH_LINE),
        ("BK102", "app/main.py", FEED_LINE),
    ]
    switch = result.findings[0]
    assert "selecting return lenient makes authentication optional" in switch.message
    assert switch.extra["routes"] == ["GET /api/v1/items", "GET /api/v1/orders"]
    assert "suppress BK102 on this line" in switch.message


def test_one_suppression_at_the_switch_covers_its_routes(tmp_path: Path) -> None:
    files = {**FILES, "app/auth.py": AUTH.replace(
        "        return lenient", "        return lenient  # backendkit: ignore[BK102]"
    )}  # fmt: skip
    root = write_project(tmp_path / "p", files, select=["BK102"])
    found = [(f.path, f.line) for f in analyze([root], use_cache=False).findings]
    assert found == [("app/main.py", FEED_LINE)]
