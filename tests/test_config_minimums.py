"""Limits below their minimum are configuration errors (exit 2, one line naming the key and
value), not a finding on every function or file."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit.catalogue import load_catalogue
from backendkit.config import MINIMUMS, ConfigError, load_config
from helpers import write_project
from test_cli import assert_one_line_error, bk, codes_of

COMPLEX = """\
def choose(flag: bool) -> int:
    if flag:
        return 1
    return 2
"""


@pytest.mark.parametrize(
    ("section", "assignment", "expected"),
    [
        ("complexity", "max-complexity = -1", "max-complexity = -1 must be at least 1"),
        ("complexity", "max-complexity = 0", "max-complexity = 0 must be at least 1"),
        ("file-size", "max-lines = 0", "max-lines = 0 must be at least 1"),
        ("file-size", "max-lines = -500", "max-lines = -500 must be at least 1"),
    ],
)
def test_limits_below_their_minimum(
    tmp_path: Path, section: str, assignment: str, expected: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.backendkit.{section}]\n{assignment}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path, load_catalogue())
    assert str(error.value) == f"pyproject.toml: [tool.backendkit.{section}] {expected}"


def test_the_cli_exits_2_with_one_line(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p", {"app.py": COMPLEX}, {"complexity": {"max-complexity": -1}}
    )
    assert_one_line_error(bk(root, "lint"), "max-complexity = -1", "at least 1", "pyproject.toml")
    write_project(root, {}, {"file-size": {"max-lines": 0}})
    assert_one_line_error(bk(root, "lint"), "max-lines = 0", "at least 1")


def test_the_minimum_itself_is_a_working_limit(tmp_path: Path) -> None:
    """max-complexity = 1 and max-lines = 1 are accepted and report what exceeds them."""
    options = {"complexity": {"max-complexity": 1}, "file-size": {"max-lines": 1}}
    root = write_project(tmp_path / "p", {"app.py": COMPLEX, "one.py": "x = 1\n"}, options)
    proc = bk(root, "lint", "--no-cache", "--select", "BK401,BK402", "--output-format", "json")
    assert proc.returncode == 1, proc.stderr
    assert codes_of(proc) == [("BK401", "app.py", 1), ("BK402", "app.py", 1)]


def test_every_minimum_names_a_catalogue_option() -> None:
    """A renamed option must not lose its minimum; every default respects it."""
    options = {
        (info.options_section, key): default
        for info in load_catalogue().values()
        for key, default in info.options.items()
    }
    for (section, key), minimum in MINIMUMS.items():
        assert options[(section, key)] >= minimum  # type: ignore[operator]
