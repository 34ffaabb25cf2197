"""Where a keyword argument of a call is written: a finding about one option of a call that
spans several lines (``allow_origins=["*"]`` of ``add_middleware(...)``) is reported on the
option's line, where the reader looks and where a ``# noqa`` for it goes (the summary keeps the
line of the callee only, so the source is read again, for the few calls reported)."""

from __future__ import annotations

import io
import tokenize
from collections.abc import Iterator
from pathlib import Path

_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")


def keyword_line(path: Path, line: int, callee: str, keyword: str) -> int:
    """The line of ``keyword=`` in the first call of ``callee`` (its last name) written on
    ``line`` of ``path``; ``line`` itself when the file cannot be read or tokenized, or the
    call passes no such keyword (``**options``)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)[line - 1 :]
    except (OSError, UnicodeDecodeError):
        return line
    try:
        found = _find(_tokens(lines), callee, keyword)
    except (tokenize.TokenError, SyntaxError):
        return line
    return line if found is None else line + found - 1


def _tokens(lines: list[str]) -> Iterator[tokenize.TokenInfo]:
    """The tokens of ``lines`` (from a line inside a statement: unbalanced brackets are fine
    until the end, where the search has stopped)."""
    return tokenize.generate_tokens(io.StringIO("".join(lines)).readline)


def _find(tokens: Iterator[tokenize.TokenInfo], callee: str, keyword: str) -> int | None:
    """The row (from 1) of ``keyword`` followed by ``=`` directly inside the first call of
    ``callee``; None when that call ends without it."""
    return _in_call(tokens, keyword) if _enter(tokens, callee) else None


def _enter(tokens: Iterator[tokenize.TokenInfo], callee: str) -> bool:
    """Consume ``tokens`` up to the ``(`` of the first call of ``callee``; False if none."""
    previous = ""
    for token in tokens:
        if token.string == "(" and previous == callee:
            return True
        if token.type != tokenize.NL:
            previous = token.string
    return False


def _in_call(tokens: Iterator[tokenize.TokenInfo], keyword: str) -> int | None:
    """The row of ``keyword=`` among the call's own arguments (``tokens`` start after its
    ``(``); None when the call closes first."""
    depth = 1  # brackets open: the call's own, and those inside it
    pending: tokenize.TokenInfo | None = None  # the keyword, until its ``=`` is seen
    for token in tokens:
        if pending is not None and token.string == "=" and depth == 1:
            return pending.start[0]
        pending = token if token.type == tokenize.NAME and token.string == keyword else None
        depth += (token.string in _OPEN) - (token.string in _CLOSE)
        if depth == 0:
            return None
    return None
