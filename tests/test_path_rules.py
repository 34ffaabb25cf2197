"""BK205 and BK206 messages and irregular plurals."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.rules.paths import plural
from helpers import write_project

APP = "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"


def _messages(tmp_path: Path, path: str, code: str) -> list[str]:
    source = APP + f"@app.get('{path}')\ndef handler(x: int) -> int:\n    return x\n"
    root = write_project(tmp_path / "p", {"app.py": source}, select=[code])
    return [f.message for f in analyze([root]).findings]


@pytest.mark.parametrize("path", ["/people/{person_id}", "/children/{child_id}"])
def test_irregular_plurals_are_plural(tmp_path: Path, path: str) -> None:
    assert _messages(tmp_path, path, "BK206") == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [("category", "categories"), ("box", "boxes"), ("person", "people"), ("day", "days")],
)
def test_plural_suggestion(name: str, expected: str) -> None:
    assert plural(name) == expected


def test_singular_message_suggests_the_right_plural(tmp_path: Path) -> None:
    (message,) = _messages(tmp_path, "/category/{category_id}", "BK206")
    assert "use the plural ('categories')" in message


def test_verb_message_names_the_verb(tmp_path: Path) -> None:
    (message,) = _messages(tmp_path, "/get_items", "BK205")
    assert "contains the verb 'get' (in 'get_items')" in message
