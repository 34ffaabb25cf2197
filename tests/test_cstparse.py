"""The unvalidated parse gives libcst's own trees, and node validation is back afterwards."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from backendkit import cstparse

SOURCES = sorted((Path(__file__).parents[1] / "src" / "backendkit").rglob("*.py"))


def test_switch_is_available_on_the_installed_libcst() -> None:
    # if this fails, a libcst upgrade moved the check: the parse is still right, only slower
    assert cstparse.switchable()


@pytest.mark.parametrize("path", SOURCES[::7], ids=lambda p: p.name)
def test_trees_equal_libcst_own(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    ours = cstparse.parse_module(source)
    assert ours.deep_equals(cst.parse_module(source))
    assert ours.code == source


def test_odd_but_valid_code_round_trips() -> None:
    source = "x = 1if y else(2)\nlambda*a,**k:0\nz = [i for i in(1,)if i]\nwith(a)as b:pass\n"
    tree = cstparse.parse_module(source)
    assert tree.deep_equals(cst.parse_module(source))
    assert tree.code == source


def test_validation_is_restored_after_a_parse() -> None:
    cstparse.parse_module("x = 1\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not an identifier")


def test_validation_is_restored_after_a_syntax_error() -> None:
    with pytest.raises(cst.ParserSyntaxError):
        cstparse.parse_module("def f(:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("1x")


def test_falls_back_to_libcst_when_the_switch_is_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cstparse, "switchable", lambda: False)
    assert cstparse.parse_module("a = b\n").deep_equals(cst.parse_module("a = b\n"))
