"""Shapes of tests the per-file pass records as they are written: the statuses an ``except``
handler raises its error again for (``Handler.reraise_on``) and the exact key matches of an
``and`` test (``IfBlock.matches``)."""

from __future__ import annotations

import libcst as cst

from backendkit.summary.exprs import dotted_name


def status_reraise(body: cst.BaseSuite, name: str) -> list[cst.BaseExpression]:
    """The statuses a handler binding the error to ``name`` raises it again for, when its body
    is that one statement, ``if name.status_code == 401: raise`` (``in (401, 403)``; ``raise
    name``; the status either side of ``==``), without ``else``: [] for any other body."""
    statements = body.body if isinstance(body, cst.IndentedBlock) else ()
    if len(statements) != 1 or not isinstance(statements[0], cst.If):
        return []
    branch = statements[0]
    inner = branch.body.body
    if branch.orelse is not None or len(inner) != 1 or not _raises_again(inner[0], name):
        return []
    return _status_test(branch.test, name)


def reraises_always(body: cst.BaseSuite, name: str) -> bool:
    """A handler (binding its error to ``name``, or "") whose last statement raises the error
    again (``raise``, ``raise name``) and that holds no ``return``, ``break`` or ``continue``
    (outside functions it defines): whatever it catches leaves it (``except HTTPException:
    log(...); raise``)."""
    statements = body.body if isinstance(body, cst.IndentedBlock) else ()
    if not statements or not _raises_again(statements[-1], name or "\0"):
        return False
    return not any(exits(statement) for statement in statements)


def exits(node: cst.CSTNode) -> bool:
    """``node`` holds a ``return``, ``break`` or ``continue`` outside nested functions."""
    if isinstance(node, (cst.Return, cst.Break, cst.Continue)):
        return True
    if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
        return False
    return any(exits(child) for child in node.children)


def _raises_again(statement: cst.BaseStatement | cst.BaseSmallStatement, name: str) -> bool:
    """``statement`` is ``raise`` or ``raise name``."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        statement = statement.body[0]
    if not isinstance(statement, cst.Raise) or statement.cause is not None:
        return False
    exc = statement.exc
    return exc is None or (isinstance(exc, cst.Name) and exc.value == name)


def _status_test(test: cst.BaseExpression, name: str) -> list[cst.BaseExpression]:
    """What ``test`` compares the ``status_code`` of ``name`` with: ``name.status_code ==
    401`` (either way round), ``name.status_code in (401, 403)``; [] for another test."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return []
    target = test.comparisons[0]
    left, right = test.left, target.comparator
    if isinstance(target.operator, cst.Equal):
        sides = [(left, right), (right, left)]
        return next(([other] for side, other in sides if _status_of(side, name)), [])
    listed = isinstance(right, (cst.Tuple, cst.List, cst.Set))
    if isinstance(target.operator, cst.In) and listed and _status_of(left, name):
        return [element.value for element in right.elements]  # type: ignore[union-attr]
    return []


def _status_of(node: cst.BaseExpression, name: str) -> bool:
    """``node`` is ``name.status_code``."""
    return dotted_name(node) == f"{name}.status_code"


def key_matches(test: cst.BaseExpression) -> tuple[tuple[str, str], ...]:
    """For an ``and`` test with a plain name among its operands and, as another operand, that
    name ``==`` another plain name (``if key and key == api_key:``): (the name, the other)."""
    operands = _and_operands(test)
    truthy = {operand.value for operand in operands if isinstance(operand, cst.Name)}
    found: list[tuple[str, str]] = []
    for operand in operands:
        names = _equal_names(operand)
        if names is not None:
            pairs = (names, (names[1], names[0]))
            found += [(name, other) for name, other in pairs if name in truthy]
    return tuple(found)


def _equal_names(operand: cst.BaseExpression) -> tuple[str, str] | None:
    """The two plain names ``operand`` compares with one ``==`` (``key == api_key``)."""
    if not isinstance(operand, cst.Comparison) or len(operand.comparisons) != 1:
        return None
    target = operand.comparisons[0]
    left, right = operand.left, target.comparator
    if not isinstance(target.operator, cst.Equal):
        return None
    if isinstance(left, cst.Name) and isinstance(right, cst.Name):
        return left.value, right.value
    return None


def _and_operands(test: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The operands of an ``and`` chain ([] for another test)."""
    if not isinstance(test, cst.BooleanOperation) or not isinstance(test.operator, cst.And):
        return []
    sides = (test.left, test.right)
    return [operand for side in sides for operand in (_and_operands(side) or [side])]
