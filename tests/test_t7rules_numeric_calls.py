"""BK110 and a number from a project function (guardrails-api's advisory-lock id): a call of a
project function or method whose return annotation is ``int``, ``float`` or ``bool``, or whose
every return is a number (``int(x)``, a numeric literal, arithmetic of numbers), interpolates
no SQL, in place or through a local. A function annotated ``-> str``, returning a string or
returning its parameter stays reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

DB = """\
import hashlib

from sqlalchemy import create_engine, text

engine = create_engine("sqlite://")


def generate_lock_id(name: str) -> int:
    return int(hashlib.sha256(name.encode()).hexdigest(), 16) % (2**63)


def page_size(limit):
    if limit > 100:
        return 100
    return max(1, int(limit)) * 2


def label(name: str) -> str:
    return name.upper()


def unannotated(name):
    return name


def text_or_number(flag: bool):
    if flag:
        return "1; DROP TABLE item"
    return 2


class Locks:
    def lock_id(self, name: str) -> int:
        return int(hashlib.sha256(name.encode()).hexdigest(), 16) % (2**63)

    def initialize(self) -> None:
        lock_id = self.lock_id("my-api")
        with engine.begin() as connection:
            connection.execute(text(f"SELECT pg_try_advisory_lock({lock_id});"))
            connection.execute(text(f"SELECT pg_advisory_unlock({lock_id});"))


def initialize(name: str, limit: int) -> None:
    lock_id = generate_lock_id("my-api")
    with engine.begin() as connection:
        connection.execute(text(f"SELECT pg_try_advisory_lock({lock_id});"))
        connection.execute(text(f"SELECT * FROM item LIMIT {page_size(limit)}"))
        connection.execute(text(f"SELECT * FROM item WHERE name = '{label(name)}'"))
        connection.execute(text(f"SELECT * FROM item WHERE name = '{unannotated(name)}'"))
        connection.execute(text(f"SELECT * FROM item LIMIT {text_or_number(True)}"))
"""


def test_numbers_from_project_functions(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/db.py": DB}
    root = write_project(tmp_path / "p", files, select=["BK110"])
    found = [f.line for f in analyze([root]).findings]
    assert found == [48, 49, 50]  # label(), unannotated(name), text_or_number()
