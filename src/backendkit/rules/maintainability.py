"""BK401 cyclomatic complexity (computed by radon) and BK402 file length."""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Iterator, Sequence

from backendkit.findings import Finding
from backendkit.rules.base import Example, FileContext, FileRule

_BRANCHY = (
    "def route(x: int) -> int:  # expect: BK401\n"
    + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(11))
    + "    return -1\n"
)


#: Every decision point radon counts comes with one of these keywords: ``if``/``elif`` (if
#: statements, conditional expressions, comprehension filters), ``for``/``while`` and their
#: ``else``, ``except`` and a ``try``'s ``else``, ``and``/``or`` (each extra operand), ``case``
#: and ``assert``. A function's complexity is 1 plus the decision points of its body, so it is
#: at most 1 plus the number of these words on its lines (words in strings and comments, and
#: its closures' decision points, only raise the bound).
#: A keyword may follow a number directly (``1if x else 2``, ``0xfor x``, ``1jor x``): only a
#: letter or ``_`` that no number ends with (not a hex digit, ``j`` or ``J``) before it makes it
#: part of a name. Words counted inside names (``vendor``) only loosen the bound.
DECISION_WORDS = re.compile(
    r"(?<![^\W\da-fA-FjJ])(?:if|elif|for|while|else|except|and|or|case|assert)\b"
)
# ``str.splitlines`` also breaks at form feeds, vertical tabs and other separators that do not
# end a line for Python's parser, which would shift every function after one of them.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def complexity_bound(spans: Sequence[tuple[int, int]], source: str) -> int:
    """An upper bound of the cyclomatic complexity radon gives any function of ``source``
    (0 when there is none), from the lines of each function (``spans``, as the per-file walk
    records them: from the first decorator to the last line): a function's own lines bound it
    and everything nested in it. Needs neither Python's ast nor radon."""
    if not spans:
        return 0
    lines = _LINE_BREAK.split(source)  # as Python numbers lines (not ``str.splitlines``)
    before = [0]  # decision words before each line
    for line in lines:
        before.append(before[-1] + (len(DECISION_WORDS.findall(line)) if line else 0))
    last = len(lines)
    return 1 + max(before[min(end, last)] - before[min(start, last) - 1] for start, end in spans)


def _may_exceed(ctx: FileContext, limit: int) -> bool:
    """False when the words on the file's or each function's lines prove no function is over
    ``limit``; True when only radon can tell (or the walk's lines are not Python's)."""
    if ctx.spans == [] or 1 + len(DECISION_WORDS.findall(ctx.source)) <= limit:
        return False
    return ctx.spans is None or complexity_bound(ctx.spans, ctx.source) > limit


def ast_spans(tree: ast.Module) -> list[tuple[int, int]]:
    """The lines of every function in Python's ast (for a file whose walked lines are not
    Python's). Only statement lists are walked."""
    spans: list[tuple[int, int]] = []
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            spans.append((node.lineno, node.end_lineno or node.lineno))
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            stack.extend(getattr(node, name, ()))
    return spans


def _flatten(blocks: Iterable[object]) -> Iterator[object]:
    for block in blocks:
        methods = getattr(block, "methods", None)
        if methods is not None:  # a radon Class
            yield from _flatten(methods)
            continue
        yield block
        yield from _flatten(getattr(block, "closures", ()))


def _skipped_note(ctx: FileContext) -> str:
    try:
        compile(ctx.source, ctx.summary.path, "exec", ast.PyCF_ONLY_AST)
    except SyntaxError as error:
        reason = f"line {error.lineno}: {error.msg}"
    else:  # pragma: no cover - the tree is only missing when parsing failed
        reason = "unknown reason"
    version = ".".join(map(str, sys.version_info[:2]))
    return (
        f"{ctx.summary.path}: BK401 skipped: radon reads Python's own ast, and Python "
        f"{version} cannot parse this file ({reason}); the other rules still ran"
    )


class ComplexityRule(FileRule):
    """BK401: functions and methods whose cyclomatic complexity is above the threshold."""

    code = "BK401"
    VALID = (Example("def small(x: int) -> int:\n    return 1 if x else 0\n"),)
    INVALID = (
        Example(_BRANCHY),
        Example(_BRANCHY.replace("10", "4"), options={"complexity": {"max-complexity": 5}}),
    )

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        """Run radon on the file when its functions' lines allow a finding; a file radon
        cannot read is then noted, not reported."""
        from radon.complexity import cc_visit_ast

        limit = int(self.options["max-complexity"])  # type: ignore[call-overload]
        if not _may_exceed(ctx, limit):
            return  # neither Python's ast nor radon needed
        tree = ctx.tree
        if tree is None:
            ctx.summary.notes.append(_skipped_note(ctx))
            return
        if ctx.spans is None and complexity_bound(ast_spans(tree), ctx.source) <= limit:
            return
        blocks = cc_visit_ast(tree)
        for block in _flatten(blocks):
            score = int(getattr(block, "complexity", 0))
            if score <= limit:
                continue
            name = getattr(block, "fullname", getattr(block, "name", "?"))
            yield self.finding(
                ctx.summary.path,
                int(getattr(block, "lineno", 1)),
                f"Function '{name}' has cyclomatic complexity {score} (limit {limit}); split "
                "it into smaller functions or replace branches with a lookup table",
                end_line=int(getattr(block, "endline", 0)) or None,
            )


class FileSizeRule(FileRule):
    """BK402: files longer than the limit (500 lines by default, as guide 004 asks)."""

    code = "BK402"
    VALID = (Example("x = 1\n" * 10),)
    INVALID = (
        Example(
            "x = 1  # expect: BK402\n" + "x = 1\n" * 20, options={"file-size": {"max-lines": 10}}
        ),
    )

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        """One finding at line 1 of a file over the limit."""
        limit = int(self.options["max-lines"])  # type: ignore[call-overload]
        lines = ctx.summary.line_count
        if lines > limit:
            yield self.finding(
                ctx.summary.path,
                1,
                f"File has {lines} lines (limit {limit}); split it into smaller modules by "
                "responsibility",
            )
