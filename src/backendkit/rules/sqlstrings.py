"""BK110: SQL text assembled from strings that reaches ``text()`` / ``execute()``.

A statement is *built* when text and a value that is not a constant are put together: an
f-string interpolating a non-constant, ``"..." % value``, ``"...".format(...)``, or a ``+``
chain mixing literal parts (literals, locals bound only to literals) with a non-literal part
(``base + " ORDER BY " + order``). Locals are followed through their assignments before the
use, including ``sql = sql + ...`` and ``q += ...``.

Constants are not data: literals, module-level UPPER_CASE names bound to a string,
``Model.__tablename__``, and IN-list placeholders (``", ".join(f":id{i}" for i in
range(n))``: the collector marks a comprehension whose elements only interpolate loop indexes
as ``Unknown("Placeholders")``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from backendkit.findings import Finding
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.localflow import assigned_before
from backendkit.summary.model import (
    Assign,
    Attr,
    BinOp,
    Call,
    Const,
    Expr,
    FString,
    Name,
    Scope,
    Seq,
    Unknown,
)

SQL_SINKS = {"text", "execute", "executemany", "exec_driver_sql", "executescript", "raw"}
MAX_DEPTH = 6
_CONSTANT_NAME = re.compile(r"^_?[A-Z][A-Z0-9_]*$")
_TABLE_NAME = ("__tablename__", "__table__.name")


def _chain(expr: Expr) -> list[Expr]:
    """The operands of a ``+`` chain (``a + b + c``), left to right."""
    if isinstance(expr, BinOp) and expr.op == "Add":
        return _chain(expr.left) + _chain(expr.right)
    return [expr]


def _bindings(scope: Scope, name: str, line: int) -> list[Assign]:
    """Assignments and augmented assignments of local ``name`` on or before ``line``."""
    augmented = [a for a in scope.aug_assigns.get(name, ()) if a.line <= line]
    return sorted(assigned_before(scope, name, line) + augmented, key=lambda a: a.line)


def _parts(expr: Expr) -> tuple[Expr, ...] | None:
    """The parts text is made of: f-string pieces, sequence items, ``+`` / ``%`` operands."""
    if isinstance(expr, FString):
        return expr.parts
    if isinstance(expr, Seq):
        return expr.items
    if isinstance(expr, BinOp) and expr.op in ("Add", "Modulo"):
        return (expr.left, expr.right)
    return None


def _is_placeholders(call: Call) -> bool:
    """``", ".join(f":id{i}" for i in range(n))`` or ``",".join(["?"] * len(ids))``."""
    func = call.func
    if not (isinstance(func, Attr) and func.attr == "join" and isinstance(func.value, Const)):
        return False
    if len(call.args) != 1:
        return False
    arg = call.args[0]
    if isinstance(arg, Unknown):
        return arg.kind == "Placeholders"
    return (
        isinstance(arg, BinOp)
        and arg.op == "Multiply"
        and isinstance(arg.left, Seq)
        and all(isinstance(i, Const) for i in arg.left.items)
    )


class SqlText:
    """Tells constant SQL text from built text, following the locals of one scope."""

    def __init__(self, index: ProjectIndex, where: Ctx) -> None:
        self.index = index
        self.ctx = where
        self.scope = where.scopes[-1] if where.owners[-1] is not None else None

    def constant(self, expr: Expr | None, line: int, depth: int = 0) -> bool:
        """A literal, or text made only of literals and constants (see the module doc)."""
        if expr is None or depth > MAX_DEPTH:
            return False
        if isinstance(expr, Const):
            return True
        parts = _parts(expr)
        if parts is not None:
            return all(self.constant(p, line, depth + 1) for p in parts)
        if isinstance(expr, Call):
            return _is_placeholders(expr)
        if isinstance(expr, Attr):
            return expr.attr == "__tablename__"
        return isinstance(expr, Name) and self._constant_name(expr.dotted, line, depth)

    def _constant_name(self, dotted: str, line: int, depth: int) -> bool:
        if dotted.endswith(_TABLE_NAME):
            return True
        bindings = self._local(dotted, line)
        if bindings:
            return all(self.constant(a.value, a.line - 1, depth + 1) for a in bindings)
        if not _CONSTANT_NAME.match(dotted.rpartition(".")[2]):
            return False
        return isinstance(self.index.value(Name(dotted), self.ctx), str)

    def _local(self, dotted: str, line: int) -> list[Assign]:
        if self.scope is None or "." in dotted:
            return []
        return _bindings(self.scope, dotted, line)

    def built(self, expr: Expr | None, line: int, depth: int = 0) -> int | None:
        """None when ``expr`` is not built SQL; 0 when it is built in place; else the line of
        the local variable binding where it was built."""
        if expr is None or depth > MAX_DEPTH:
            return None
        if isinstance(expr, FString):
            return None if self.constant(expr, line, depth) else 0
        if isinstance(expr, BinOp):
            return self._built_binop(expr, line, depth)
        if isinstance(expr, Call):
            return 0 if isinstance(expr.func, Attr) and expr.func.attr == "format" else None
        return self._built_name(expr, line, depth) if isinstance(expr, Name) else None

    def _built_name(self, expr: Name, line: int, depth: int) -> int | None:
        """The line of the first assignment before ``line`` that built the local ``expr``."""
        for assign in self._local(expr.dotted, line):
            if self.built(assign.value, assign.line - 1, depth + 1) is not None:
                return assign.line
        return None

    def _built_binop(self, expr: BinOp, line: int, depth: int) -> int | None:
        if expr.op == "Modulo":
            return self._built_modulo(expr, line, depth)
        return self._built_chain(_chain(expr), line, depth) if expr.op == "Add" else None

    def _built_modulo(self, expr: BinOp, line: int, depth: int) -> int | None:
        """``"... %s" % value``: a literal format with a non-constant value."""
        left = self.built(expr.left, line, depth + 1)
        if left is not None:
            return left
        literal = self.constant(expr.left, line, depth + 1)
        return 0 if literal and not self.constant(expr.right, line, depth + 1) else None

    def _built_chain(self, parts: list[Expr], line: int, depth: int) -> int | None:
        """A ``+`` chain with a built part, or with both a literal and a non-literal part."""
        for part in parts:
            found = self.built(part, line, depth + 1)
            if found is not None:
                return found
        constant = [self.constant(part, line, depth + 1) for part in parts]
        return 0 if any(constant) and not all(constant) else None


class SqlStringRule(ProjectRule):
    """BK110: SQL text assembled from strings reaching ``text()``/``execute()``."""

    code = "BK110"
    cost = 1
    VALID = (
        Example(
            "from sqlalchemy import text\n\n\ndef find(session: object, name: str) -> object:\n"
            "    return session.execute(text('SELECT * FROM users WHERE name = :n'), {'n': name})\n"
            "\n\ndef page(session: object, name: str) -> object:\n"
            "    q = 'SELECT * FROM users WHERE name = :n'\n    q += ' ORDER BY name'\n"
            "    return session.execute(text(q), {'n': name})\n"
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/repo.py": """\
from sqlalchemy import text
from sqlmodel import Field, SQLModel

