"""Loops whose queries do not grow with the data, for BK304 (query-in-loop).

- A **fixed** loop runs over a sequence written in the code (``for t in ["a", "b"]``, a
  local list of literals, an UPPER_CASE module tuple of constants), or over a module-level
  UPPER_CASE display of any items, a dict's ``.items()`` too (``fixed_size``).
- A **repeat** loop runs the same statement again: ``for attempt in range(bound)`` (no
  step), the bound being a static int of at most
  ``MAX_REPEAT`` or a name that counts retries or attempts (``max_retries``), not a
  ``len(...)``, or over a retrying iterator (tenacity's ``for attempt in Retrying(...)``,
  a call named for retries), whose variable does not reach the query: a retry around one
  statement.
- A **paging** loop is a ``while`` loop whose query reads a page of rows: it holds a
  ``.limit(n)`` (``n`` not a literal 0 or 1) or SQL text with ``LIMIT n`` / ``LIMIT :size``
  (keyset or offset pagination, ``while True: rows = ...limit(500)...; if not rows: break``),
  also through a local statement it refines (``stmt.where(X.id > last)``) or one a project
  function returns (``query = _page_query(BATCH)`` where it returns ``select(...).limit(n)``).
- A **periodic** loop is a ``while`` loop that sleeps in its own body (``await
  asyncio.sleep(interval)``, not in a loop nested in it): a heartbeat or a poller runs one
  query per tick.
- A **batch** loop runs one ``IN (...)`` query per chunk of ids: it iterates over chunks (a
  stepped ``range(0, len(ids), STEP)``, a call or a name whose last word is ``batch``,
  ``chunk``, ``batches``, ``chunks``, ``batched`` or ``chunked``: ``itertools.batched(ids,
  1000)``, ``for key_batch in ...``; not ``batch_jobs``; or a comprehension of slices, ``[ids[i
  : i + n] for i in range(0, len(ids), n)]``) and the query holds an ``.in_(...)``
  (``tuple_(...).in_(...)``, ``not_in``, a Mongo ``{"$in": ...}``), or writes the chunk's
  rows at once (``insert(X).values(rows)``, ``executemany(sql, rows)``, pymongo's
  ``insert_many``, ``bulk_insert_mappings``), while the loop variable reaches the query only
  inside it. In a loop whose iterable cuts chunks (a stepped ``range``, a call named for
  batches or chunks; not a plain list of text ``chunks``), SQL text matching a set given as a
  parameter (``execute("DELETE ... WHERE id = ANY($1)", ids[i : i + CHUNK])``; not ``IN
  ('a', 'b')``) is such a query too, and so is ``execute(insert(X), batch)`` of SQLAlchemy
  Core handed the loop's variable or a slice of rows (one ``executemany`` of the chunk).

How the loop variable reaches the query is followed through the function's local names
(``chunk = ...``, ``stmt = select(...).where(...)``), flow-insensitively. Comparisons are not
modelled as expressions (``X.id == key``); the function's ``==`` / ``!=`` records stand in for
them: a name derived from the loop variable that is compared anywhere in the function is
taken to reach a query holding a comparison.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property

from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx, FuncSym, VarSym
from backendkit.rules.sqlsettings import CONSTANT_NAME
from backendkit.summary.model import (
    Assign,
    Attr,
    Call,
    Const,
    DictExpr,
    Expr,
    FString,
    Lambda,
    LoopItem,
    Name,
    Scope,
    Seq,
    Subscript,
    Unknown,
)
from backendkit.summary.subexprs import sub_expressions

MAX_REPEAT = 100
MAX_ROUNDS = 12  # derivation rounds through local names
NONE, BATCH, ITEM = 0, 1, 2  # how a loop variable reaches an expression
_BATCH_METHODS = frozenset({"in_", "not_in", "notin_"})
_BATCH_KEYS = frozenset({"$in", "$nin"})
_MANY_ROWS = frozenset({"executemany", "insert_many", "bulk_insert_mappings", "bulk_save_objects"})
_BATCH_WORDS = frozenset({"batch", "batches", "batched", "chunk", "chunks", "chunked"})
_RETRY_WORDS = ("retr", "attempt", "tries")
_VIEWS = frozenset({"items", "keys", "values"})
_SQL_LIMIT = re.compile(r"\blimit\s+(\d+|:\w+|%s|%\(\w+\)s|\?|\$\d+)", re.IGNORECASE)
#: SQL text matching a set of values given as a parameter: ``= ANY($1)``, ``IN (:ids)``,
#: ``IN %s``, ``IN ({placeholders})`` (an f-string's placeholder reads as ``{}``); not ``IN
#: ('a', 'b')``, a set written in the SQL
_PLACEHOLDER = r"(\$\d+|:\w+|%s|%\(\w+\)s|\?|\{\})"
_SQL_SET = re.compile(
    rf"(=\s*any\s*\(\s*{_PLACEHOLDER}|\bin\s*\(\s*{_PLACEHOLDER}|\bin\s+{_PLACEHOLDER})",
    re.IGNORECASE,
)
_SQL_RUNS = frozenset({"execute", "exec_driver_sql", "fetch", "fetchrow", "fetchval"})


def fixed_size(index: ProjectIndex, iterable: Expr, ctx: Ctx) -> bool:
    """A module-level UPPER_CASE name bound once to a display (a tuple, list, set or dict,
    whatever its items: ``ENUM_COLUMNS = {Span.kind}``), or its ``.items()``, ``.keys()`` or
    ``.values()``: a loop over it runs as many rounds as the code writes."""
    iterable = _viewed(iterable)
    named = iterable.dotted.rpartition(".")[2] if isinstance(iterable, Name) else ""
    if not CONSTANT_NAME.match(named):
        return False
    found = index.lookup(iterable.dotted, ctx)
    if not isinstance(found, VarSym) or len(found.ctx.scopes) != 1:
        return False
    once = len(found.ctx.scopes[0].assigns.get(found.name, ())) == 1
    return once and isinstance(found.assign.value, (Seq, DictExpr))


def _viewed(iterable: Expr) -> Expr:
    """``D`` for ``D.items()``, ``D.keys()`` and ``D.values()``; else ``iterable``."""
    if isinstance(iterable, Call) and isinstance(iterable.func, Name) and not iterable.args:
        head, _, method = iterable.func.dotted.rpartition(".")
        return Name(head) if head and method in _VIEWS else iterable
    return iterable


def loop_iterables(scope: Scope, loop: int) -> list[Expr]:
    """The iterables of a loop: a ``for`` loop's, or each ``for`` of a comprehension (none
    for a ``while`` body)."""
    if loop > 0:
        found = scope.loops.get(loop)
        return [] if found is None else [found]
    items = {_item_of(a) for binds in scope.comp_binds.values() for a in binds}
    return [item.iterable for item in items if item is not None and item.loop == loop]


def _item_of(assign: Assign) -> LoopItem | None:
    return assign.value if isinstance(assign.value, LoopItem) else None


def loop_targets(scope: Scope, loop: int) -> set[str]:
    """The names a loop binds per iteration."""
    binds = (*scope.assigns.items(), *scope.comp_binds.items())
    return {
        name
        for name, assigns in binds
        for assign in assigns
        if (item := _item_of(assign)) is not None and item.loop == loop
    }


class LoopQuery:
    """One query call and one loop around it, in a function ``scope`` evaluated in ``ctx``."""

    def __init__(self, index: ProjectIndex, scope: Scope, ctx: Ctx, query: Call, loop: int):
        self.index, self.scope, self.ctx, self.query = index, scope, ctx, query
        self.loop = loop
        self.iterables = loop_iterables(scope, loop)
        self.targets = loop_targets(scope, loop)
        self.levels = self._derived()

    def exempt(self) -> bool:
        """A repeat, batch or paging loop (see the module docstring)."""
        if self._paged() or self._ticks():
            return True
        if not self.iterables or not self.targets:
            return False
        reach = self.reach(self.query)
        if reach == NONE and all(self._repeats(it) for it in self.iterables):
            return True
        return reach <= BATCH and self._chunked() and self._batch_query()

    def _batch_query(self) -> bool:
        """The query takes a chunk's values at once (``.in_(...)``, ``= ANY($1)``, ...)."""
        return self._holds(self.query, _is_batch) or self._sets(self.query)

    # -- how the loop variable reaches an expression ---------------------------------------

    def _derived(self) -> dict[str, int]:
        """Each local name's level: the loop's targets are items; a name assigned from an
        expression the loop variable reaches gets that expression's level."""
        levels = dict.fromkeys(self.targets, ITEM)
        for _ in range(MAX_ROUNDS):
            changed = False
            for name, assigns in self.scope.assigns.items():
                if name in self.targets:
                    continue
                level = max((self.reach(a.value, levels) for a in assigns), default=NONE)
                if level > levels.get(name, NONE):
                    levels[name], changed = level, True
            if not changed:
                break
        return levels

    def reach(self, expr: Expr | None, levels: dict[str, int] | None = None) -> int:
        """ITEM when the loop variable reaches ``expr`` outside a batch (``.in_(...)``),
        BATCH when only inside one, NONE when not at all."""
        levels = self.levels if levels is None else levels
        if isinstance(expr, Name):
            return levels.get(expr.dotted.partition(".")[0], NONE)
        if isinstance(expr, Unknown):
            return self._compared(levels) if expr.kind == "Comparison" else NONE
        if isinstance(expr, (Call, DictExpr)):
            return self._batch_reach(expr, levels)
        if expr is None:
            return NONE
        return max((self.reach(part, levels) for part in _parts(expr)), default=NONE)

    def _batch_reach(self, expr: Call | DictExpr, levels: dict[str, int]) -> int:
        """A call or dict, where ``.in_(...)`` arguments and ``{"$in": ...}`` values hold a
        batch."""
        if isinstance(expr, DictExpr):
            return max((self._entry(k, v, levels) for k, v in expr.items), default=NONE)
        if not (_batch_method(expr) or self._sets(expr)):
            return max((self.reach(part, levels) for part in _parts(expr)), default=NONE)
        inside = max((self.reach(a, levels) for a in _arguments(expr)), default=NONE)
        return max(self.reach(expr.func, levels), min(inside, BATCH))

    def _entry(self, key: Expr | None, value: Expr, levels: dict[str, int]) -> int:
        level = self.reach(value, levels)
        if isinstance(key, Const) and key.value in _BATCH_KEYS:
            return min(level, BATCH)
        return max(level, self.reach(key, levels))

    def _compared(self, levels: dict[str, int]) -> int:
        """A comparison is not an expression here: the level of the loop-derived names
        compared anywhere in the function."""
        found = NONE
        for compare in self.scope.compares:
            found = max(found, self.reach(compare.left, levels), self.reach(compare.right, levels))
        return found

    # -- repeat loops ------------------------------------------------------------------------

    def _repeats(self, iterable: Expr) -> bool:
        """``range(bound)`` / ``range(start, bound)`` with a small static bound or a retry
        count, or a retrying iterator (tenacity's ``Retrying(...)``)."""
        if _retrying(iterable):
            return True
        if not self._is_range(iterable):
            return False
        assert isinstance(iterable, Call)
        if len(iterable.args) not in (1, 2) or iterable.kwargs:
            return False
        bound = iterable.args[-1]
        if _counts_retries(bound):
            return True
        value = self.index.value(bound, self.ctx)
        return isinstance(value, int) and not isinstance(value, bool) and value <= MAX_REPEAT

    def _is_range(self, iterable: Expr) -> bool:
        if not (isinstance(iterable, Call) and iterable.func == Name("range")):
            return False
        callee = self.index.value(iterable.func, self.ctx)
        return not isinstance(callee, (FuncSym, ClassSym))

    # -- batch loops -------------------------------------------------------------------------

    def _chunked(self) -> bool:
        """The loop runs over chunks: a stepped ``range``, an iterable or target named so, or
        the chunks of a sequence (``_sliced``)."""
        if any(_says_batch(name) for name in self.targets):
            return True
        return self._each_iterable(lambda it: _names_batches(it) or self._sliced(it))

    def _sliced(self, iterable: Expr) -> bool:
        """``[ids[i : i + n] for i in range(0, len(ids), n)]`` (``Unknown("Slices")``), or a
        local name only ever bound to such a comprehension."""
        if isinstance(iterable, Name) and "." not in iterable.dotted:
            assigns = self.scope.assigns.get(iterable.dotted, ())
            return bool(assigns) and all(_is_slices(a.value) for a in assigns)
        return _is_slices(iterable)

    def _each_iterable(self, named: Callable[[Expr], bool]) -> bool:
        """Every iterable of the loop is a stepped ``range`` or passes ``named``."""
        for iterable in self.iterables:
            if self._is_range(iterable):
                assert isinstance(iterable, Call)
                if len(iterable.args) != 3:
                    return False
            elif not named(iterable):
                return False
        return True

    def _paged(self) -> bool:
        """A ``while`` loop whose query reads a page of rows: it holds a ``.limit(n)`` of more
        than one row, or SQL text with such a ``LIMIT`` (keyset or offset pagination)."""
        kind = self.scope.loops.get(self.loop)
        if not (isinstance(kind, Unknown) and kind.kind == "While"):
            return False
        return self._holds(self.query, _is_page)

    def _ticks(self) -> bool:
        """A ``while`` loop that sleeps in its own body (``await asyncio.sleep(interval)``,
        not in a loop nested in it): a periodic task, one query per tick, not per row."""
        kind = self.scope.loops.get(self.loop)
        if not (isinstance(kind, Unknown) and kind.kind == "While"):
            return False
        return any(
            site.loops and site.loops[-1] == self.loop and _method(site.call) == "sleep"
            for site in self.scope.calls
        )

    def _sets(self, call: Call) -> bool:
        """A query run with a chunk's values as a whole, in a loop whose iterable makes
        chunks (``_splits``): SQL text (or a local holding it) that matches a set given as a
        parameter (``= ANY($1)``, ``IN (:ids)``), or ``execute(statement, batch)`` handed the
        loop's variable (SQLAlchemy's executemany of the chunk's rows). A loop over a list of
        text chunks (``for chunk in chunks``) is no chunked loop."""
        if _method(call) not in _SQL_RUNS or not call.args or not self._splits:
            return False
        rows = call.arg(1, "params") if len(call.args) <= 2 else None
        if self._rows(rows) and self._holds(call.args[0], _is_core_write):
            return True
        return self._holds(call.args[0], _matches_set)

    def _rows(self, rows: Expr | None) -> bool:
        """The loop's chunk: its variable, a slice of a sequence (``rows[i : i + CHUNK]``) or
        a local holding one."""
        if rows is not None and _slice(rows):
            return True
        if not isinstance(rows, Name) or "." in rows.dotted:
            return False
        if rows.dotted in self.targets:
            return True
        assigns = self.scope.assigns.get(rows.dotted, ())
        return bool(assigns) and all(_slice(a.value) for a in assigns)

    @cached_property
    def _splits(self) -> bool:
        """The loop's iterables cut a sequence into chunks: a stepped ``range`` or a call of
        something named for it (``batched(ids, 500)``, ``in_batches(rows)``,
        ``chunked(keys)``)."""
        return bool(self.iterables) and self._each_iterable(
            lambda it: _cuts_chunks(it) or self._sliced(it)
        )

    def _holds(self, expr: Expr | None, test: Callable[[Expr], bool], depth: int = 0) -> bool:
        """``expr``, or a local name it uses (``stmt`` of ``stmt.where(...)`` too), or what
        a project function it calls returns, holds a part that passes ``test``."""
        if expr is None or depth > MAX_ROUNDS:
            return False
        if test(expr):
            return True
        if isinstance(expr, Name):
            assigns = self.scope.assigns.get(expr.dotted.partition(".")[0], ())
            return any(self._holds(a.value, test, depth + 1) for a in assigns)
        if isinstance(expr, Call) and self._returns_hold(expr, test):
            return True
        return any(self._holds(part, test, depth + 1) for part in _parts(expr))

    def _returns_hold(self, call: Call, test: Callable[[Expr], bool]) -> bool:
        """``call`` is of a project function each of whose returns holds a part that passes
        ``test`` (its own expressions, not followed further)."""
        if not isinstance(call.func, Name):
            return False
        func = self.index.value(call.func, self.ctx)
        returns = func.info.scope.returns if isinstance(func, FuncSym) else []
        return bool(returns) and all(_any_part(r, test) for r in returns)


