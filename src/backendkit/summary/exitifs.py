"""The ``if`` statements that end their block when their test holds: no ``else``, and a body
that always leaves by a ``return`` or ``raise`` (``last_ends``). On a function's parameters
(``ParamTest``), such an ``if`` whose test a constant argument makes hold rules out the rest of
its block (``ParamTest.exits``: the line the block ends before), at any depth: the rest of a
``try`` body too (a ``raise`` jumps to a handler, never to the next statement), the rest of a
loop body (the loop may run no more, not less: what follows the loop is not ruled out).

``ExitIfs`` is a mixin of ``flow.FlowFacts``: a block notes its exit ``if`` statements when it
opens, each records its test when it closes, and the block gives them its end when it closes.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from backendkit.summary.model import Scope


class ExitIfs:
    """Hooks of ``collector.Collector`` filling ``ParamTest.exits``."""

    line: int
    __dict__: dict[str, Any]

    def note_exit_ifs(self, block: cst.IndentedBlock) -> None:
        """Note the exit ``if`` statements of ``block`` (opening)."""
        found = self.__dict__.setdefault("_exit_blocks", {})
        for stmt in block.body:
            if isinstance(stmt, cst.If) and stmt.orelse is None and last_ends(stmt.body):
                found[id(stmt)] = id(block)

    def pend_exit(self, node: cst.If, scope: Scope, position: int | None) -> None:
        """The ``if`` being left, recorded at ``position`` of ``scope.param_tests`` (None:
        not recorded): if it is an exit, its block gives it its end when it closes."""
        block = self.__dict__.get("_exit_blocks", {}).pop(id(node), None)
        if block is not None and position is not None:
            self.__dict__.setdefault("_exit_pending", {}).setdefault(block, []).append(
                (scope, position)
            )

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        """The block closes on this line: its exit ``if`` statements rule out the lines up
        to here when their test holds."""
        pending = self.__dict__.get("_exit_pending", {}).pop(id(original_node), ())
        for scope, position in pending:
            tests = list(scope.param_tests)
            tests[position] = tests[position]._replace(exits=self.line)
            scope.param_tests = tuple(tests)


def last_ends(body: cst.BaseSuite) -> bool:
    """The last statement of ``body`` never lets control fall past it."""
    if isinstance(body, cst.SimpleStatementSuite):
        return bool(body.body) and isinstance(body.body[-1], (cst.Return, cst.Raise))
    statements = body.body
    return bool(statements) and _ends(statements[-1])


def _ends(stmt: cst.CSTNode) -> bool:
    """``stmt`` always leaves by a ``return`` or ``raise`` (or loops for ever): a ``return`` or
    ``raise``, an ``if`` whose branches (``else`` required) all end, a ``try`` whose body (or
    ``else``) and every handler end (or whose ``finally`` ends), a ``with`` whose body ends,
    ``while True``. Anything else may fall through."""
    if isinstance(stmt, cst.SimpleStatementLine):
        return bool(stmt.body) and isinstance(stmt.body[-1], (cst.Return, cst.Raise))
    if isinstance(stmt, cst.If):
        return last_ends(stmt.body) and stmt.orelse is not None and _ends(stmt.orelse)
    if isinstance(stmt, (cst.Else, cst.With, cst.Finally)):
        return last_ends(stmt.body)
    if isinstance(stmt, (cst.Try, cst.TryStar)):
        return _try_ends(stmt)
    if isinstance(stmt, cst.While):
        return isinstance(stmt.test, cst.Name) and stmt.test.value == "True"
    return False


def _try_ends(stmt: cst.Try | cst.TryStar) -> bool:
    if stmt.finalbody is not None and _ends(stmt.finalbody):
        return True
    body = last_ends(stmt.body) or (stmt.orelse is not None and _ends(stmt.orelse))
    return body and all(last_ends(handler.body) for handler in stmt.handlers)