TABLE = "items"


class Item(SQLModel, table=True):
    id: int = Field(primary_key=True)


def count(session) -> object:
    return session.execute(text(f"SELECT count(*) FROM {Item.__tablename__}"))


def names(session) -> object:
    return session.execute(text(f"SELECT name FROM {TABLE} ORDER BY name"))


def by_ids(session, ids: list[int]) -> object:
    placeholders = ", ".join(f":id{i}" for i in range(len(ids)))
    params = {f"id{i}": value for i, value in enumerate(ids)}
    return session.execute(text(f"SELECT * FROM items WHERE id IN ({placeholders})"), params)
""",
            }
        ),
    )
    INVALID = (
        Example(
            "from sqlalchemy import text\n\n\ndef find(session: object, name: str) -> object:\n"
            "    return session.execute(text(f\"SELECT * FROM users WHERE name = '{name}'\"))  "
            "# expect: BK110\n\n\ndef old(cursor: object, uid: str) -> None:\n"
            "    cursor.execute('DELETE FROM users WHERE id = %s' % uid)  # expect: BK110\n\n\n"
            "def search(session: object, name: str, active: bool) -> object:\n"
            "    q = 'SELECT * FROM users WHERE 1 = 1'\n    if active:\n"
            "        q += f\" AND name = '{name}'\"\n"
            "    return session.execute(text(q))  # expect: BK110\n\n\n"
            "def count(session: object, table: str) -> object:\n"
            "    base = 'SELECT count(*) FROM '\n    sql = base + table\n"
            "    stmt = text(sql)  # expect: BK110\n    return session.execute(stmt)\n"
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/repo.py": """\
from sqlalchemy import text


def ordered(session, order: str) -> object:
    base = "SELECT * FROM items"
    sql = base + " ORDER BY " + order
    return session.execute(text(sql))  # expect: BK110


def inline(session, order: str) -> object:
    base = "SELECT * FROM items"
    return session.execute(text(base + " ORDER BY " + order))  # expect: BK110


def grown(session, order: str) -> object:
    sql = "SELECT * FROM items"
    sql = sql + " ORDER BY " + order
    return session.execute(text(sql))  # expect: BK110


def quoted(session, values: list[str]) -> object:
    listed = ", ".join(f"'{v}'" for v in values)
    return session.execute(text(f"SELECT * FROM items WHERE name IN ({listed})"))  # expect: BK110
""",
            }
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Calls to SQL sinks whose statement is built from strings, in the call or in a local
        variable of the same function before it."""
        for site, where in ctx.index.call_sites():
            func = site.call.func
            if not isinstance(func, Name) or func.dotted.rpartition(".")[2] not in SQL_SINKS:
                continue
            built = SqlText(ctx.index, where).built(site.call.arg(0, "statement"), site.line)
            if built is None:
                continue
            how = f" (through the variable built on line {built})" if built else ""
            yield self.finding(
                where.module.path,
                site.line,
                f"SQL built from strings reaches {func.dotted}(){how}: values in the text can "
                "inject SQL; use bound parameters (text('... :name'), {'name': value}) or "
                "the query builder",
            )
