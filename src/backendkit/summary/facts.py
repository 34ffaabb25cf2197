"""Statement facts of the per-file pass beyond names: ``with`` items, ``finally`` blocks,
``yield``, ``==``/``!=`` comparisons, ``try`` bodies and their handlers, ``except T as name``
bindings, ``x[key] = value``, ``x += value`` and what a statement does with a call's result
(``CallSite.use``).

``StatementFacts`` is a mixin of ``collector.Collector``: its hooks run in the same single walk.
"""

from __future__ import annotations

import libcst as cst

from backendkit.summary.blocks import Handler, TryBlock
from backendkit.summary.exprs import ExprConverter, dotted_name
from backendkit.summary.model import (
    REPORT_CALLS,
    Assign,
    Attr,
    BinOp,
    Call,
    ClassInfo,
    Compare,
    Const,
    Expr,
    LoopItem,
    Name,
    Scope,
    Seq,
    Unknown,
    sparse_dict,
)
from backendkit.summary.testshapes import exits, reraises_always, status_reraise

_EQUALITY = {cst.Equal: "==", cst.NotEqual: "!="}


def _call_of(node: cst.BaseExpression | None) -> cst.Call | None:
    """The call ``node`` is, directly or under ``await``."""
    if isinstance(node, cst.Await):
        node = node.expression
    return node if isinstance(node, cst.Call) else None


def bind_loop(
    binds: dict[str, list[Assign]], target: cst.BaseExpression, iterable: Expr, loop: int, line: int
) -> None:
    """Bind the names of a ``for`` target (``x``, or ``k, v``: ``index`` picks a part) to the
    items of ``iterable``, as ``LoopItem`` records of ``loop``, in ``binds``."""
    targets: list[tuple[cst.BaseExpression, int | None]] = [(target, None)]
    if isinstance(target, (cst.Tuple, cst.List)):
        targets = [(el.value, i) for i, el in enumerate(target.elements)]
    for part, index in targets:
        if isinstance(part, cst.Name):
            record = Assign(value=LoopItem(iterable, loop, index), line=line)
            binds.setdefault(part.value, []).append(record)


class OpenTry:
    """A ``try`` statement being walked: its scope, the lines of its body, the types its
    handlers name so far, which of them hold a ``raise``, and the handler being walked."""

    __slots__ = (
        *("bound", "calls", "changing", "current", "end", "final", "first", "handing"),
        *("always", "handlers", "manager", "node", "raising", "scope", "starts", "statuses"),
        "catching",
    )

    def __init__(
        self, scope: Scope, first: int, manager: Expr | None = None, node: int = 0
    ) -> None:
        self.scope = scope
        self.node = node  # the id of the ``with`` node that opened it (0 for a ``try``)
        self.first = self.end = first
        self.final = 0  # the line of a ``finally:`` that returns
        self.manager = manager  # the callee of ``with suppress(...)``
        self.handlers: list[Expr | None] = []
        self.bound: list[str] = []  # the name each handler binds the error to ("" for none)
        self.raising: set[int] = set()
        self.changing: set[int] = set()  # handlers raising another error than they caught
        self.starts: list[int] = []  # the line each handler starts on
        self.handing: set[int] = set()
        self.calls: dict[int, list[tuple[str, bool]]] = {}  # handler -> its calls of names
        self.statuses: dict[int, list[Expr]] = {}  # handler -> ``Handler.reraise_on``
        self.always: set[int] = set()  # ``Handler.always``
        self.catching: dict[int, int] = {}  # handler -> its entry in ``Scope.caught_lines``
        self.current = -1

    def block(self) -> TryBlock:
        """The finished record."""
        caught = tuple(
            Handler(
                kind,
                i in self.raising,
                i in self.handing,
                tuple(self.calls.get(i, ())),
                i in self.changing,
                tuple(self.statuses.get(i, ())),
                i in self.always,
            )
            for i, kind in enumerate(self.handlers)
        )
        return TryBlock(self.first, self.end, caught, self.final, self.manager)


