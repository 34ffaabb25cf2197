"""Every rule's VALID and INVALID examples, run through the real engine.

In an invalid example, the lines that must be reported carry ``# expect: CODE``; the findings of
the rule must be exactly those lines. Valid examples must give no finding of the rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.rules import RULES
from backendkit.rules.base import Example
from helpers import write_project

EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>[A-Z0-9, ]+)")


def _cases(kind: str) -> list[object]:
    cases = []
    for code, rule in sorted(RULES.items()):
        for number, example in enumerate(getattr(rule, kind)):
            cases.append(pytest.param(code, example, id=f"{code}-{kind.lower()}-{number}"))
    return cases


def _expected(example: Example, code: str) -> set[tuple[str, int]]:
    out: set[tuple[str, int]] = set()
    for path, text in example.file_map().items():
        for number, line in enumerate(text.splitlines(), start=1):
            found = EXPECT.search(line)
            if found and code in [c.strip() for c in found.group("codes").split(",")]:
                out.add((path, number))
    return out


def _found(tmp_path: Path, code: str, example: Example) -> set[tuple[str, int]]:
    select = [code, *example.also_select]
    root = write_project(tmp_path / "ex", example.file_map(), example.options, select=select)
    result = analyze([root])
    return {(f.path, f.line) for f in result.findings if f.code == code}


def test_every_rule_has_examples() -> None:
    """Each rule documents itself with both kinds, except the two whose findings sit in no
    Python file: internal errors (BK002) and configuration names that match nothing (BK005,
    reported in pyproject.toml, which `# expect:` markers cannot mark; tests/test_contracts.py
    checks its findings and their lines)."""
    for code, rule in RULES.items():
        if code in ("BK002", "BK005"):
            continue
        assert rule.VALID, f"{code} has no valid example"
        assert rule.INVALID, f"{code} has no invalid example"


@pytest.mark.parametrize(("code", "example"), _cases("VALID"))
def test_valid_example(tmp_path: Path, code: str, example: Example) -> None:
    """A valid example gives no finding of its rule."""
    assert _found(tmp_path, code, example) == set()


@pytest.mark.parametrize(("code", "example"), _cases("INVALID"))
def test_invalid_example(tmp_path: Path, code: str, example: Example) -> None:
    """An invalid example gives exactly the findings its ``# expect`` comments name."""
    expected = _expected(example, code)
    assert expected, "an invalid example must mark at least one line with '# expect: CODE'"
    assert _found(tmp_path, code, example) == expected
