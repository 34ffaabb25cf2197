"""Control-flow facts of the per-file pass: the ``if`` tests that guard each ``raise`` and
``return`` (``Scope.ifs``), the lines of ``return`` statements, bare ones apart, and whether a
function that returns a value can also reach the end of its body (``FunctionInfo.falls_off``).

``FlowFacts`` is a mixin of ``collector.Collector``: its hooks run in the same single walk. An
``if`` is recorded only when it holds a ``raise`` or ``return`` of its own scope, and its test
is read only then, so a file pays for the ``if`` statements that decide an exit; and the ``if``
without ``else`` that ends an ``async def`` body, exit or not (``Scope.tail_if``: a websocket
endpoint doing its work only ``if token:``), one per function at most.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst

from backendkit.summary.exitifs import ExitIfs, last_ends
from backendkit.summary.exprs import ExprConverter, dotted_name
from backendkit.summary.literals import token_value
from backendkit.summary.model import ATTR_TESTS, Assign, IfBlock, Narrowing, Scope, sparse_dict
from backendkit.summary.paramtests import RebindFacts, record_param_test
from backendkit.summary.testshapes import key_matches
from backendkit.summary.walker import fields_of

_CONSTANTS = frozenset({"True", "False", "None"})


class OpenIf:
    """An ``if`` being walked: its scope, first line, test, whether an exit is in it, and
    the line its test ends on (0 until its body starts)."""

    __slots__ = ("body_end", "first", "holds", "orelse", "scope", "test", "test_end")

    def __init__(self, scope: Scope, first: int, test: cst.BaseExpression) -> None:
        self.scope = scope
        self.first = first
        self.test = test
        self.holds = False
        self.test_end = 0
        self.orelse = 0  # the line of its ``else:`` (0: none, or an ``elif``)
        self.body_end = 0  # the line its ``else:`` or ``elif`` starts on (0: none)


def isinstance_tests(test: cst.BaseExpression) -> list[tuple[str, tuple[str, ...]]]:
    """``(name, types)`` for each ``isinstance(name, T)`` the body of an ``if`` with this
    ``test`` runs under: the whole test, or a part of an ``and`` (``T`` a class or a tuple
    of classes, each by its last name)."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return isinstance_tests(test.left) + isinstance_tests(test.right)
    if not _isinstance_call(test):
        return []
    assert isinstance(test, cst.Call)
    name = dotted_name(test.args[0].value)
    types = _class_names(test.args[1].value)
    return [(name, types)] if name and types else []


def _isinstance_call(test: cst.BaseExpression) -> bool:
    """``test`` is ``isinstance(x, T)`` with two plain positional arguments."""
    if not isinstance(test, cst.Call) or dotted_name(test.func) != "isinstance":
        return False
    return len(test.args) == 2 and not any(arg.keyword or arg.star for arg in test.args)


def _class_names(kind: cst.BaseExpression) -> tuple[str, ...]:
    """The last names of the classes ``kind`` names (one, or a tuple of them); () when one
    of them is not a name."""
    parts = [el.value for el in kind.elements] if isinstance(kind, cst.Tuple) else [kind]
    names = [dotted_name(part) for part in parts]
    if not all(names):
        return ()
    return tuple(str(name).rpartition(".")[2] for name in names)


def test_reads(test: cst.BaseExpression) -> tuple[str, ...]:
    """The names and attribute chains ``test`` reads, in source order, each once: a chain
    (``user.is_active``) stands for itself, not for its parts; a keyword argument's name and
    the constants ``True``/``False``/``None`` are not reads."""
    found: dict[str, None] = {}
    stack: list[cst.CSTNode] = [test]
    while stack:
        node = stack.pop()
        if type(node) is cst.Name:
            if node.value not in _CONSTANTS:
                found[node.value] = None
            continue
        dotted = dotted_name(node) if type(node) is cst.Attribute else None
        if dotted is not None:
            found[dotted] = None
        else:
            stack.extend(reversed(_parts(node)))
    return tuple(found)


