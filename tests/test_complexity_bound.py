"""BK401 skips Python's ast and radon for a file whose functions' lines (as the per-file walk
records them) prove no function can be over the limit; the bound must hold on real code, and
the findings must not change."""

from __future__ import annotations

import ast
from pathlib import Path

import fastapi
import libcst as cst
import pydantic
import pytest
from radon.complexity import cc_visit_ast

from backendkit import analyze
from backendkit.rules.maintainability import _flatten, complexity_bound
from backendkit.summary.collector import Span, walk_module
from helpers import write_project


def spans_of(source: str) -> list[Span]:
    """The function spans the per-file walk records for ``source``."""
    return walk_module("m.py", "m", False, cst.parse_module(source))[1]


def bound(source: str) -> int:
    """``complexity_bound`` as BK401 computes it."""
    return complexity_bound(spans_of(source), source)


FILES = sorted(Path(fastapi.__file__).parent.rglob("*.py")) + sorted(
    Path(pydantic.__file__).parent.glob("*.py")
)

TRICKY = """\
def f(x, y):
    assert x
    try:
        pass
    except ValueError:
        pass
    except (KeyError, TypeError):
        pass
    else:
        pass
    for i in y:
        pass
    else:
        pass
    while x:
        break
    else:
        pass
    z = [a for a in y if a if not a] or {b: b for b in y if b}
    match x:
        case 1:
            pass
        case [2, *_]:
            pass
        case _:
            pass
    return x and y and (x or y) if x else 1 if y else 2
"""


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_bound_holds_on_real_code(path: Path) -> None:
    """No function radon measures is more complex than the bound (FastAPI and pydantic)."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    blocks = list(_flatten(cc_visit_ast(tree)))
    worst = max((int(block.complexity) for block in blocks), default=0)
    assert worst <= bound(source)


def test_bound_holds_on_every_decision_point() -> None:
    """Each construct radon counts (try/except/else, loops with else, comprehensions with
    filters, boolean operators, conditional expressions, match, assert) is covered."""
    tree = ast.parse(TRICKY)
    (block,) = _flatten(cc_visit_ast(tree))
    assert block.complexity >= 20
    assert block.complexity <= bound(TRICKY)


NESTED = """\
class A:
    if True:
        def m(self, x):
            def inner(y):
                return y if y else (x and y)
            return inner
    else:
        def m(self, x):
            return [i for i in x if i] if x else None
try:
    def g(a):
        return a or 1
except ImportError:
    def g(a):
        while a:
            a -= 1
        return a
"""


def test_functions_in_classes_branches_and_redefinitions_are_bounded() -> None:
    """Methods under an ``if``, functions in ``try``/``except`` and redefined names: each
    function's own lines bound it."""
    tree = ast.parse(NESTED)
    blocks = list(_flatten(cc_visit_ast(tree)))
    assert len(blocks) >= 5
    spans = spans_of(NESTED)
    assert len(spans) == 5  # redefinitions each have their own span
    for block in blocks:
        assert any(start <= block.lineno and block.endline <= end for start, end in spans)
    assert max(int(block.complexity) for block in blocks) <= bound(NESTED) < 10
    assert bound("x = 1 if y else 2\n") == 0


@pytest.mark.parametrize("limit", [1, 3, 10, 20, 25])
def test_findings_do_not_change_at_any_limit(tmp_path: Path, limit: int) -> None:
    """Around the limit the rule reports exactly what radon finds."""
    options = {"complexity": {"max-complexity": limit}}
    root = write_project(tmp_path / "p", {"tricky.py": TRICKY}, options, select=["BK401"])
    found = [f.line for f in analyze([root], use_cache=False).findings]
    (block,) = _flatten(cc_visit_ast(ast.parse(TRICKY)))
    assert found == ([1] if block.complexity > limit else [])


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\x1c", "\x85", "\u2028", "\r\n", "\r"])
def test_line_separators_python_does_not_count_do_not_shift_functions(separator: str) -> None:
    """Form feeds (and the other characters ``str.splitlines`` breaks at but Python's parser
    does not) before a function leave its lines where Python puts them."""
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(11))
    source = f"# page break{separator * 20}\n\n\ndef f(x):\n{branches}    return -1\n"
    if separator in ("\r\n", "\r"):
        source = source.replace("\n", separator) if separator == "\r\n" else source
    tree = ast.parse(source)
    (block,) = _flatten(cc_visit_ast(tree))
    assert block.complexity == 12
    assert bound(source) >= 12