def _is_page(expr: Expr) -> bool:
    """``.limit(n)`` (``n`` not a literal 0 or 1), or SQL text with ``LIMIT n`` / ``LIMIT
    :size``: a page of rows, not one."""
    if isinstance(expr, Const) and isinstance(expr.value, str):
        found = _SQL_LIMIT.search(expr.value)
        return found is not None and found.group(1) not in ("0", "1")
    if not isinstance(expr, Call) or len(expr.args) != 1 or expr.kwargs:
        return False
    size = expr.args[0]
    return _method(expr) == "limit" and not (isinstance(size, Const) and size.value in (0, 1))


def _names_batches(iterable: Expr) -> bool:
    """A name, or a call of one, whose last word is batch or chunk (``_says_batch``)."""
    func = iterable.func if isinstance(iterable, Call) else iterable
    return isinstance(func, Name) and _says_batch(func.dotted.rpartition(".")[2])


def _cuts_chunks(iterable: Expr) -> bool:
    """A call of something named for batches or chunks by its last word (``in_batches(rows)``,
    ``batched(ids, 500)``, ``split_into_chunks(keys)``; not ``chunk_text(doc)``, a text
    splitter), also under ``enumerate(...)``; not a name (a list of text chunks)."""
    if isinstance(iterable, Call) and iterable.func == Name("enumerate") and iterable.args:
        iterable = iterable.args[0]
    func = iterable.func if isinstance(iterable, Call) else None
    return isinstance(func, Name) and _says_batch(func.dotted.rpartition(".")[2])


