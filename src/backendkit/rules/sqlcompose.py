"""psycopg's SQL composition (``psycopg.sql`` and ``psycopg2.sql``), which the psycopg
documentation recommends for names that cannot be bound parameters::

    query = sql.SQL("SELECT {fields} FROM {table} WHERE id = %s").format(
        fields=sql.SQL(", ").join(map(sql.Identifier, names)),
        table=sql.Identifier(table_name),
    )
    cur.execute(query, (item_id,))

``.format`` there is no string formatting: ``Identifier`` quotes a name, ``Literal`` a value,
and a ``Composed`` never takes a plain string as SQL. Only the text handed to ``sql.SQL``
itself becomes SQL as it is, so the composition is constant SQL when that text is constant
and every part handed to ``format`` is an ``Identifier``, ``Literal`` or ``Placeholder``, a
``sql.SQL`` of constant text or its ``.join`` of a list of such parts (or of ``map(
sql.Identifier, names)``; not of a generator, whose items are not seen), either of two such
(``a if flag else b``), or a local name each of whose assignments before the use is one.
Anything else (``sql.SQL(order_by)``, a value the analysis cannot follow) keeps the
``.format`` reported as built SQL.

A name quoted for SQL text by the driver or SQLAlchemy is constant text as well
(``quoted_identifier``): ``conn.dialect.identifier_preparer.quote_identifier(schema)``
(``quote``, ``quote_schema``, ``format_table``, ``format_column``; also through a local bound
to the preparer), psycopg2's ``quote_ident(name, cur)`` and ``sql.Identifier(name)
.as_string(conn)`` each escape the quote character, so the name cannot end the identifier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backendkit.project.symbols import External
from backendkit.rules.sqllists import is_placeholders
from backendkit.summary.model import Attr, Call, Expr, IfExp, Name, Seq

if TYPE_CHECKING:
    from backendkit.rules.sqlstrings import SqlText

#: the modules of the composition classes
_MODULES = ("psycopg.sql", "psycopg2.sql")
#: the classes that quote what they are given
_QUOTING = frozenset({"Identifier", "Literal", "Placeholder"})
#: how many local assignments are followed from a part
_DEPTH = 4
#: the methods of SQLAlchemy's identifier preparer that quote a name for SQL text
_PREPARER = frozenset(
    {"quote", "quote_identifier", "quote_schema", "format_table", "format_column"}
)


def formatted(text: SqlText, call: Call, line: int) -> bool:
    """``call`` (read on ``line``) is ``"...".format(...)``: string formatting, not psycopg's
    composition of constant SQL with quoted parts (see the module doc)."""
    if not isinstance(call.func, Attr) or call.func.attr != "format":
        return False
    if not _constant_sql(text, call.func.value, line):
        return True
    parts = [*call.args, *(value for _key, value in call.kwargs)]
    return not all(_quoted(text, part, line, 0) for part in parts)


def _class(text: SqlText, expr: Expr) -> str:
    """The name of the composition class the call ``expr`` makes (``SQL``, ``Identifier``),
    or ""."""
    return _composer(text, expr.func) if isinstance(expr, Call) else ""


def _composer(text: SqlText, callee: Expr) -> str:
    """The name of the composition class ``callee`` names (``sql.Identifier``), or ""."""
    found = text.index.lookup(callee.dotted, text.ctx) if isinstance(callee, Name) else None
    return found.last if isinstance(found, External) and found.is_from(*_MODULES) else ""


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
    return isinstance(expr, Call) and _quoting_call(text, expr, line, depth)


def _quoting_call(text: SqlText, call: Call, line: int, depth: int) -> bool:
    """``sql.Identifier(...)`` (``Literal``, ``Placeholder``), ``sql.SQL(<constant>)``, or its
    ``.join`` of quoted items (``_quoted_items``)."""
    if _class(text, call) in _QUOTING or _constant_sql(text, call, line):
        return True
    joined = isinstance(call.func, Attr) and call.func.attr == "join" and len(call.args) == 1
    if not joined or not _constant_sql(text, call.func.value, line):  # type: ignore[union-attr]
        return False
    return _quoted_items(text, call.args[0], line, depth)


def _quoted_items(text: SqlText, items: Expr, line: int, depth: int) -> bool:
    """A list or tuple of quoted parts, or ``map(sql.Identifier, names)``: ``sql.SQL(", ")
    .join(sql.SQL(c) for c in cols)`` runs each ``c`` as SQL, and the items of a generator are
    not seen, so it is none."""
    if isinstance(items, Call) and isinstance(items.func, Name) and items.func.dotted == "map":
        return bool(items.args) and _composer(text, items.args[0]) in _QUOTING
    return isinstance(items, Seq) and all(_quoted(text, i, line, depth + 1) for i in items.items)


def constant_call(text: SqlText, call: Call, line: int) -> bool:
    """``call`` (read on ``line``) makes constant SQL text: IN-list placeholders
    (``sqllists.is_placeholders``) or a quoted identifier (``quoted_identifier``)."""
    return is_placeholders(call) or quoted_identifier(text, call, line)


def quoted_identifier(text: SqlText, call: Call, line: int) -> bool:
    """``call`` (read on ``line``) quotes a name for SQL text, escaping the quote character:
    a method of SQLAlchemy's identifier preparer (``conn.dialect.identifier_preparer
    .quote_identifier(schema)``, or ``preparer.format_table(table)`` with a local ``preparer``
    bound to one), psycopg2's ``quote_ident(name, cur)``, or ``sql.Identifier(name)
    .as_string(conn)``."""
    if not isinstance(call.func, (Name, Attr)):
        return False
    if isinstance(call.func, Attr):
        return call.func.attr == "as_string" and _class(text, call.func.value) == "Identifier"
    receiver, _, method = call.func.dotted.rpartition(".")
    if method == "quote_ident":
        found = text.index.lookup(call.func.dotted, text.ctx)
        return isinstance(found, External) and found.is_from("psycopg2")
    return method in _PREPARER and _preparer(text, receiver, line)


def _preparer(text: SqlText, receiver: str, line: int) -> bool:
    """``receiver`` is an identifier preparer (``dialect.identifier_preparer``), or a local
    bound only to one."""
    if receiver.rpartition(".")[2] == "identifier_preparer":
        return True
    assigns = text.local(receiver, line)
    return bool(assigns) and all(
        isinstance(a.value, Name) and a.value.dotted.endswith(".identifier_preparer")
        for a in assigns
    )


__all__ = ["constant_call", "formatted", "quoted_identifier"]
