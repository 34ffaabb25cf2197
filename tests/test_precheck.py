"""``needs_precheck``: a file it lets through without Python's parser must get exactly what
``precheck`` would have said (its ast, or None for a plain syntax error), and must be far from
what crashes libcst's native parser."""

from __future__ import annotations

import ast
from pathlib import Path

import fastapi
import pytest

from backendkit.perfile import (
    LONG_LINE,
    SAFE_BRACKETS,
    SAFE_OPERATORS,
    needs_precheck,
    precheck,
)

#: Each construct nests one level per repetition, none with a bracket.
CHAINS = {
    "minus": lambda n: "-" * n + "x",
    "invert": lambda n: "~" * n + "x",
    "not": lambda n: "not " * n + "x",
    "sum": lambda n: "x" + "+x" * n,
    "power": lambda n: "x" + "**x" * n,
    "lambda": lambda n: "lambda:" * n + "x",
    "ternary": lambda n: "x if x else " * n + "x",
    "attribute": lambda n: "a" + ".a" * n,
}


def worst_case(chain: str, brackets: int) -> str:
    """The deepest file of one chain inside ``brackets`` nested brackets that still skips the
    precheck (or is as long as the length limit allows)."""
    for count in range(SAFE_OPERATORS, 0, -1):
        body = "(" * brackets + CHAINS[chain](count) + ")" * brackets
        source = f"async def f():\n    return {body}\n" if chain == "await" else f"y = {body}\n"
        if not needs_precheck(source):
            return source
    raise AssertionError(chain)


@pytest.mark.parametrize("chain", sorted(CHAINS))
@pytest.mark.parametrize("brackets", [0, SAFE_BRACKETS // 2, SAFE_BRACKETS - 1])
def test_the_deepest_file_let_through_parses_in_python(chain: str, brackets: int) -> None:
    source = worst_case(chain, brackets)
    tree, problem = precheck(source)
    assert problem == ""
    assert tree is not None


def test_counts_and_length_decide() -> None:
    assert not needs_precheck("x = (1 + 2) * 3\n")
    assert needs_precheck("x = " + "(" * SAFE_BRACKETS + "1" + ")" * SAFE_BRACKETS + "\n")
    assert needs_precheck("x = " + "-" * SAFE_OPERATORS + "1\n")
    assert needs_precheck("x = 1\n" + "# a comment\n" * (LONG_LINE // 10))
    assert needs_precheck("x = '\0'\n")


@pytest.mark.parametrize(
    "source",
    [
        "y = " + "(" * 250 + "1" + ")" * 250 + "\n",  # Python stops at 200 nested brackets
        "y = " + "+".join(["1"] * 3000) + "\n",  # Python's parser gives up near 3,000
        "y = " + "(" * 3000 + "1" + ")" * 3000 + "\n",  # libcst crashes near 3,000
    ],
    ids=["brackets-250", "sum-3000", "brackets-3000"],
)
def test_what_python_rejects_is_always_prechecked(source: str) -> None:
    assert needs_precheck(source)
    assert precheck(source)[1]


def test_real_files_let_through_parse_the_same() -> None:
    """Every FastAPI file the counts let through parses in Python as precheck would."""
    let_through = 0
    for path in sorted(Path(fastapi.__file__).parent.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if needs_precheck(source):
            continue
        let_through += 1
        tree, problem = precheck(source)
        assert problem == ""
        assert tree is not None
        assert ast.dump(tree) == ast.dump(ast.parse(source))
    assert let_through > 10
