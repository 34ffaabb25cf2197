"""BK113's change detection: ``if existing_token != update.token:`` followed by storing or
encrypting ``update.token`` decides whether to write a new value, not whether a caller holds
the secret (letta: "only re-encrypt if different").

A ``!=`` comparison counts when the ``if`` it tests holds no ``return`` or ``raise`` (an
exit makes it a check: ``if token != expected: raise ...``) and, within ``WINDOW`` lines
after it, the scope stores in an attribute a value holding one of its sides
(``obj.token = update.token``,
``obj.token_enc = Secret.from_plaintext(update.token).get_encrypted()``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, is_dataclass

from backendkit.project.symbols import Ctx
from backendkit.summary.model import Compare, Const, Expr, Scope

#: how many lines after the comparison the new value must be stored in (the ``if`` body)
WINDOW = 8


def stores_changed_value(compare: Compare, ctx: Ctx) -> bool:
    """Whether ``compare`` detects a change before storing the new value (module docstring)."""
    if compare.op != "!=":
        return False
    scope = ctx.scopes[-1]
    if any(block.in_test(compare.line) for block in scope.ifs):
        return False  # the ``if`` returns or raises: a check
    sides = [side for side in (compare.left, compare.right) if not isinstance(side, Const)]
    lines = range(compare.line + 1, compare.line + WINDOW + 1)
    return any(any(_holds(value, side) for side in sides) for value in _stored(scope, lines))


def _stored(scope: Scope, lines: range) -> Iterator[Expr]:
    """The values ``scope`` stores in an attribute on ``lines`` (a local bound to a call
    handed the value is not enough: ``if key != admin_password: user = lookup(api_key=key)``
    is a check)."""
    for found in scope.attr_assigns.values():
        yield from (value for value, line in found if line in lines)


def _holds(expr: object, wanted: Expr, depth: int = 0) -> bool:
    """Whether ``expr`` is ``wanted`` or has it as a part (an argument, a receiver, ...)."""
    if expr == wanted:
        return True
    if depth > 6:
        return False
    if isinstance(expr, tuple):
        return any(_holds(item, wanted, depth + 1) for item in expr)
    if is_dataclass(expr) and not isinstance(expr, type):
        return any(_holds(getattr(expr, f.name), wanted, depth + 1) for f in fields(expr))
    return False


__all__ = ["WINDOW", "stores_changed_value"]