EDGES = (
    "@decorate(lambda x: x if x else None)\n"
    "def one(x): return x if x else (x or 2)\n"
    "def cont(x):\n"
    "    return x and \\\n"
    "        x or x\n"
    "class K:\n"
    "    def m(self, x):\n"
    "        '''if if if'''\n"
    "        # else else\n"
    "        return [i for i in x if i]\n"
    "def last(x):\n"
    "    while x:\n"
    "        x -= 1 if x else 0"
)


def test_bound_holds_for_one_liners_continuations_and_a_last_line_without_newline() -> None:
    blocks = list(_flatten(cc_visit_ast(ast.parse(EDGES))))
    spans = spans_of(EDGES)
    assert spans == [(1, 2), (3, 5), (7, 10), (11, 13)]
    assert max(int(block.complexity) for block in blocks) <= bound(EDGES)
    for block in blocks:
        assert any(start <= block.lineno and block.endline <= end for start, end in spans)


_ELEVEN = "    return x or x or x or x or x or x or x or x or x or x or x\n"


@pytest.mark.parametrize(
    ("prefix", "line"),
    [
        ('"""doc\rmore"""\n', 3),  # a lone CR inside a string ends a line for Python
        ("x = 1 + \\\r 2\n", 3),  # a backslash continuation ended by a lone CR
        ("x = 1\n\\\n", 3),  # a line holding only a backslash (libcst drops it)
        ("", 1),
    ],
    ids=["cr-in-string", "backslash-cr", "backslash-line", "plain"],
)
def test_lines_python_counts_differently_never_hide_a_finding(
    tmp_path: Path, prefix: str, line: int
) -> None:
    """Where the walk's line numbers could drift from Python's, BK401 still reports."""
    root = write_project(
        tmp_path / "p", {"m.py": prefix + "def f(x):\n" + _ELEVEN}, select=["BK401"]
    )
    found = [(f.code, f.line) for f in analyze([root], use_cache=False).findings]
    assert found == [("BK401", line)]


def test_a_line_holding_only_a_backslash_inside_a_function_is_counted(tmp_path: Path) -> None:
    source = "def f(x):\n    y = 1\n    \\\n" + _ELEVEN.replace("x or x", "x or x or x", 1)
    root = write_project(tmp_path / "p", {"m.py": source}, select=["BK401"])
    assert [f.line for f in analyze([root], use_cache=False).findings] == [1]


@pytest.mark.filterwarnings("ignore:invalid")
@pytest.mark.parametrize(
    "body",
    [
        "x(1or x, 1or x, 1or x, 1and x, 1and x, 1and x, [1for a in x], [1for a in x],"
        " 1if x else 2, 1if x else 2, 1if x else 2)",
        "[1jor x, 1jor x, 1jor x, 1jor x, 1jor x, 1jor x, 0xfor x, 0xfor x, 0xfor x, 0xfor x,"
        " 0xaif x else 1]",
    ],
    ids=["after-digits", "after-hex-and-imaginary"],
)
def test_keywords_right_after_a_number_are_counted(body: str) -> None:
    """``1if``, ``1or``, ``[1for ...]``, ``0xfor`` (``0xf or``) and ``1jor`` (``1j or``) are
    keywords for Python (with a warning)."""
    source = f"def f(x):\n    return {body}\n"
    (block,) = _flatten(cc_visit_ast(ast.parse(source)))
    assert block.complexity > 10
    assert block.complexity <= bound(source)


def test_keywords_inside_names_are_not_counted() -> None:
    assert bound("def ifx(elif_):\n    return notif\n") == 1
