"""psycopg's SQL composition (``psycopg.sql`` and ``psycopg2.sql``), which the psycopg
documentation recommends for names that cannot be bound parameters::

    query = sql.SQL("SELECT {fields} FROM {table} WHERE id = %s").format(
        fields=sql.SQL(", ").join(sql.Identifier(name) for name in names),
        table=sql.Identifier(table_name),
    )
    cur.execute(query, (item_id,))

``.format`` there is no string formatting: ``Identifier`` quotes a name, ``Literal`` a value,
and a ``Composed`` never takes a plain string as SQL. Only the text handed to ``sql.SQL``
itself becomes SQL as it is, so the composition is constant SQL when that text is constant
and every part handed to ``format`` is an ``Identifier``, ``Literal`` or ``Placeholder``, a
``sql.SQL`` of constant text (``.join``-ed or not), either of two such (``a if flag else
b``), or a local name each of whose assignments before the use is one. Anything else (``sql.SQL(
order_by)``, a value the analysis cannot follow) keeps the ``.format`` reported as built SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backendkit.project.symbols import External
from backendkit.summary.model import Attr, Call, Expr, IfExp, Name

if TYPE_CHECKING:
    from backendkit.rules.sqlstrings import SqlText

#: the modules of the composition classes
_MODULES = ("psycopg.sql", "psycopg2.sql")
#: the classes that quote what they are given
_QUOTING = frozenset({"Identifier", "Literal", "Placeholder"})
#: how many local assignments are followed from a part
_DEPTH = 4


def formatted(text: SqlText, call: Call, line: int) -> bool:
    """``call`` (read on ``line``) is ``"...".format(...)``: string formatting, not psycopg's
    composition of constant SQL with quoted parts (see the module doc)."""
    if not isinstance(call.func, Attr) or call.func.attr != "format":
        return False
    if not _constant_sql(text, call.func.value, line):
        return True
    parts = [*call.args, *(value for _key, value in call.kwargs)]
    return not all(_quoted(text, part, line, 0) for part in parts)


def _class(text: SqlText, call: Expr) -> str:
    """The name of the composition class ``call`` makes (``SQL``, ``Identifier``), or ""."""
    if not isinstance(call, Call) or not isinstance(call.func, Name):
        return ""
    found = text.index.lookup(call.func.dotted, text.ctx)
    if isinstance(found, External) and found.is_from(*_MODULES):
        return found.last
    return ""


def _constant_sql(text: SqlText, expr: Expr, line: int) -> bool:
    """``sql.SQL(<constant text>)``."""
    if not isinstance(expr, Call) or _class(text, expr) != "SQL" or len(expr.args) != 1:
        return False
    return text.constant(expr.args[0], line)


def _quoted(text: SqlText, expr: Expr, line: int, depth: int) -> bool:
    """A part of a composition that cannot add SQL of its own (see the module doc)."""
    if depth > _DEPTH:
        return False
    if isinstance(expr, IfExp):
        branches = (expr.body, expr.orelse)
        return all(_quoted(text, branch, line, depth + 1) for branch in branches)
    if isinstance(expr, Name):
        assigns = text.local(expr.dotted, line)
        return bool(assigns) and all(
            a.value is not None and _quoted(text, a.value, a.line, depth + 1) for a in assigns
        )
    return isinstance(expr, Call) and _quoting_call(text, expr, line)


def _quoting_call(text: SqlText, call: Call, line: int) -> bool:
    """``sql.Identifier(...)`` (``Literal``, ``Placeholder``), ``sql.SQL(<constant>)`` or its
    ``.join(...)``."""
    if _class(text, call) in _QUOTING or _constant_sql(text, call, line):
        return True
    joined = isinstance(call.func, Attr) and call.func.attr == "join"
    return joined and _constant_sql(text, call.func.value, line)  # type: ignore[union-attr]


__all__ = ["formatted"]
