"""BK110: SQL text assembled from strings that reaches ``text()`` / ``execute()``.

A statement is *built* when text and a value that is not a constant are put together: an
f-string interpolating a non-constant, ``"..." % value``, ``"...".format(...)``, or a ``+``
chain mixing literal parts (literals, locals bound only to literals) with a non-literal part
(``base + " ORDER BY " + order``). Locals are followed through their assignments before the
use, including ``sql = sql + ...`` and ``q += ...``. Constants appended to a query builder's
output (``sql + " RETURNING id"``) build nothing; to a parameter (``f"{sort} DESC"``), a value.

Constants are not data: literals, module-level UPPER_CASE settings (``sqlsettings.py``),
``Model.__tablename__``, arithmetic and ``len()`` of constants, IN-list placeholders
(``", ".join(f":id{i}" for i in range(n))``: the collector marks a comprehension whose
elements only interpolate loop indexes as ``Unknown("Placeholders")``), loop counters
(``for i, tag in enumerate(tags)``: ``i``, in a comprehension too; ``sqllists.is_counter``),
``" AND ".join(clauses)`` of a local list that only ever receives literals
(``SqlText._literal_list``; the list's flow is in ``sqllists.py``), ``json.dumps`` of constants.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from backendkit.findings import Finding
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx, External, VarSym
from backendkit.project.text import expr_text
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.localflow import bindings_before
from backendkit.rules.numbers import Numbers, is_numeric_builtin
from backendkit.rules.querytypes import is_migration_script
from backendkit.rules.sqlcompose import constant_call, formatted
from backendkit.rules.sqllists import (
    added_items,
    comprehension_targets,
    escapes,
    is_counter,
    is_literal_join,
)
from backendkit.rules.sqlsettings import CONSTANT_NAME, operator_setting
from backendkit.rules.support import call_sites
from backendkit.summary.model import (
    Assign,
    Attr,
    BinOp,
    Call,
    Const,
    DictExpr,
    Expr,
    FString,
    IfExp,
    LoopItem,
    Name,
    Scope,
    Seq,
    Subscript,
)

SQL_SINKS = {"text", "execute", "executemany", "exec_driver_sql", "executescript", "raw"}
MAX_DEPTH = 8  # a join of a list of f-strings of a loop variable over a constant: 8 deep
_TABLE_NAME = ("__tablename__", "__table__.name")
#: operators whose result is text or a number made of their operands only
_ARITHMETIC = frozenset({"Add", "Modulo", "Subtract", "Multiply", "FloorDivide", "Divide"})
#: builtins whose result from a constant is a constant (``len(PREFIX) + 1``)
_PURE = frozenset({"len", "str", "int", "float", "abs"})
#: names in a callee that read a value (a request's input, a mapping's item) or keep it
_VALUE_READS = {"query_params", "path_params", "headers", "cookies", "form", "json", "body"}
_VALUE_READS |= {"get", "getlist", "pop", "strip", "lower", "upper", "replace", "format"}


def _chain(expr: Expr) -> list[Expr]:
    """The operands of a ``+`` chain (``a + b + c``), left to right."""
    if isinstance(expr, BinOp) and expr.op == "Add":
        return _chain(expr.left) + _chain(expr.right)
    return [expr]


def _parts(expr: Expr) -> tuple[Expr, ...] | None:
    """The parts text is made of: f-string pieces, sequence items, ``+`` / ``%`` operands, the
    two branches of ``a if c else b`` (either may be the text)."""
    if isinstance(expr, FString):
        return expr.parts
    if isinstance(expr, IfExp):
        return (expr.body, expr.orelse)
    if isinstance(expr, Seq):
        return expr.items
    if isinstance(expr, DictExpr):  # a ``**`` spread has no key: None is not constant
        return tuple(part for item in expr.items for part in item)  # type: ignore[misc]
    if isinstance(expr, BinOp) and expr.op in _ARITHMETIC:
        return (expr.left, expr.right)
    return _pure_argument(expr)


def _pure_argument(expr: Expr) -> tuple[Expr, ...] | None:
    """The argument of ``len(x)``, ``str(x)``, ``int(x)``...: constant when ``x`` is."""
    if not isinstance(expr, Call) or len(expr.args) != 1 or expr.kwargs:
        return None
    return expr.args if isinstance(expr.func, Name) and expr.func.dotted in _PURE else None


def _chain_of(expr: Expr | None) -> list[Expr | None]:
    """``_chain`` that keeps an absent value as ``None``."""
    return [None] if expr is None else list(_chain(expr))


class SqlText:
    """Tells constant SQL text from built text, following the locals of one scope."""

    def __init__(self, index: ProjectIndex, where: Ctx) -> None:
        self.index = index
        self.ctx = where
        self.numbers = Numbers(index)
        self.scope = where.scopes[-1] if where.owners[-1] is not None else None

    def constant(self, expr: Expr | None, line: int, depth: int = 0) -> bool:
        """A literal, or text made only of literals and constants (see the module doc)."""
        if expr is None or depth > MAX_DEPTH:
            return False
        if isinstance(expr, Const) or is_numeric_builtin(expr):
            return True
        parts = _parts(expr)
        if parts is not None:
            return all(self.constant(p, line, depth + 1) for p in parts)
        return self._constant_leaf(expr, line, depth)

    def _constant_leaf(self, expr: Expr, line: int, depth: int) -> bool:
        """A call, attribute or name that is constant text (placeholders, a literal join,
        ``__tablename__``, a constant name)."""
        if isinstance(expr, Call):
            return (
                constant_call(self, expr, line)
                or self._literal_join(expr, line, depth)
                or self._dumped(expr, self.ctx, line, depth)
                or self.numbers.numeric_call(expr, self.ctx)
            )
        if isinstance(expr, Attr):
            return expr.attr == "__tablename__"
        if isinstance(expr, Subscript):  # ``a, b = f()`` with ``f() -> tuple[int, int]``
            return self.numbers.numeric_item(expr, self.ctx)
        if isinstance(expr, LoopItem):
            return is_counter(expr) or self.constant_items(expr.iterable, expr.loop, depth + 1)
        return isinstance(expr, Name) and self._constant_name(expr.dotted, line, depth)

    def constant_items(self, expr: Expr | None, line: int, depth: int = 0) -> bool:
        """A sequence of constants, fixed in the code: a display of literals, a local list
        that only ever holds literals, or a module-level UPPER_CASE tuple or list of strings
        and numbers (``for table in TABLES``): the variable of a loop over it is a constant."""
        if self._literal_items(expr, line, depth):
            return True
        if not isinstance(expr, Name) or not CONSTANT_NAME.match(expr.dotted.rpartition(".")[2]):
            return False
        value = self.index.value(expr, self.ctx)
        return isinstance(value, (tuple, list)) and all(
            isinstance(v, (str, int, float)) for v in value
        )

    def _constant_name(self, dotted: str, line: int, depth: int) -> bool:
        """``Model.__tablename__``, a local bound only to constants, or a module-level
        UPPER_CASE name whose value is a string or a number."""
        if dotted.endswith(_TABLE_NAME):
            return True
        bindings = self.local(dotted, line) or comprehension_targets(self.ctx.scopes, dotted)
        if bindings:
            return all(self.constant(a.value, a.line - 1, depth + 1) for a in bindings)
        if not CONSTANT_NAME.match(dotted.rpartition(".")[2]):
            return False
        if operator_setting(self.index, dotted, self.ctx):  # a literal, or the environment's
            return True
        found = self.index.lookup(dotted, self.ctx)
        if not isinstance(found, VarSym) or not isinstance(found.assign.value, Call):
            return False
        return self._dumped(found.assign.value, found.ctx, line, depth)

    def _dumped(self, call: Call, ctx: Ctx, line: int, depth: int) -> bool:
        """``json.dumps({"strategy": "overlap"})``: the JSON text of constant data."""
        callee = self.index.lookup(call.func.dotted, ctx) if isinstance(call.func, Name) else None
        if not isinstance(callee, External) or callee.qualname != "json.dumps" or not call.args:
            return False
        return all(
            self.constant(arg, line, depth + 1) for arg in (*call.args, *dict(call.kwargs).values())
        )

    def _literal_join(self, call: Call, line: int, depth: int) -> bool:
        """``" AND ".join(items)`` of a display of literals or of a literal local list."""
        func = call.func
        if not is_literal_join(func):
            return False
        return len(call.args) == 1 and self._literal_items(call.args[0], line, depth + 1)

    def _literal_items(self, expr: Expr | None, line: int, depth: int) -> bool:
        """A list display of literals, or a local list that only ever holds literals."""
        if isinstance(expr, Name) and "." not in expr.dotted:
            return self._literal_list(expr.dotted, line, depth)
        return isinstance(expr, Seq) and self.constant(expr, line, depth)

    def _literal_list(self, name: str, line: int, depth: int) -> bool:
        """Local ``name`` is bound (``=``, ``+=``) only to lists of literals before ``line``, and
        every call in the function adds literals to it (see ``_receives_literals``)."""
        scope = self.scope
        if scope is None or depth > MAX_DEPTH or name in scope.params:
            return False
        bindings = bindings_before(scope, name, line)
        parts = [(p, a.line - 1) for a in bindings for p in _chain_of(a.value) if p != Name(name)]
        return (
            bool(bindings)
            and all(self._literal_items(p, at, depth + 1) for p, at in parts)
            and self._receives_literals(scope, name, depth)
        )

    def _receives_literals(self, scope: Scope, name: str, depth: int) -> bool:
        """Every call on list ``name`` in the function (on any line: loops repeat) adds
        literals, and the list is never aliased, set by index, handed to another call or used
        in a nested function."""
        if name in scope.item_assigns or escapes(scope, name):
            return False
        for site in scope.calls:
            added = added_items(site.call, name)
            if added is None:
                return False
            if not all(self._literal_items(item, site.line, depth + 1) for item in added):
                return False
        return True

    def local(self, dotted: str, line: int) -> list[Assign]:
        """The assignments of the local ``dotted`` that may hold on ``line``."""
        if self.scope is None or "." in dotted:
            return []
        return bindings_before(self.scope, dotted, line)

    def built(self, expr: Expr | None, line: int, depth: int = 0) -> int | None:
        """None when ``expr`` is not built SQL; 0 when it is built in place; else the line of
        the local variable binding where it was built."""
        if expr is None or depth > MAX_DEPTH:
            return None
        if isinstance(expr, FString):
            return self._built_fstring(expr, line, depth)
        if isinstance(expr, BinOp):
            return self._built_binop(expr, line, depth)
        if isinstance(expr, Call):
            return 0 if formatted(self, expr, line) else None
        return self._built_name(expr, line, depth) if isinstance(expr, Name) else None

    def _built_name(self, expr: Name, line: int, depth: int) -> int | None:
        """The line of the first assignment before ``line`` that built the local ``expr``."""
        for assign in self.local(expr.dotted, line):
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

    def _built_fstring(self, expr: FString, line: int, depth: int) -> int | None:
        """An f-string interpolating a non-constant, unless only its head is (``_suffixed``)."""
        constant = [self.constant(part, line, depth + 1) for part in expr.parts]
        if all(constant):
            return None
        return self._built_head(expr.parts[0], line, depth) if _suffixed(constant) else 0

    def _built_chain(self, parts: list[Expr], line: int, depth: int) -> int | None:
        """A ``+`` chain with a built part, or with both a literal and a non-literal part
        other than its head (``_suffixed``)."""
        for part in parts:
            found = self.built(part, line, depth + 1)
            if found is not None:
                return found
        constant = [self.constant(part, line, depth + 1) for part in parts]
        if _suffixed(constant):
            return self._built_head(parts[0], line, depth)
        return 0 if any(constant) and not all(constant) else None

    def _built_head(self, head: Expr, line: int, depth: int) -> int | None:
        """Constants appended to a non-constant ``head``: built where the head was, not built
        when it is a query builder's output, else (a parameter, a request value) built here."""
        found = self.built(head, line, depth + 1)
        if found is not None:
            return found
        return None if self._builder_output(head, line, depth + 1) else 0

    def _builder_output(self, head: Expr, line: int, depth: int) -> bool:
        """``head`` is a local (not a parameter) bound before ``line`` only to calls that do
        not read a value (``sql, params = build(q)``), or to such a local with constants
        appended (``sql += " LIMIT 1"``)."""
        scope = self.scope
        if not isinstance(head, Name) or scope is None or head.dotted in scope.params:
            return False
        bindings = self.local(head.dotted, line) if depth <= MAX_DEPTH else []
        return bool(bindings) and all(self._builds(a.value, a.line - 1, depth) for a in bindings)

    def _builds(self, value: Expr | None, line: int, depth: int) -> bool:
        """One binding of a builder-output local (see ``_builder_output``)."""
        if isinstance(value, Subscript):  # ``a, b = f()``: ``a`` is ``f()[0]``
            value = value.value
        if isinstance(value, Call) and value.func == Name("str") and len(value.args) == 1:
            return self._builds(value.args[0], line, depth + 1)  # ``str(query.compile())``
        if isinstance(value, Call):
            return not _VALUE_READS.intersection(re.split(r"\W+", expr_text(value.func)))
        parts = _chain(value) if isinstance(value, BinOp) else list(getattr(value, "parts", ()))
        if len(parts) < 2 or not all(self.constant(p, line, depth + 1) for p in parts[1:]):
            return False
        return self._builder_output(parts[0], line, depth + 1)