def _is_slices(expr: Expr) -> bool:
    """The chunks of a sequence, cut by a comprehension (``exprs._slices``)."""
    return isinstance(expr, Unknown) and expr.kind == "Slices"


def _slice(expr: Expr) -> bool:
    """``rows[i : i + CHUNK]``."""
    return isinstance(expr, Subscript) and any(
        isinstance(item, Unknown) and item.kind == "Slice" for item in expr.items
    )


def _is_core_write(expr: Expr) -> bool:
    """SQLAlchemy's ``insert(X)``, ``update(X)``, ``delete(X)`` or ``text(sql)``: executed
    with a list of rows it runs once per row in one call (executemany); a raw SQL string
    handed one chunk as a parameter (asyncpg's ``execute(sql, chunk)``) writes one row."""
    return isinstance(expr, Call) and _method(expr) in ("insert", "update", "delete", "text")


def _matches_set(expr: Expr) -> bool:
    """SQL text (a string or an f-string's text) that matches a set of values."""
    if isinstance(expr, Const) and isinstance(expr.value, str):
        return _SQL_SET.search(expr.value) is not None
    if isinstance(expr, FString):
        text = "".join(p.value if isinstance(p, Const) else "{}" for p in expr.parts)
        return _SQL_SET.search(text) is not None
    return False