def test_parts(test: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The operands of a test that is an ``and`` (``a and (b and c)``: a, b, c), also written
    ``not (a or b)`` (a, b: the body runs when each is false), else the test itself."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return [*test_parts(test.left), *test_parts(test.right)]
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _or_operands(test.expression)
    return [test]


def test_forms(test: cst.BaseExpression) -> list[tuple[str, str]]:
    """What each operand ``test_parts`` gives requires of one name or attribute chain for
    the body to run: ``("truthy", "KEYS")`` for ``KEYS``, ``bool(KEYS)``, ``len(KEYS)``, ``len(KEYS)
    > 0``; ``("not None", "KEY")`` for ``KEY is not None``; ``("", "")`` for anything else,
    and for the operands of a negated ``or`` (the body runs when they are false)."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return [*test_forms(test.left), *test_forms(test.right)]
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return [("", "")] * len(_or_operands(test.expression))
    named = _not_none(test)
    if named:
        return [("not None", named)]
    named = _named(_truth_of(test))
    return [("truthy", named) if named else ("", "")]


def _named_value(test: cst.BaseExpression) -> cst.BaseExpression:
    """``x`` of ``(name := x)`` (the operand tests ``x``; ``name`` is written, not read),
    else ``test`` itself."""
    return test.value if isinstance(test, cst.NamedExpr) else test


def _truth_of(test: cst.BaseExpression) -> cst.BaseExpression:
    """``x`` of ``bool(x)``, ``len(x)``, ``len(x) > 0`` or ``(name := x)``, else ``test``."""
    test = _named_value(test)
    if isinstance(test, cst.Comparison) and _nonzero(test):
        test = test.left
    if isinstance(test, cst.Call) and len(test.args) == 1 and _named(test.func) in _TRUTHS:
        return test.args[0].value if not test.args[0].star else test
    return test


def _nonzero(test: cst.Comparison) -> bool:
    """``test`` is ``len(x) > 0``, ``len(x) != 0`` or ``len(x) >= 1``."""
    if len(test.comparisons) != 1 or not isinstance(test.left, cst.Call):
        return False
    target = test.comparisons[0]
    value = target.comparator.value if isinstance(target.comparator, cst.Integer) else ""
    wanted = {"0": (cst.GreaterThan, cst.NotEqual), "1": (cst.GreaterThanEqual,)}.get(value, ())
    return _named(test.left.func) == "len" and isinstance(target.operator, wanted)


def _or_operands(test: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The operands of an ``or`` (``a or (b or c)``: a, b, c), else the test itself."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.Or):
        return [*_or_operands(test.left), *_or_operands(test.right)]
    return [test]


def test_presence(test: cst.BaseExpression) -> tuple[str, ...]:
    """The names (and attribute chains) ``test`` requires to be present: the ``if`` body runs
    only when each is truthy or not ``None`` (``if token:``, ``if key is not None:``, ``if
    creds and creds.credentials != KEY:``, ``if len(token):``, ``if flag is True:``); an
    attribute read with ``getattr`` or tested with ``hasattr`` is its chain
    (``getattr(request.state, "user", None)``: ``request.state.user``), and so is a key tested
    with ``in`` (``"user" in request.scope``: ``request.scope.user``)."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return (*test_presence(test.left), *test_presence(test.right))
    if isinstance(test, cst.Call) and len(test.args) == 1 and _named(test.func) in _TRUTHS:
        test = test.args[0].value
    named = _present(test) or _not_none(test) or _present(_is_true(test)) or _key_in(test)
    return (named,) if named else ()


def test_absence(test: cst.BaseExpression) -> tuple[str, ...]:
    """The names (and attribute chains) whose absence makes ``test`` hold: the ``if`` body
    runs for a caller without them (``if token is None:``, ``if not key:``, ``if not token
    or expired(token):``, ``if not cookie and not header:``, ``if token == "":``); () when
    something else decides (``if not token and settings.strict:``)."""
    return _absence(test, _present)


def call_absence(test: cst.BaseExpression) -> tuple[str, ...]:
    """As ``test_absence``, the callees of the calls whose missing result (falsy, ``None``)
    makes ``test`` hold (``if not request.cookies.get(KEY):``: ``request.cookies.get``)."""
    return _absence(test, called)


def _absence(
    test: cst.BaseExpression, named_by: Callable[[cst.BaseExpression | None], str]
) -> tuple[str, ...]:
    """``test_absence`` with ``named_by`` naming what is tested."""
    if isinstance(test, cst.BooleanOperation):
        left, right = _absence(test.left, named_by), _absence(test.right, named_by)
        if isinstance(test.operator, cst.Or):
            return (*left, *right)
        return (*left, *right) if left and right else ()
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        named = named_by(test.expression)
        return (named,) if named else ()
    named = _missing(test, named_by)
    return (named,) if named else ()


def called(node: cst.BaseExpression | None) -> str:
    """``x.y.get`` of a call ``x.y.get(...)`` (``(name := x.y.get(...))`` and ``await
    x.y.get(...)`` too), else ""."""
    node = _named_value(node) if node is not None else None
    if isinstance(node, cst.Await):
        node = node.expression
    return _named(node.func) if isinstance(node, cst.Call) else ""


def _missing(test: cst.BaseExpression, named_by: Callable[[cst.BaseExpression | None], str]) -> str:
    """``x`` of ``x is None``, ``x == None`` or ``x == ""``, else ""."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return ""
    target, value = test.comparisons[0], test.comparisons[0].comparator
    none = isinstance(value, cst.Name) and value.value == "None"
    empty = isinstance(value, cst.SimpleString) and token_value(value) == ""
    operator = (cst.Is, cst.Equal) if none else (cst.Equal,)
    return named_by(test.left) if (none or empty) and isinstance(target.operator, operator) else ""


def _present(node: cst.BaseExpression | None) -> str:
    """``x``, ``x.y.z`` or ``getattr(x.y, "z"[, default])`` as ``x.y.z``, else ""."""
    if node is None:
        return ""
    if isinstance(node, cst.Call) and _named(node.func) in ATTR_TESTS and len(node.args) >= 2:
        owner, attr = _named(node.args[0].value), node.args[1].value
        if owner and isinstance(attr, cst.SimpleString):
            text = token_value(attr)
            return f"{owner}.{text}" if isinstance(text, str) and text.isidentifier() else ""
        return ""
    return _named(node)


def _any_or(test: cst.BaseExpression) -> bool:
    """``test`` holds an ``or`` (outside calls): something besides its first part may make it
    true (``key is not None or DEBUG``)."""
    if isinstance(test, cst.BooleanOperation):
        return isinstance(test.operator, cst.Or) or _any_or(test.left) or _any_or(test.right)
    if isinstance(test, cst.UnaryOperation):
        return _any_or(test.expression)
    return False


def _key_in(test: cst.BaseExpression) -> str:
    """``x.y.key`` of ``"key" in x.y`` (``"user" in request.scope``), else ""."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return ""
    target = test.comparisons[0]
    key = token_value(test.left) if isinstance(test.left, cst.SimpleString) else None
    owner = _named(target.comparator) if isinstance(target.operator, cst.In) else ""
    return f"{owner}.{key}" if owner and isinstance(key, str) and key.isidentifier() else ""


def _is_true(test: cst.BaseExpression) -> cst.BaseExpression | None:
    """``x`` of ``x is True`` / ``x == True``, else None."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    target = test.comparisons[0]
    true = isinstance(target.comparator, cst.Name) and target.comparator.value == "True"
    return test.left if true and isinstance(target.operator, (cst.Is, cst.Equal)) else None


def _not_none(test: cst.BaseExpression) -> str:
    """``x`` of ``x is not None`` / ``x != None``, else ""."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return ""
    target = test.comparisons[0]
    none = isinstance(target.comparator, cst.Name) and target.comparator.value == "None"
    return _present(test.left) if none and isinstance(target.operator, _NOT_NONE) else ""


_NOT_NONE = (cst.IsNot, cst.NotEqual)


def _named(node: cst.BaseExpression) -> str:
    """``x`` or ``x.y.z`` (not a constant), else ""."""
    if type(node) is cst.Name:
        return "" if node.value in _CONSTANTS else node.value
    return (dotted_name(node) or "") if type(node) is cst.Attribute else ""


_TRUTHS = frozenset({"bool", "len"})
#: expressions that are tests: comparisons, ``and``/``or``, ``not``
_TESTS = (cst.Comparison, cst.BooleanOperation, cst.UnaryOperation)


def _parts(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The sub-expressions of ``node`` in source order (libcst's ``children`` rebuilds the
    node to list them: 15 times slower). An ``Arg`` gives only its value."""
    split = _PARTS.get(type(node))
    if split is not None:
        return split(node)
    fields = fields_of(type(node))
    if fields is None:
        return list(node.children)
    out: list[cst.CSTNode] = []
    for attr, _ in fields:
        value = getattr(node, attr)
        if isinstance(value, cst.BaseExpression | cst.Arg | cst.ComparisonTarget):
            out.append(value)
        elif isinstance(value, (list, tuple)):
            out += [item for item in value if isinstance(item, cst.CSTNode)]
    return out


_PARTS: dict[type, Callable[[Any], list[cst.CSTNode]]] = {
    cst.Arg: lambda n: [n.value],
    cst.Attribute: lambda n: [n.value],
    cst.Await: lambda n: [n.expression],
    cst.UnaryOperation: lambda n: [n.expression],
    cst.BooleanOperation: lambda n: [n.left, n.right],
    cst.BinaryOperation: lambda n: [n.left, n.right],
    cst.Comparison: lambda n: [n.left, *(t.comparator for t in n.comparisons)],
    cst.Call: lambda n: [n.func, *n.args],
    cst.Subscript: lambda n: [
        n.value,
        *(e.slice.value for e in n.slice if type(e.slice) is cst.Index),
    ],
    cst.SimpleString: lambda n: [],
    cst.Integer: lambda n: [],
}


def _self_flag(test: cst.BaseExpression) -> bool:
    """``test`` is an attribute of ``self``, negated or not (``self.required``)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test = test.expression
    return isinstance(test, cst.Attribute) and _named(test.value) == "self"


def falls_off(node: cst.FunctionDef) -> bool:
    """Whether the end of ``node``'s body may be reached (the function then returns None)."""
    return not last_ends(node.body)


class FlowFacts(ExitIfs, RebindFacts):
    """Hooks that record the ``if`` tests guarding exits, and the ``return`` lines."""

    scope: Scope
    line: int
    exprs: ExprConverter
    open_ifs: list[OpenIf]
    tail_tests: set[int]
    guard_depth: list[int]
    loop_stack: list[list[int]]
    except_depth: list[int]

    def visit_If(self, node: cst.If) -> None:
        """An ``if`` (an ``elif`` too) opens a block; its test is read if an exit is in it."""
        self.open_ifs.append(OpenIf(self.scope, self.line + len(node.leading_lines), node.test))

    def leave_If(self, original_node: cst.If) -> None:
        """An ``if`` holding a ``raise`` or ``return`` of its scope is recorded, and every
        ``if`` at module level (a handful per module, and the ones that configure an app:
        ``if settings.DEBUG: app = FastAPI(debug=True)``) or testing only an attribute of
        ``self`` (a flag an instance is built with: ``if self.auto_enforce: check()``,
        ``builtflags``); the one ending an ``async def`` body also as ``Scope.tail_if``."""
        found = self.open_ifs.pop()
        block = None
        if found.holds or found.scope is self.summary.scope or _self_flag(found.test):
            block = self._if_block(found)
            self.scope.ifs += (block,)
        if id(found.test) in self.tail_tests:
            self.scope.tail_if = block or self._if_block(found)
        lines = (found.first, found.test_end or found.first, found.body_end, self.line)
        position = record_param_test(found.scope, lines, found.test)
        self.pend_exit(original_node, found.scope, position)
        end = found.body_end or self.line
        for name, types in isinstance_tests(found.test):
            self.scope.narrowed += (Narrowing(found.first, end, name, types),)

    def _if_block(self, found: OpenIf) -> IfBlock:
        """The record of the ``if`` being left."""
        wrapped = max(found.test_end - found.first, 0)
        reads = test_reads(found.test)
        present, absent = test_presence(found.test), test_absence(found.test)
        parts = tuple(test_reads(_named_value(part)) for part in test_parts(found.test))
        forms = tuple(test_forms(found.test))
        return IfBlock(
            found.first,
            self.line,
            reads,
            wrapped,
            found.orelse,
            present,
            found.body_end,
            absent,
            parts if len(parts) > 1 else (),
            forms if any(kind for kind, _name in forms) else (),
            call_absence(found.test),
            key_matches(found.test),
        )

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        """An ``async def``'s last ``if`` without ``else`` (``Scope.tail_if``)."""
        body = node.body
        if node.asynchronous is None or not isinstance(body, cst.IndentedBlock) or not body.body:
            return
        last = body.body[-1]
        if isinstance(last, cst.If) and last.orelse is None:
            self.tail_tests.add(id(last.test))

    def visit_If_orelse(self, node: cst.If) -> None:
        """Where an ``if``'s ``else:`` starts (its body is walked, so this is the line after
        it, before the comments above ``else``); an ``elif`` is an ``if`` of its own."""
        if node.orelse is None or not self.open_ifs:
            return
        start = self.line + len(node.orelse.leading_lines)
        self.open_ifs[-1].body_end = start
        if isinstance(node.orelse, cst.Else):
            self.open_ifs[-1].orelse = start

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        """The first body after an ``if``'s test starts on the line its test ends on (the
        ``:``); tests hold no statements, so it is the innermost open ``if``'s body. Its
        ``if`` statements that end it when their test holds are noted (``ExitIfs``)."""
        self._body_starts()
        self.note_exit_ifs(node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        """A body on the ``if`` line itself (``if x: return``)."""
        self._body_starts()

    def _body_starts(self) -> None:
        if self.open_ifs and not self.open_ifs[-1].test_end:
            self.open_ifs[-1].test_end = self.line

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        """``(name := value)`` binds ``name`` in the scope (a comprehension's too): a local
        of a function shadows a module-level name (``(ENABLED := request...)``)."""
        if isinstance(node.target, cst.Name):
            record = Assign(self.exprs.convert(node.value), self.line)
            self.scope.assigns.setdefault(node.target.value, []).append(record)

    def note_exit(self) -> None:
        """A ``raise`` or ``return``: the ``if`` blocks of this scope being walked hold one."""
        for found in reversed(self.open_ifs):
            if found.scope is not self.scope or found.holds:
                break
            found.holds = True

    def note_raised(self, exc: cst.BaseExpression) -> None:
        """``raise name`` (an error made elsewhere: ``raise credentials_exception``): where it
        is, as a call's ``CallSite`` says of a ``raise HTTPException(...)``."""
        if isinstance(exc, cst.Call):
            return
        conditional = self.guard_depth[-1] > 0 or bool(self.loop_stack[-1])
        handled = self.except_depth[-1] > 0
        sparse_dict(self.scope, "raised_names")[self.line] = (conditional, handled)

    def note_return(self, value: cst.BaseExpression | None) -> None:
        """The line of a ``return`` (with a value: parallel to ``Scope.returns``), and what a
        returned test reads (``return key in API_KEYS``: ``Scope.return_reads``)."""
        if value is None:
            self.scope.bare_returns += (self.line,)
        else:
            self.scope.return_lines += (self.line,)
        if isinstance(value, _TESTS) and not _any_or(value):  # not ``key or DEBUG``
            sparse_dict(self.scope, "return_reads")[self.line] = test_reads(value)
        self.note_exit()
