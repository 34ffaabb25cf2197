"""The record of an ``if`` test on parameters (``summary.paramtests`` writes them; no libcst
here: the project pass unpickles them)."""

from __future__ import annotations

from typing import NamedTuple

#: A test in the form of ``summary.paramtests``' docstring.
Cond = tuple


class ParamTest(NamedTuple):
    """An ``if`` (or ``elif``) whose test is on parameters: its statement spans the lines
    ``first <= line < end``; its body starts after line ``body`` (where the test ends) and,
    with an ``else:`` or ``elif``, ends before line ``body_end`` (0: none), where the branch
    taken when the test is false starts. ``exits``: the ``if`` has no ``else`` and its body
    always leaves by a ``return`` or ``raise``, so when its test holds no line from ``end`` up
    to ``exits`` (where its block ends) runs; 0 for any other ``if`` (``summary/exitifs.py``)."""

    first: int
    body: int
    body_end: int
    end: int
    cond: Cond
    exits: int = 0


__all__ = ["Cond", "ParamTest"]
