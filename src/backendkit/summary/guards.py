"""The tests of module-level ``if`` blocks whose imports do not run when the module is
imported: ``if TYPE_CHECKING:`` and ``if __name__ == "__main__":``."""

from __future__ import annotations

import libcst as cst

from backendkit.summary.exprs import dotted_name


def is_type_checking(test: cst.BaseExpression) -> bool:
    """``if TYPE_CHECKING:`` (``typing.TYPE_CHECKING``): imports for type checkers only."""
    return dotted_name(test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING", "t.TYPE_CHECKING")


def is_main_guard(test: cst.BaseExpression) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return False
    sides = {_text(test.left), _text(target.comparator)}
    return sides == {"__name__", "__main__"}


def _text(node: cst.BaseExpression) -> str:
    """A name's or a simple string's text."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.SimpleString):
        return node.value[1:-1]
    return ""
