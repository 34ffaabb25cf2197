"""An ``isinstance`` test that shows a receiver is a builtin container where it is used, for
BK304: ``cursor.get(name) if isinstance(cursor, dict) else cursor`` and
``isinstance(row, Mapping) and row.get(key)`` read a mapping, not a database.

The summary keeps a conditional expression's branches (``IfExp``) but not its test, and calls
by line: the test is an ``isinstance(receiver, T)`` call on the same line as the use, ``T``
(or each type of a tuple) a container (``querytypes.CONTAINERS``), and the use is not in the
``else`` branch of a conditional expression on that line (where the test failed). The body
of an ``if isinstance(receiver, T):`` statement (``Scope.narrowed``; not its ``else`` or
``elif`` branches) is such a use too."""

from __future__ import annotations

from collections.abc import Iterator

from backendkit.rules.querytypes import CONTAINERS
from backendkit.summary.model import (
    Call,
    Expr,
    IfExp,
    Name,
    Narrowing,
    Scope,
    Seq,
    Starred,
)
from backendkit.summary.subexprs import sub_expressions


def container_tested(scope: Scope, call: Call, line: int, receiver: str) -> bool:
    """``call`` on ``line`` of ``scope`` runs where an ``isinstance(receiver, dict)`` (or
    ``Mapping``, a tuple of containers...) test on the same line has shown its receiver to be
    a builtin container: in a conditional expression's body or after ``and``/``or``."""
    if any(_narrows(block, line, receiver) for block in scope.narrowed):
        return True
    on_line = [site.call for site in scope.calls if site.line == line]
    if not any(_container_test(c, receiver) for c in on_line):
        return False
    return not any(_in_orelse(root, call) for root in (*on_line, *_values_on(scope, line)))


def _narrows(block: Narrowing, line: int, receiver: str) -> bool:
    """``line`` is in the body of an ``if isinstance(receiver, T):`` with ``T`` containers."""
    inside = block.first <= line < block.end and block.name == receiver
    return inside and all(kind in CONTAINERS for kind in block.types)


def _container_test(call: Call, receiver: str) -> bool:
    """``isinstance(receiver, T)`` with ``T`` a container type or a tuple of them."""
    if call.func != Name("isinstance") or len(call.args) != 2 or call.args[0] != Name(receiver):
        return False
    kind = call.args[1]
    types = kind.items if isinstance(kind, Seq) else (kind,)
    return all(isinstance(t, Name) and t.dotted.rpartition(".")[2] in CONTAINERS for t in types)


def _values_on(scope: Scope, line: int) -> Iterator[Expr]:
    """The values assigned and returned on ``line`` of ``scope``."""
    for bindings in scope.assigns.values():
        yield from (a.value for a in bindings if a.line == line and a.value is not None)
    yield from (
        value for value, at in zip(scope.returns, scope.return_lines, strict=False) if at == line
    )


def _in_orelse(expr: Expr, call: Call) -> bool:
    """``call`` is inside the ``else`` branch of a conditional expression within ``expr``."""
    if isinstance(expr, IfExp) and _contains(expr.orelse, call):
        return True
    return any(_in_orelse(part, call) for part in _parts(expr))


def _contains(expr: Expr, call: Call) -> bool:
    return expr == call or any(_contains(part, call) for part in _parts(expr))


def _parts(expr: Expr) -> tuple[Expr, ...]:
    """The sub-expressions of ``expr`` the summary keeps (a starred argument's included)."""
    return sub_expressions(expr, (Starred,))