def reports(call: Call) -> bool:
    """``call`` only reports or describes what it is given (``REPORT_CALLS``, by the
    callee's last name, also after a call: ``logging.getLogger(__name__).warning``)."""
    callee = call.func
    last = callee.dotted.rpartition(".")[2] if isinstance(callee, Name) else ""
    if isinstance(callee, Attr):
        last = callee.attr
    return last in REPORT_CALLS


def hands_error(call: Call, name: str) -> bool:
    """``call`` is handed the error bound to ``name`` itself (an argument, not an attribute of
    it: ``exc.status_code`` is a number)."""
    return Name(name) in (*call.args, *(value for _key, value in call.kwargs))


class StatementFacts:
    """Hooks that record the statement facts into the innermost scope."""

    scope: Scope
    line: int
    exprs: ExprConverter
    finally_depth: list[int]
    with_lines: list[int]
    except_depth: list[int]
    uses: dict[int, str]
    awaited: set[int]
    open_tries: list[OpenTry]
    scopes: list[Scope]

    def mark_use(self, node: cst.BaseExpression | None, use: str) -> None:
        """Remember what the enclosing statement does with the call ``node`` (if a call)."""
        call = _call_of(node)
        if call is not None:
            self.uses.setdefault(id(call), use)

    def call_use(self, node: cst.Call) -> tuple[str, bool, bool]:
        """``(use, in_finally, awaited)`` for a call being recorded; a method called on the
        result of another call (``Session(engine).execute(...)``) marks that inner call
        ``attr``."""
        func = node.func
        if type(func) is cst.Attribute and type(func.value) is cst.Call:
            self.uses.setdefault(id(func.value), "attr")
        return self.uses.get(id(node), ""), self.finally_depth[-1] > 0, id(node) in self.awaited

    def visit_Await(self, node: cst.Await) -> None:
        """``await f(...)``: the call is awaited (``CallSite.awaited``)."""
        if type(node.expression) is cst.Call:
            self.awaited.add(id(node.expression))

    def record_targets(self, targets: list[cst.BaseExpression], value: cst.BaseExpression) -> None:
        """``name = call`` marks the call's use; ``x[key] = value`` is recorded."""
        names = [t.value for t in targets if isinstance(t, cst.Name)]
        if names:
            self.mark_use(value, "=" + names[0])
        for target in targets:
            if isinstance(target, cst.Subscript) and len(target.slice) == 1:
                owner = dotted_name(target.value)
                index = target.slice[0].slice
                if owner and isinstance(index, cst.Index):
                    key = self.exprs.convert(index.value)
                    self.scope.item_assigns.setdefault(owner, []).append((key, self.line))

    def record_attr(self, target: cst.Attribute, value: Expr) -> None:
        """``a.b = value`` (a dotted target) is recorded in ``Scope.attr_assigns``."""
        dotted = dotted_name(target)
        if dotted is not None:
            found = sparse_dict(self.scope, "attr_assigns").setdefault(dotted, [])
            found.append((value, self.line))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        """``x += v`` is recorded apart from plain assignments, as ``x + v``."""
        if isinstance(node.target, cst.Name):
            name = node.target.value
            op = type(node.operator).__name__.removesuffix("Assign")
            value = BinOp(op, Name(name), self.exprs.convert(node.value))
            self.scope.aug_assigns.setdefault(name, []).append(Assign(value, self.line))

    def visit_With_body(self, node: cst.With) -> None:
        """``with suppress(E, ...)`` (``contextlib.suppress``, read by its last name here and
        resolved later): a ``try`` whose one handler catches ``E, ...`` and does nothing."""
        for position, item in enumerate(node.items):
            call = item.item
            if isinstance(call, cst.Call) and self._suppress(call.func):
                manager = self.exprs.convert(call.func)
                # the items before it run before it is entered: on the ``with`` line
                first = self.line + (position > 0 and isinstance(node.body, cst.IndentedBlock))
                found = OpenTry(self.scope, first, manager, id(node))
                args = [arg.value for arg in call.args if arg.star != "**"]
                found.handlers.append(Seq(tuple(map(self.exprs.convert, args))))
                self.open_tries.append(found)
                return

    def _suppress(self, func: cst.BaseExpression) -> bool:
        """``suppress``, ``contextlib.suppress``, or a name a module-level import binds to it
        (``from contextlib import suppress as ignore``); resolved later."""
        name = _last_name(func)
        if name == "suppress":
            return True
        bound = self.scopes[0].imports.get(name) if isinstance(func, cst.Name) else None
        return bound is not None and (bound.module, bound.name) == ("contextlib", "suppress")

    def leave_With_body(self, node: cst.With) -> None:
        """The end of a ``with`` body (``Scope.opaque``); a ``with suppress(...)`` body is
        recorded as a ``try``."""
        self.scope.opaque += ((self.with_lines.pop(), self.line),)
        if self.open_tries and self.open_tries[-1].node == id(node):
            found = self.open_tries.pop()
            found.end = self.line
            self.scope.tries += (found.block(),)

    def visit_With(self, node: cst.With) -> None:
        """Context managers entered (``with x as y``: ``x``), and their calls marked (``with``,
        or ``with=y`` for ``with f() as y``)."""
        line = self.line + len(node.leading_lines)
        self.with_lines.append(line)
        for item in node.items:
            expr = item.item.expression if isinstance(item.item, cst.Await) else item.item
            self.scope.withs.append((self.exprs.convert(expr), line))
            target = item.asname.name if item.asname is not None else None
            self.mark_use(
                item.item, f"with={target.value}" if isinstance(target, cst.Name) else "with"
            )

    def visit_Finally(self, node: cst.Finally) -> None:
        """Calls in a ``finally:`` block run on every exit; a ``return`` among its own
        statements (under no ``if``, loop or ``try``) drops whatever was raised before the
        ``finally:`` (``TryBlock.final``: the line it starts on)."""
        self.finally_depth[-1] += 1
        if self.open_tries and _returns(node.body):
            self.open_tries[-1].final = self.line
        if self.open_tries and exits(node.body):  # a return, break or continue in it ends
            self.scope.opaque += ((self.open_tries[-1].first, self.line),)  # what was raised

    def leave_Finally(self, original_node: cst.Finally) -> None:
        """End of a ``finally:`` block."""
        self.finally_depth[-1] -= 1

    def visit_Try_body(self, node: cst.Try | cst.TryStar) -> None:
        """A ``try`` body: its handlers apply to the calls on its lines."""
        self.open_tries.append(OpenTry(self.scope, self.line))

    def leave_Try_body(self, node: cst.Try | cst.TryStar) -> None:
        """The body ends before this line."""
        self.open_tries[-1].end = self.line

    def leave_Try(self, original_node: cst.Try | cst.TryStar) -> None:
        """A ``try`` with handlers (or a ``return`` in its ``finally:``) is recorded in its
        scope."""
        found = self.open_tries.pop()
        if found.handlers or found.final:
            self.scope.tries += (found.block(),)

    def visit_ExceptHandler(self, node: cst.ExceptHandler | cst.ExceptStarHandler) -> None:
        """What the handler catches; ``except T as name`` binds ``name`` to an exception;
        calls in the handler are marked ``in_except``."""
        self.except_depth[-1] += 1
        kind = self.exprs.convert(node.type) if node.type is not None else None
        found = self.open_tries[-1]
        found.current = len(found.handlers)
        found.handlers.append(kind)
        found.bound.append("")
        found.starts.append(self.line)
        if node.name is not None and isinstance(node.name.name, cst.Name):
            bound = Unknown("bare") if kind is None else kind
            self.scope.caught[node.name.name.value] = bound
            found.catching[found.current] = len(self.scope.caught_lines)
            self.scope.caught_lines = (
                *self.scope.caught_lines,
                (self.line, self.line, node.name.name.value, bound),
            )
            found.bound[-1] = node.name.name.value
            tested = status_reraise(node.body, found.bound[-1])
            if tested:
                found.statuses[found.current] = [self.exprs.convert(item) for item in tested]
        if reraises_always(node.body, found.bound[-1]):
            found.always.add(found.current)

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler | cst.ExceptStarHandler) -> None:
        """End of an ``except:`` handler (where the name it binds is bound ends)."""
        self.except_depth[-1] -= 1
        found = self.open_tries[-1]
        at = found.catching.pop(found.current, -1)
        if at >= 0:
            entries = list(self.scope.caught_lines)
            start, _end, name, kind = entries[at]
            entries[at] = (start, self.line, name, kind)
            self.scope.caught_lines = tuple(entries)
        found.current = -1

    # ``try`` ... ``except*`` catches a lone error too (wrapped in a group): as ``except``
    visit_TryStar_body = visit_Try_body
    leave_TryStar_body = leave_Try_body
    leave_TryStar = leave_Try
    visit_ExceptStarHandler = visit_ExceptHandler
    leave_ExceptStarHandler = leave_ExceptHandler

    def note_handed(self, call: Call | None = None, stored: Expr | None = None) -> None:
        """A call in a handler, or a value stored there (``error = exc``, raised later), for
        each handler of this scope being walked (``_note_in_handler``)."""
        for found in reversed(self.open_tries):
            if found.scope is not self.scope:
                break
            if found.current >= 0:
                self._note_in_handler(found, call, stored)

    @staticmethod
    def _note_in_handler(found: OpenTry, call: Call | None, stored: Expr | None) -> None:
        """Record a call of a name in the handler being walked (``Handler.calls``); another
        call handed its error, or the error stored, hands it on (``Handler.hands``)."""
        bound = found.bound[found.current]
        if call is None:
            if bound and stored == Name(bound):
                found.handing.add(found.current)
            return
        handed = bool(bound) and hands_error(call, bound)
        if isinstance(call.func, Name):
            found.calls.setdefault(found.current, []).append((call.func.dotted, handed))
        elif handed and not reports(call):
            found.handing.add(found.current)

    def note_raise(self, exc: cst.BaseExpression | None) -> None:
        """A ``raise`` statement in a handler: the handlers of this scope being walked hold
        one; one raising ``exc``, not the error it caught (a bare ``raise``, ``raise error``
        for ``except E as error``), changes it (``Handler.changes``)."""
        for found in reversed(self.open_tries):
            if found.scope is not self.scope:
                break
            if found.current >= 0:
                found.raising.add(found.current)
                if not self._same_error(exc, found):
                    found.changing.add(found.current)

    def _same_error(self, exc: cst.BaseExpression | None, found: OpenTry) -> bool:
        """``raise`` or ``raise error`` in ``except E as error`` (not rebound in the handler:
        ``error = ValueError()``): the error the handler caught."""
        if exc is None:
            return True
        bound, start = found.bound[found.current], found.starts[found.current]
        if not bound or not isinstance(exc, cst.Name) or exc.value != bound:
            return False
        return not any(assign.line >= start for assign in self.scope.assigns.get(bound, ()))

    def visit_Yield(self, node: cst.Yield) -> None:
        """Yielded values (``yield`` dependencies hand them to FastAPI; a bare ``yield``
        yields ``None``)."""
        if node.value is None:
            self.scope.yields.append((Const(None), self.line))
        elif not isinstance(node.value, cst.From):
            self.scope.yields.append((self.exprs.convert(node.value), self.line))
            self.mark_use(node.value, "yield")

    def visit_Comparison(self, node: cst.Comparison) -> None:
        """Equality comparisons, one record per ``==``/``!=`` pair of a chain."""
        left = node.left
        for target in node.comparisons:
            op = _EQUALITY.get(type(target.operator))
            if op is not None:
                right = self.exprs.convert(target.comparator)
                record = Compare(self.exprs.convert(left), op, right, self.line)
                self.scope.compares.append(record)
            elif isinstance(target.operator, (cst.In, cst.NotIn)):
                self._note_members(left, target.comparator)
            left = target.comparator

    def _note_members(self, value: cst.BaseExpression, collection: cst.BaseExpression) -> None:
        """The strings an ``in`` test looks up, or looks a value up among in a literal
        collection (``value in ("changeme", "")``, ``"changeme" in (a, b)``:
        ``Scope.in_literals``)."""
        items = (
            collection.elements if isinstance(collection, (cst.Tuple, cst.List, cst.Set)) else ()
        )
        for node in (value, *(element.value for element in items)):
            found = self.exprs.convert(node) if isinstance(node, cst.SimpleString) else None
            if isinstance(found, Const) and isinstance(found.value, str):
                self.scope.in_literals += (found.value,)