def _suffixed(constant: list[bool]) -> bool:
    """Constants appended to a statement whose head is not a constant (``sql + " RETURNING
    id"``, ``f"{sql} LIMIT 1"``): when ``sql`` is a query builder's output they put no value
    into the text, which is built only if that head was (``SqlText._built_head``)."""
    return len(constant) > 1 and not constant[0] and all(constant[1:])


class SqlStringRule(ProjectRule):
    """BK110: SQL text assembled from strings reaching ``text()``/``execute()``."""

    code = "BK110"
    links = False  # reads the index only: runs while the project is linked
    cost = 1
    focusable = True  # reported at the SQL sink's call
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
import json

from sqlalchemy import text
from sqlmodel import Field, SQLModel

TABLE = "items"
DEFAULT_TAGS = json.dumps({"tags": ["new"], "pinned": False})


class Item(SQLModel, table=True):
    id: int = Field(primary_key=True)


def count(session) -> object:
    return session.execute(text(f"SELECT count(*) FROM {Item.__tablename__}"))


def strip(session, query: object) -> object:
    session.execute(text(f"UPDATE items SET name = SUBSTR(name, {len(TABLE) + 1})"))
    statement = str(query.compile())
    return session.execute(text(statement + " RETURNING id"))


def names(session) -> object:
    session.execute(text(f"UPDATE items SET tags = '{DEFAULT_TAGS}' WHERE tags IS NULL"))
    return session.execute(text(f"SELECT name FROM {TABLE} ORDER BY name"))


