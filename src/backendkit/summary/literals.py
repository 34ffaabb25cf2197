"""The value of a string or number token, as libcst's ``evaluated_value`` gives it, without
``ast.literal_eval``.

On Python 3.11, every ``ast.literal_eval`` call leaves its nested helper functions in a
reference cycle (11 objects) that only the cycle collector frees. The parsing workers run
without it (``runner.paused_gc``, and the analysis commands turn it off), so each string
constant of a file added to a worker's memory for the rest of the run. The token is one
literal by construction (libcst's tokenizer made it one), so parsing it as an expression gives
an ``ast.Constant``: the same value, no cycle.
"""

from __future__ import annotations

import ast

import libcst as cst

Token = cst.SimpleString | cst.Integer | cst.Float | cst.Imaginary


def token_value(node: Token) -> object:
    """The value of the literal ``node``; ``ValueError`` or ``SyntaxError`` (a malformed
    escape, as ``evaluated_value`` raises them) when it has none."""
    body = ast.parse(node.value, mode="eval").body
    if not isinstance(body, ast.Constant):
        raise ValueError(f"not a literal: {node.value!r}")
    return body.value


__all__ = ["token_value"]