class RepeatFacts:
    """Comprehensions and ``while`` bodies as loops for ``CallSite.loops`` (the N+1 rule):
    a call in them runs once per iteration. Their loop ids are negative line numbers and their
    iterable is ``Unknown``, so nothing is expanded per iteration. The outermost ``for ... in
    <iterable>`` of a comprehension runs once, outside the loop. A comprehension's targets are
    bound in ``Scope.comp_binds``, not in ``assigns``: they do not leak out of it."""

    scope: Scope
    line: int
    exprs: ExprConverter
    loop_stack: list[list[int]]
    outer_fors: set[int]
    paused: list[int]

    def enter_repeat(self, kind: str) -> None:
        """Calls from here on run once per iteration."""
        loop = -self.line
        self.scope.loops.setdefault(loop, Unknown(kind))
        self.loop_stack[-1].append(loop)

    def leave_repeat(self) -> None:
        """The end of a comprehension or ``while`` body."""
        self.loop_stack[-1].pop()

    def _comprehension(self, node: cst.BaseComp | cst.BaseDict) -> None:
        self.outer_fors.add(id(node.for_in))
        self.enter_repeat(type(node).__name__)

    def visit_ListComp(self, node: cst.ListComp) -> None:
        """``[... for ...]``."""
        self._comprehension(node)

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        """End of the comprehension."""
        self.leave_repeat()

    def visit_SetComp(self, node: cst.SetComp) -> None:
        """``{... for ...}``."""
        self._comprehension(node)

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        """End of the comprehension."""
        self.leave_repeat()

    def visit_DictComp(self, node: cst.DictComp) -> None:
        """``{k: v for ...}``."""
        self._comprehension(node)

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        """End of the comprehension."""
        self.leave_repeat()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        """``(... for ...)``."""
        self._comprehension(node)

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        """End of the generator."""
        self.leave_repeat()

    def visit_CompFor(self, node: cst.CompFor) -> None:
        """``for c in conns`` of a comprehension binds ``c`` to the items of ``conns``."""
        iterable = self.exprs.convert(node.iter)
        binds = sparse_dict(self.scope, "comp_binds")
        bind_loop(binds, node.target, iterable, self.loop_stack[-1][-1], self.line)

    def visit_CompFor_iter(self, node: cst.CompFor) -> None:
        """The outermost iterable is evaluated once, before the loop."""
        if id(node) in self.outer_fors:
            self.paused.append(self.loop_stack[-1].pop())

    def leave_CompFor_iter(self, node: cst.CompFor) -> None:
        """Back inside the loop."""
        if id(node) in self.outer_fors:
            self.loop_stack[-1].append(self.paused.pop())


