"""libcst's parser without re-validating every node it builds.

Every libcst node checks itself when it is constructed (``CSTNode.__post_init__`` calls
``_validate``: identifier syntax, whitespace regexes, required spaces around keywords). That
guards trees built by hand; a tree the parser builds from source text is valid by construction,
and libcst's own comment on ``__post_init__`` notes the cost ("would allow us to avoid
validating the tree when parsing a file"). The checks are about a sixth of
``libcst.parse_module``'s time on real code (``bench/phases.py``).

``parse_module`` parses with the check switched off for the duration of the call, then
restores it, so nodes built anywhere else are still validated. The switch is libcst's one
``__post_init__`` on ``CSTNode``; if a libcst release moves it, or a node class gains its own,
the parse is libcst's own (slower, never different). ``tests/test_cstparse.py`` checks that the
trees are equal to libcst's on real code and that the check is back after a parse error.
"""

from __future__ import annotations

from functools import cache

import libcst as cst
from libcst._nodes.base import CSTNode  # the one private name this module relies on


def _skip(_node: CSTNode) -> None:
    """The check's stand-in while the parser builds a tree."""


def _all_subclasses(cls: type) -> list[type]:
    found: list[type] = []
    pending = [cls]
    while pending:
        for sub in pending.pop().__subclasses__():
            found.append(sub)
            pending.append(sub)
    return found


@cache
def switchable() -> bool:
    """Whether the check can be switched off: libcst validates in ``CSTNode.__post_init__``
    and no node class defines its own (checked once per process)."""
    if "__post_init__" not in vars(CSTNode):
        return False
    return not any("__post_init__" in vars(sub) for sub in _all_subclasses(CSTNode))


def parse_module(source: str | bytes) -> cst.Module:
    """``libcst.parse_module(source)``, without re-validating the nodes the parser builds.

    Raises what ``libcst.parse_module`` raises on bad input."""
    if not switchable():
        return cst.parse_module(source)
    check = vars(CSTNode)["__post_init__"]
    CSTNode.__post_init__ = _skip  # type: ignore[method-assign]
    try:
        return cst.parse_module(source)
    finally:
        CSTNode.__post_init__ = check  # type: ignore[method-assign]


__all__ = ["parse_module", "switchable"]
