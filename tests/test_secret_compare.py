"""BK113 insecure-secret-compare beyond its examples: SQL expressions on models imported from
another module, structural equality, and names that only look like secrets."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MODELS = """\
from sqlmodel import Field, SQLModel


class User(SQLModel, table=True):
    id: int = Field(primary_key=True)
    hashed_password: str
    reset_token: str
"""

SERVICE = """\
from sqlmodel import select

from app import models
from app.models import User


def by_token(reset_token: str):
    return select(User).where(User.reset_token == reset_token)


def by_hash(hashed_password: str):
    return select(models.User).where(models.User.hashed_password == hashed_password)


class Credentials:
    def __init__(self, password: str) -> None:
        self.password = password

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Credentials) and self.password == other.password


def parse(identity_token: str, token_type: str, kind: str, api_token: str, expected) -> bool:
    if identity_token == kind or token_type == kind:
        return False
    return api_token == expected.api_token  # flagged
"""


def test_queries_equality_methods_and_lookalike_names(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/service.py": SERVICE}
    root = write_project(tmp_path / "p", files, select=["BK113"])
    findings = analyze([root]).findings
    assert [(f.path, f.line) for f in findings] == [("app/service.py", 26)]
    assert findings[0].message.startswith("api_token compared with ==")
    assert "secrets.compare_digest" in findings[0].message


def test_bare_signature_is_not_a_secret(tmp_path: Path) -> None:
    """`signature` alone is usually inspect.signature or a file signature; prefixed ones count."""
    source = (
        "def same(old, new, webhook_signature: str, expected_signature: str) -> bool:\n"
        "    if old.signature != new.signature:\n"
        "        return False\n"
        "    return webhook_signature == expected_signature\n"
    )
    root = write_project(tmp_path / "p", {"app/hooks.py": source}, select=["BK113"])
    assert [(f.path, f.line) for f in analyze([root]).findings] == [("app/hooks.py", 4)]
