"""The per-file pass: read, parse once, walk once, run the file-local rules.

``summarize_file`` takes and returns plain data only, so it can run in a worker process and its
result can be cached by content hash (see DESIGN.md, section 3).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

import libcst as cst

from backendkit.cstparse import parse_module
from backendkit.filetask import FileTask, decode_source, read_bytes
from backendkit.findings import Finding, Severity, internal_error
from backendkit.rules.base import UNPARSED, FileContext, FileRule, Unparsed
from backendkit.summary.collector import line_breaks, walk_module
from backendkit.summary.model import ModuleSummary


def count_lines(source: str) -> int:
    """Lines as editors count them (a final line without a newline counts)."""
    if not source:
        return 0
    return source.count("\n") + (0 if source.endswith("\n") else 1)


def _read(task: FileTask, data: bytes | None) -> tuple[str | None, str]:
    if data is None:
        data, problem = read_bytes(task.abs_path)
        if data is None:
            return None, problem
    return decode_source(data)


def _failed(task: FileTask, line: int, column: int, message: str) -> ModuleSummary:
    summary = ModuleSummary(task.rel_path, task.module, task.is_package, 0, parsed=False)
    summary.findings.append(
        Finding(
            code="BK001",
            name="syntax-error",
            message=message,
            path=task.rel_path,
            line=max(line, 1),
            column=max(column, 1),
            severity=Severity.ERROR,
        )
    )
    return summary


def _locate_syntax_error(source: str, error: cst.ParserSyntaxError) -> tuple[int, int, str]:
    """Python's own parser pinpoints errors better than libcst's; use it when it agrees."""
    try:
        ast.parse(source)
    except SyntaxError as native:
        return native.lineno or 1, native.offset or 1, native.msg
    except (ValueError, RecursionError, MemoryError):
        pass
    message = str(error.message).splitlines()[0] if error.message else "invalid syntax"
    return error.raw_line, error.raw_column + 1, message.removeprefix("parser error: ")


MAX_DEPTH = 800  # libcst's native parser overflows its stack on far deeper nesting
LONG_LINE = 4000  # only files with such lines are measured for depth (generated code)


def _depth(tree: ast.AST) -> int:
    """Nesting depth of an ast, measured without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


#: Below these counts no nesting can come near what either parser fails on (see
#: ``needs_precheck``).
SAFE_BRACKETS = 100
SAFE_OPERATORS = 500
_OPERATOR_MARKS = ("+", "-", "*", "/", "%", "@", "&", "|", "^", "~", ".", "<", ">")
_OPERATOR_WORDS = ("not", "if", "lambda", "await")


def has_continuation(source: str) -> bool:
    """Whether ``source`` may hold a backslash continuation (a backslash before a line end);
    without one, the walk need not visit whitespace nodes (``walk_module``'s ``continued``)."""
    return "\\\n" in source or "\\\r" in source


def needs_precheck(source: str) -> bool:
    """Whether ``source`` could be deep enough for ``precheck`` to matter; if not, precheck's
    answer is known without parsing (the ast, or None for a plain syntax error), and Python's
    ast is parsed only if a rule asks for it.

    Nesting without brackets (``-x``, ``not x``, ``a + b``, ``a ** b``, ``a.b``, ``lambda:``,
    ``x if c else y``, ``await x``) costs one of the counted marks or words per level; brackets
    cost one each. Python's parser fails from about 200 nested brackets, or from 1,600 levels
    of the costliest operators inside 99 brackets (about 3,000 without); libcst's native parser
    crashes from about 3,000 brackets or 5,000 operator levels; ``precheck`` also measures the
    depth of files with lines over ``LONG_LINE`` characters. A short file under both counts
    and without NUL characters is far from all of these: ``tests/test_precheck.py``."""
    if len(source) > LONG_LINE or "\0" in source:
        return True
    brackets = source.count("(") + source.count("[") + source.count("{")
    if brackets >= SAFE_BRACKETS:
        return True
    marks = sum(source.count(mark) for mark in _OPERATOR_MARKS)
    return marks + sum(source.count(word) for word in _OPERATOR_WORDS) >= SAFE_OPERATORS


def precheck(source: str) -> tuple[ast.Module | None, str]:
    """Parse with Python's own parser first: it rejects pathological input safely (libcst
    crashes the process on it), and its tree is reused by radon. Returns the tree (None when
    this Python cannot parse the file, e.g. newer syntax: libcst still may) and a problem
    that makes the file unanalysable, or an empty string."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        if "too many nested" in error.msg or "too complex" in error.msg:
            return None, f"{error.msg} (line {error.lineno})"
        return None, ""
    except ValueError as error:
        return None, str(error)
    except (RecursionError, MemoryError):
        return None, "the file is nested too deeply for Python's own parser"
    if max(map(len, source.splitlines()), default=0) > LONG_LINE and _depth(tree) > MAX_DEPTH:
        return None, f"an expression is nested more than {MAX_DEPTH} levels deep"
    return tree, ""


def summarize_file(
    task: FileTask, rules: Sequence[FileRule], data: bytes | None = None
) -> ModuleSummary:
    """Parse ``task``'s file once, summarise it and run the file-local ``rules`` on it.

    ``data`` is the file's content when the caller has already read it (to hash it for the
    cache: the summary must be of exactly the bytes that were hashed)."""
    source, problem = _read(task, data)
    if source is None:
        return _failed(task, 1, 1, f"File could not be analysed: {problem}")
    native: ast.Module | Unparsed | None = UNPARSED
    if needs_precheck(source):
        native, problem = precheck(source)
        if problem:
            return _failed(task, 1, 1, f"File could not be analysed: {problem}; it was skipped")
    try:
        tree = parse_module(source)
    except cst.ParserSyntaxError as error:
        line, column, reason = _locate_syntax_error(source, error)
        return _failed(
            task,
            line,
            column,
            f"File could not be parsed ({reason}); fix the syntax error: the rest of the "
            "project was analysed without it",
        )
    except (RecursionError, MemoryError, ValueError) as error:
        return _failed(task, 1, 1, f"File could not be parsed: {type(error).__name__}")
    try:
        continued = has_continuation(source)
        summary, spans = walk_module(task.rel_path, task.module, task.is_package, tree, continued)
    except RecursionError:
        return _failed(
            task,
            1,
            1,
            "File is nested too deeply to analyse (an expression or block thousands of levels "
            "deep); it was skipped and the rest of the project analysed",
        )
    walked, summary.line_count = summary.line_count, count_lines(source)
    context = FileContext(summary, source, spans if lines_agree(walked, source) else None, native)
    for rule in rules:
        try:
            summary.findings.extend(rule.check_file(context))
        except Exception as error:
            summary.findings.append(internal_error(rule.code, task.rel_path, error))
    return summary


def lines_agree(walked: int, source: str) -> bool:
    """Whether the walk counted ``walked`` line ends as Python does in ``source`` (it does
    unless libcst dropped a line holding only a backslash): only then are the walk's function
    spans Python's lines."""
    return walked == line_breaks(source) + (source[-1:] not in ("", "\n", "\r"))
