"""BK404 pydantic-v1-api: v1 instance methods called directly on a constructor call
(``Item(name="b").dict()``), as on a variable bound to one."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
from pydantic import BaseModel


class Item(BaseModel):
    name: str


class Plain:
    def dict(self) -> dict:
        return {}


def bound() -> str:
    obj = Item(name="a")
    return obj.json()


def chained() -> dict:
    return Item(name="b").dict()


def chained_copy() -> Item:
    return Item(name="c").copy(update={"name": "d"})


def chained_v2() -> dict:
    return Item(name="e").model_dump()


def not_a_model() -> dict:
    return Plain().dict()


def literal() -> dict:
    return {"a": 1}.copy()
"""


def test_v1_method_on_a_constructor_call(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN}, select=["BK404"]
    )
    findings = analyze([root], use_cache=False).findings
    lines = MAIN.splitlines()
    assert [(lines[f.line - 1].strip(), f.message.split(";")[0]) for f in findings] == [
        ("return obj.json()", "Pydantic v1 API .json()"),
        ('return Item(name="b").dict()', "Pydantic v1 API .dict()"),
        ('return Item(name="c").copy(update={"name": "d"})', "Pydantic v1 API .copy()"),
    ]
