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
NoResultFound: continue``, ``with suppress(...)``) leaves every loop in place, and so do a
``continue`` between the call and the exit and a ``try`` with a ``finally`` (whose ``continue``
overrides an exit, and which runs on every way out); so does a call in a lambda, which may run
once per item (``map(lambda i: s.get(i), ids)``). The loops left are kept by their position in
``CallSite.loops`` (a ``while`` and a comprehension on one line share an id).
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

    def _blocks(self) -> list[_Block | None]:
        return self.__dict__.setdefault("_open_blocks", [])

    def _open(self) -> None:
        """A block opens: ``None`` outside any loop of its scope (most blocks), where no exit
        leaves a loop and no block of the same scope is open around it inside a loop."""
        blocks = self._blocks()
        try_body = self.__dict__.pop("_try_body_next", False)
        if not self.loop_stack[-1]:
            blocks.append(None)
            return
        parent = blocks[-1] if blocks else None
        inherited = parent is not None and parent.scope is self.scope and parent.tried
        finals = self.__dict__.get("_finally_depth", 0) > 0  # ``finally: continue`` overrides
        tried = try_body or finals or inherited
        loops = tuple(self.loop_stack[-1])
        blocks.append(_Block(self.scope, loops, len(self.scope.calls), tried))

    def _reset(self) -> None:
        """No later exit claims the calls so far (they may go on with the next item)."""
        for block in self._blocks():
            if block is not None and block.scope is self.scope:
                block.first_call = len(self.scope.calls)

    def _close(self) -> None:
        self._blocks().pop()

    def _exit(self, every_loop: bool) -> None:
        """A ``return`` / ``raise`` (``every_loop``) or ``break`` at the top level of the
        innermost block: every call of the block so far leaves the loops it ends."""
        blocks = self._blocks()
        block = blocks[-1] if blocks else None
        if block is None or block.scope is not self.scope or block.tried:
            return
        count = len(block.loops)
        left = tuple(range(count)) if every_loop else (count - 1,)
        exits = sparse_dict(self.scope, "loop_exits")
        calls = self.scope.calls
        in_lambdas = self.__dict__.get("_lambda_calls", {}).get(id(self.scope), ())
        for position in range(block.first_call, len(calls)):
            if position not in in_lambdas:  # a lambda may run once per item (``map``)
                exits.setdefault(position, left)
        block.first_call = len(calls)

    def visit_Lambda(self, node: cst.Lambda) -> bool | None:
        """A lambda's calls (recorded in this scope) run whenever it is called."""
        self.__dict__.setdefault("_lambda_starts", []).append((self.scope, len(self.scope.calls)))
        return None

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        """Its calls so far are no exit's to claim."""
        scope, start = self.__dict__["_lambda_starts"].pop()
        found = self.__dict__.setdefault("_lambda_calls", {}).setdefault(id(scope), set())
        found.update(range(start, len(scope.calls)))

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        """A block opens."""
        super().visit_IndentedBlock(node)  # type: ignore[misc]
        self._open()

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        """The block closes."""
        self._close()
        super().leave_IndentedBlock(original_node)  # type: ignore[misc]

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
        self._reset()

    def visit_Try(self, node: cst.Try | cst.TryStar) -> None:
        """A ``try`` with a ``finally``: a ``continue`` or ``break`` there overrides any exit
        in its blocks, and its ``finally`` runs on every way out, ``continue`` included."""
        if node.finalbody is not None:
            self.__dict__["_finally_depth"] = self.__dict__.get("_finally_depth", 0) + 1

    def leave_Try(self, original_node: cst.Try | cst.TryStar) -> None:
        """After a ``try`` with a ``finally``, no later exit claims its calls."""
        super().leave_Try(original_node)  # type: ignore[misc]
        if original_node.finalbody is not None:
            self.__dict__["_finally_depth"] -= 1
            self._reset()

    visit_TryStar = visit_Try
    leave_TryStar = leave_Try

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
