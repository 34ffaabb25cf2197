"""The per-file pass counts lines itself; it must agree with libcst's PositionProvider."""

from __future__ import annotations

import ast
from pathlib import Path

import fastapi
import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from backendkit.summary.collector import build_summary
from backendkit.summary.model import Scope

FILES = sorted(Path(fastapi.__file__).parent.rglob("*.py"))


class _Truth(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        self.lines: set[tuple[str, int]] = set()

    def _at(self, kind: str, node: cst.CSTNode) -> None:
        self.lines.add((kind, self.get_metadata(PositionProvider, node).start.line))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._at("def", node.name)
        for decorator in node.decorators:
            self._at("decorator", decorator.decorator)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._at("class", node.name)

    def visit_Call(self, node: cst.Call) -> None:
        self._at("call", node.func)


def _ours(scope: Scope, out: set[tuple[str, int]]) -> None:
    out.update(("call", site.line) for site in scope.calls)
    for func in scope.functions.values():
        out.add(("def", func.line))
        out.update(("decorator", line) for line in func.decorator_lines)
        _ours(func.scope, out)
    for cls in scope.classes.values():
        out.add(("class", cls.line))
        _ours(cls.scope, out)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_lines_match_position_provider(path: Path) -> None:
    """Every def, class, decorator and call line we record is the one libcst computes."""
    tree = cst.parse_module(path.read_text(encoding="utf-8"))
    truth = _Truth()
    MetadataWrapper(tree, unsafe_skip_copy=True).visit(truth)
    ours: set[tuple[str, int]] = set()
    _ours(build_summary("x.py", "x", False, tree).scope, ours)
    assert ours <= truth.lines
    assert len(ours) > 0 or not truth.lines


def test_multiline_constructs() -> None:
    """Strings, continuations and parenthesised calls spanning lines."""
    source = (
        'x = """a\nb\nc"""\n'  # 1-3
        "y = 1 + \\\n    2\n"  # 4-5
        "z = (\n    foo(\n        1,\n    )\n)\n"  # 6-10
        "@dec(\n    1,\n)\n@other\ndef f():\n    return bar()\n"  # 11-16
        "s = f'''x\n{baz()}\n'''\n"  # 17-19
    )
    summary = build_summary("m.py", "m", False, cst.parse_module(source))
    calls = sorted(site.line for site in summary.scope.calls)
    func = summary.scope.functions["f"]
    assert (func.line, func.decorator_lines, func.end_line) == (15, [11, 14], 16)
    assert sorted(site.line for site in func.scope.calls) == [11, 16]
    assert calls == [7, 18]


@pytest.mark.parametrize(
    "prefix",
    ['"""a\rb\r\nc"""\n', "x = f'''a\r'''\n", "x = 1 + \\\r    2\n", "x = 1\r"],
    ids=["string", "f-string", "continuation", "cr-line-end"],
)
def test_a_lone_carriage_return_ends_a_line_as_in_python(prefix: str) -> None:
    """Python ends a line at ``\\r``, ``\\n`` and ``\\r\\n``; so do the summary's numbers."""
    source = prefix + "def f():\n    return 1\n"
    expected = ast.parse(source).body[-1].lineno
    summary = build_summary("m.py", "m", False, cst.parse_module(source))
    assert summary.scope.functions["f"].line == expected