def _last_name(node: cst.BaseExpression) -> str:
    """``suppress`` for ``suppress`` and ``contextlib.suppress``."""
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return node.value if isinstance(node, cst.Name) else ""


def _returns(block: cst.BaseSuite) -> bool:
    """A ``return`` is one of ``block``'s own statements."""
    if isinstance(block, cst.SimpleStatementSuite):
        return any(isinstance(small, cst.Return) for small in block.body)
    return any(
        isinstance(stmt, cst.SimpleStatementLine)
        and any(isinstance(small, cst.Return) for small in stmt.body)
        for stmt in block.body
    )


def store_attr(owner: ClassInfo, attr: str, value: Expr | None, annotation: Expr | None) -> None:
    """Record ``self.attr: annotation = value`` (either may be absent): ``None`` only
    declares it; a second other value makes it ``rebound`` (which one an object holds depends
    on what ran). The last annotation is kept in ``instance_annotations``."""
    if annotation is not None:
        sparse_dict(owner, "instance_annotations")[attr] = annotation
    if value is None:
        return
    known = owner.instance_attrs.get(attr)
    if value == Const(None):
        if known is None:
            owner.instance_attrs[attr] = value
        return
    if known is not None and known != Const(None) and attr not in owner.rebound:
        owner.rebound.append(attr)
    owner.instance_attrs[attr] = value