def search(session, name: str | None, email: str | None) -> object:
    clauses: list[str] = []
    params: dict[str, str] = {}
    if name:
        clauses.append("name = :name")
        params["name"] = name
    if email:
        clauses.append("email = :email")
        params["email"] = email
    sql = "SELECT * FROM items"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return session.execute(text(sql), params)


def by_ids(session, ids: list[int]) -> object:
    placeholders = ", ".join(f":id{i}" for i in range(len(ids)))
    params = {f"id{i}": value for i, value in enumerate(ids)}
    return session.execute(text(f"SELECT * FROM items WHERE id IN ({placeholders})"), params)
""",
            }
        ),
        Example(
            "import hashlib\n\nfrom sqlalchemy import text\n\n\n"
            "def lock_id(name: str) -> int:\n"
            "    return int(hashlib.sha256(name.encode()).hexdigest(), 16) % (2**63)\n\n\n"
            "def lock(connection: object) -> None:\n    key = lock_id('my-api')\n"
            "    connection.execute(text(f'SELECT pg_advisory_lock({key})'))\n",
            note="a number from a project function annotated -> int",
        ),
        Example(
            "from typing import Tuple\n\nfrom sqlalchemy import text\n\n\n"
            "def timeouts_ms() -> Tuple[int, int]:\n    return 5000, 10000\n\n\n"
            "def limits() -> tuple[int, ...]:\n    return 10, 20, 30\n\n\n"
            "def configure(session: object) -> None:\n    lock_ms, statement_ms = timeouts_ms()\n"
            "    for parameter, value_ms in (('lock_timeout', lock_ms), "
            "('statement_timeout', statement_ms)):\n"
            "        session.execute(text(f\"SET LOCAL {parameter} = '{value_ms}ms'\"))\n"
            "    low, _, high = limits()\n"
            "    session.execute(text(f'SELECT * FROM items LIMIT {high} OFFSET {low}'))\n",
            note="numbers unpacked from a project function annotated -> tuple[int, ...]",
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
    session.query(object).order_by(text(f"{order} DESC"))  # expect: BK110
    return session.execute(text(base + " ORDER BY " + order))  # expect: BK110


def grown(session, order: str) -> object:
    sql = "SELECT * FROM items"
    sql = sql + " ORDER BY " + order
    return session.execute(text(sql))  # expect: BK110


def filtered(session, columns: list[str]) -> object:
    clauses = []
    for column in columns:
        clauses.append(f"{column} = :{column}")
    sql = "SELECT * FROM items WHERE " + " AND ".join(clauses)
    return session.execute(text(sql))  # expect: BK110


def quoted(session, values: list[str]) -> object:
    listed = ", ".join(f"'{v}'" for v in values)
    return session.execute(text(f"SELECT * FROM items WHERE name IN ({listed})"))  # expect: BK110


def split(name: str) -> tuple[str, int]:
    return name, len(name)


def by_name(session, raw: str) -> object:
    name, size = split(raw)
    return session.execute(text(f"SELECT * FROM t WHERE n='{name}' LIMIT {size}"))  # expect: BK110
""",
            }
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Calls to SQL sinks whose statement is built from strings, in the call or in a local
        variable of the same function before it."""
        for site, where in call_sites(ctx.index):
            func = site.call.func
            if not isinstance(func, Name) or func.dotted.rpartition(".")[2] not in SQL_SINKS:
                continue
            if is_migration_script(where.module):
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
