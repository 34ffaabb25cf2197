"""BK105's expiry check on payloads built step by step: local dicts, keys added later, and a
payload copied from a parameter whose callers (in another module) show its keys."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

SECURITY = """\
from datetime import datetime, timedelta, timezone

import jwt

KEY = "k"


def create_access_token(data: dict, expires_delta: timedelta | None = None) -> str:
    to_encode = data.copy()
    if expires_delta:
        to_encode.update({"exp": datetime.now(timezone.utc) + expires_delta})
    return jwt.encode(to_encode, KEY, algorithm="HS256")


def create_token(data: dict) -> str:
    to_encode = data.copy()
    to_encode["iat"] = datetime.now(timezone.utc)
    return jwt.encode(to_encode, KEY, algorithm="HS256")


def sign(claims: dict) -> str:
    return jwt.encode(claims, KEY, algorithm="HS256")
"""

ROUTES = """\
from app.security import create_access_token, create_token, sign


def login(username: str, claims: dict) -> list[str]:
    payload = {"sub": username}
    return [
        create_access_token({"sub": username}),
        create_token(payload),
        create_token(dict(sub=username, exp=3600)),
        sign(claims),
    ]
"""


def test_payload_keys_are_followed_through_locals_and_callers(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/security.py": SECURITY, "app/routes.py": ROUTES}
    root = write_project(tmp_path / "p", files, select=["BK105"])
    findings = analyze([root]).findings
    # create_access_token sets exp (under a condition: counted); create_token gets a payload
    # without exp from one caller; sign's callers pass an unknown dict
    assert [(f.path, f.line) for f in findings] == [("app/security.py", 18)]
    assert "without an 'exp' claim" in findings[0].message


def test_signature_verification_off_is_named(tmp_path: Path) -> None:
    """options={"verify_signature": False} (inline or through a local dict) is reported as
    signature verification turned off, not merely as a missing algorithms=."""
    source = (
        "import jwt\n\n\n"
        "def peek(token: str) -> dict:\n"
        "    opts = {'verify_signature': False}\n"
        "    return jwt.decode(token, options=opts)\n"
    )
    root = write_project(tmp_path / "p", {"app/auth.py": source}, select=["BK105"])
    (finding,) = analyze([root]).findings
    assert finding.line == 6
    assert "turns off signature verification" in finding.message