def _any_part(expr: Expr, test: Callable[[Expr], bool], depth: int = 0) -> bool:
    """``expr`` or one of its sub-expressions passes ``test``."""
    if test(expr):
        return True
    return depth < MAX_ROUNDS and any(_any_part(p, test, depth + 1) for p in _parts(expr))


def _method(call: Call) -> str:
    """The last name of the callee: ``limit`` for ``select(X).limit(10)`` or ``q.limit``."""
    func = call.func
    if isinstance(func, Attr):
        return func.attr
    return func.dotted.rpartition(".")[2] if isinstance(func, Name) else ""


def _is_batch(expr: Expr) -> bool:
    """An ``.in_(...)`` call or a dict with an ``"$in"`` key."""
    if isinstance(expr, DictExpr):
        return any(isinstance(k, Const) and k.value in _BATCH_KEYS for k, _ in expr.items)
    return isinstance(expr, Call) and _batch_method(expr)


def _counts_retries(bound: Expr) -> bool:
    """A name counting retries or attempts (``max_retries``, ``self.attempts``)."""
    last = bound.dotted.rpartition(".")[2].lower() if isinstance(bound, Name) else ""
    return any(word in last for word in _RETRY_WORDS)


def _retrying(iterable: Expr) -> bool:
    """A call of something named for retries: tenacity's ``Retrying(...)`` /
    ``AsyncRetrying(...)``, Airflow's ``run_with_db_retries()``."""
    func = iterable.func if isinstance(iterable, Call) else None
    return isinstance(func, Name) and "retr" in func.dotted.rpartition(".")[2].lower()


def _says_batch(name: str) -> bool:
    """The name's last word is batch or chunk (``key_batch``, ``chunks``, ``batched``; not
    ``batch_job``)."""
    return name.lower().rpartition("_")[2] in _BATCH_WORDS


def _batch_method(call: Call) -> bool:
    """``.in_(...)`` and its kin, or a write of many rows at once: ``.values(rows)`` (one
    positional list, not ``.values(name=...)``) and ``executemany(sql, rows)``."""
    method = _method(call)
    if method == "values":
        return len(call.args) == 1 and not call.kwargs
    return method in _BATCH_METHODS or method in _MANY_ROWS


def _arguments(call: Call) -> tuple[Expr, ...]:
    return (*call.args, *(value for _, value in call.kwargs))


def _parts(expr: Expr) -> tuple[Expr, ...]:
    """The sub-expressions of ``expr`` (a dict's keys and values, a comprehension's iterable
    and a lambda's body included)."""
    return sub_expressions(expr, (LoopItem, Lambda))
