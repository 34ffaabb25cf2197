"""``--fix``: the fixed code parses, and running the rule again finds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.commands import run_lint
from backendkit.fixes import apply_fixes, fix_source
from helpers import write_project

MODELS = """\
from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

router = APIRouter()


class Item(BaseModel):
    name: str


@router.post("/items")  # backendkit: ignore[BK101]
def create_item(item: Item) -> Item:
    return Item.parse_obj(item.dict())


@router.delete("/items/{item_id}")  # backendkit: ignore[BK101]
def delete_item(item_id: int) -> None:
    try:
        1 / item_id
    except ZeroDivisionError as e:
        raise HTTPException(status_code=500, detail=str(e))
    return None


def show(item: Item, other: dict) -> tuple[dict, dict]:
    return item.dict(), other.copy()
"""


def _codes(root: Path, select: list[str]) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in analyze([root], select=select).findings]


def test_safe_fixes_rename_pydantic_v1_methods_only(tmp_path: Path) -> None:
    """--fix renames .dict()/.parse_obj() on models; the result parses and BK404 is gone."""
    root = write_project(tmp_path / "p", {"app.py": MODELS})
    before = analyze([root], select=["BK404"]).findings
    assert [f.line for f in before] == [13, 13, 26]
    result = apply_fixes(root, before)
    text = (root / "app.py").read_text()
    assert "return Item.model_validate(item.model_dump())" in text
    assert "return item.dict(), other.copy()" in text  # two candidates on a line: left alone
    assert list(result.changed) == ["app.py"]
    assert _codes(root, ["BK404"]) == [("BK404", 26)]


def test_unsafe_fixes_need_the_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Status codes and error details change what clients see: only with --unsafe-fixes."""
    root = write_project(tmp_path / "p", {"app.py": MODELS})
    select = ["BK201", "BK202", "BK107"]
    findings = analyze([root], select=select).findings
    assert apply_fixes(root, findings).changed == {}
    assert run_lint([root], "concise", select, None, None, False, True, None, fix="diff") == 0
    shown = capsys.readouterr()
    assert shown.out == ""  # nothing a plain --diff would change
    assert "Fixes that change behaviour would edit 1 more file: review them with --diff " in (
        shown.err
    )

    assert run_lint([root], "concise", select, None, None, False, True, None, fix="diff-unsafe")
    diff = capsys.readouterr().out
    assert '+@router.post("/items", status_code=201)' in diff
    assert (root / "app.py").read_text() == MODELS  # --diff writes nothing

    assert run_lint([root], "concise", select, None, None, False, True, None, fix="unsafe") == 0
    text = (root / "app.py").read_text()
    assert '@router.delete("/items/{item_id}", status_code=204)' in text
    assert 'logging.getLogger(__name__).exception("request failed")' in text
    assert 'detail="Internal server error"' in text
    # added in its own (standard-library) section, before the third-party imports
    assert text.startswith("import logging\n\nfrom fastapi import APIRouter, HTTPException\n")
    assert "    except ZeroDivisionError:\n" in text  # ``e`` is no longer used
    assert _codes(root, select) == []


def test_fix_source_keeps_unrelated_code_byte_for_byte() -> None:
    """A fix touches only its node."""
    source = "x = 1  # comment\n\n\ndef f(m):\n    return m.dict()\n"
    assert fix_source(source, {"BK404": [5]}) == source.replace(".dict()", ".model_dump()")


def test_fix_keeps_a_declared_encoding(tmp_path: Path) -> None:
    """A latin-1 file (PEP 263 declaration) is fixed and written back in latin-1."""
    source = "# -*- coding: latin-1 -*-\n" + MODELS.replace("name: str", 'name: str = "café"')
    root = write_project(tmp_path / "p", {})
    (root / "app.py").write_bytes(source.encode("latin-1"))
    findings = analyze([root], select=["BK404"]).findings
    assert [f.line for f in findings] == [14, 14, 27]
    apply_fixes(root, findings)
    text = (root / "app.py").read_bytes().decode("latin-1")
    assert 'name: str = "café"' in text
    assert "return Item.model_validate(item.model_dump())" in text


def test_diff_names_files_from_the_working_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_project(tmp_path / "p", {"app/models.py": MODELS})
    monkeypatch.chdir(tmp_path)
    assert run_lint([root], "concise", ["BK404"], None, None, False, True, None, fix="diff")
    diff = capsys.readouterr().out
    assert "--- a/p/app/models.py\n+++ b/p/app/models.py\n" in diff


def test_no_hint_when_no_unsafe_fix_applies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A BK201 route registered with ``add_api_route`` has no decorator to add a status code
    to: the hint counts fixes that apply, not rules that have fixes (a review's case)."""
    source = (
        "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
        "def create_item() -> dict:\n    return {}\n\n\n"
        "router.add_api_route('/items', create_item, methods=['POST'])\n"
    )
    root = write_project(tmp_path / "p", {"app.py": source})
    assert [f.code for f in analyze([root], select=["BK201"]).findings] == ["BK201"]
    assert run_lint([root], "concise", ["BK201"], None, None, False, True, None, fix="diff") == 0
    assert capsys.readouterr().err == ""
