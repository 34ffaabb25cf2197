"""Calls after which the loop around them is left: a ``return``, ``raise`` or ``break`` follows
them unconditionally, in the same block (``Scope.loop_exits``).

    for block in blocks:
        if block.label == label:
            row = session.execute(query)   # runs once: the return below leaves the loop
            return row

A call in a block inside a loop, before a ``return`` or ``raise`` at the top level of that block,
runs at most once per call of the function whatever the data: the loop ends with it. Before a
``break``, at most once per run of the innermost loop (an outer loop still repeats it). Calls
in loops opened inside the block repeat as usual; a ``try`` or ``with`` body inside the loop
(a handler or a context manager may go on with the next item: ``try: return q.one() except
NoResultFound: continue``, ``with suppress(...)``) leaves every loop in place, and so does a
``continue`` between the call and the exit. The N+1 rule (BK304) reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from backendkit.summary.facts import sparse_dict
from backendkit.summary.model import Scope


@dataclass
class _Block:
    """A block being walked: its scope, the loops around it, the first of its calls (by
    position in ``scope.calls``) that no exit has claimed, and whether a ``try`` body inside
    the loops holds it."""

    scope: Scope
    loops: tuple[int, ...]
    first_call: int
    tried: bool


class LoopExitFacts:
    """Hooks recording ``Scope.loop_exits``; the other hooks on these nodes run first."""

    scope: Scope
    loop_stack: list[list[int]]

    def _blocks(self) -> list[_Block]:
        return self.__dict__.setdefault("_open_blocks", [])

    def _open(self) -> None:
        blocks = self._blocks()
        loops = tuple(self.loop_stack[-1])
        parent = blocks[-1] if blocks and blocks[-1].scope is self.scope else None
        try_body = self.__dict__.pop("_try_body_next", False)
        tried = (try_body and bool(loops)) or (parent is not None and parent.tried)
        blocks.append(_Block(self.scope, loops, len(self.scope.calls), tried))

    def _close(self) -> None:
        self._blocks().pop()

    def _exit(self, every_loop: bool) -> None:
        """A ``return`` / ``raise`` (``every_loop``) or ``break`` at the top level of the
        innermost block: every call of the block so far leaves the loops it ends."""
        blocks = self._blocks()
        block = blocks[-1] if blocks else None
        if block is None or block.scope is not self.scope or not block.loops or block.tried:
            return
        left = block.loops if every_loop else block.loops[-1:]
        exits = sparse_dict(self.scope, "loop_exits")
        for position in range(block.first_call, len(self.scope.calls)):
            exits.setdefault(position, left)
        block.first_call = len(self.scope.calls)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        """A block opens."""
        super().visit_IndentedBlock(node)  # type: ignore[misc]
        self._open()

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        """The block closes."""
        self._close()

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        """A block on its statement's line (``if x: return``) opens."""
        super().visit_SimpleStatementSuite(node)  # type: ignore[misc]
        self._open()

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        """The block closes."""
        self._close()

    def visit_Try_body(self, node: cst.Try | cst.TryStar) -> None:
        """The next block is a ``try`` body."""
        super().visit_Try_body(node)  # type: ignore[misc]
        self.__dict__["_try_body_next"] = True

    visit_TryStar_body = visit_Try_body

    def visit_With_body(self, node: cst.With) -> None:
        """The next block is a ``with`` body: its context manager may swallow an error
        (``with suppress(NoResultFound): return q.one()``), as a ``try`` does."""
        super().visit_With_body(node)  # type: ignore[misc]
        self.__dict__["_try_body_next"] = True

    def visit_Continue(self, node: cst.Continue) -> None:
        """The calls before a ``continue`` may go on with the next item: no later exit
        claims them (``row = s.get(i); if row is None: continue; return row``)."""
        for block in self._blocks():
            if block.scope is self.scope:
                block.first_call = len(self.scope.calls)

    def leave_Return(self, original_node: cst.Return) -> None:
        """After the returned value's calls: the function ends."""
        self._exit(every_loop=True)

    def leave_Raise(self, original_node: cst.Raise) -> None:
        """After the raised error's calls: the function ends, as far as the loops know."""
        self._exit(every_loop=True)

    def visit_Break(self, node: cst.Break) -> None:
        """The innermost loop ends."""
        self._exit(every_loop=False)


__all__ = ["LoopExitFacts"]
