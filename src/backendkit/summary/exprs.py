"""Conversion of libcst expression nodes into the plain ``Expr`` records of ``model``."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from backendkit.summary.literals import token_value
from backendkit.summary.model import (
    OR,
    Attr,
    BinOp,
    Call,
    Const,
    DictExpr,
    Expr,
    FString,
    IfExp,
    Lambda,
    Mapped,
    Name,
    Seq,
    Starred,
    Subscript,
    Unknown,
)

_CONST_NAMES = {"True": True, "False": False, "None": None}


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


class ExprConverter:
    """Converts expressions, memoising by node identity so nested calls are converted once."""

    def __init__(self) -> None:
        self._memo: dict[int, Expr] = {}

    def convert(self, node: cst.BaseExpression | None) -> Expr:
        """The ``Expr`` for ``node`` (``Unknown`` for anything not modelled)."""
        if node is None:
            return Unknown("None")
        key = id(node)
        found = self._memo.get(key)
        if found is not None:
            return found
        handler = _HANDLERS.get(type(node))
        result = handler(self, node) if handler else Unknown(type(node).__name__)
        self._memo[key] = result
        return result

    def _ifexp(self, node: cst.IfExp) -> Expr:
        flag = node.test.value if isinstance(node.test, cst.Name) else ""
        return IfExp(self.convert(node.body), self.convert(node.orelse), flag)

    def _boolop(self, node: cst.BooleanOperation) -> Expr:
        """``a or b`` is one of its operands, as ``a if a else b`` is (an ``and`` stays
        ``Unknown``)."""
        if not isinstance(node.operator, cst.Or):
            return Unknown("BooleanOperation")
        return IfExp(self.convert(node.left), self.convert(node.right), OR)

    def _lambda(self, node: cst.Lambda) -> Expr:
        params = node.params
        if params.params or params.posonly_params or params.kwonly_params:
            return Unknown("Lambda")
        if isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None:
            return Unknown("Lambda")
        return Lambda(self.convert(node.body))

    def optional(self, node: cst.BaseExpression | None) -> Expr | None:
        """Like ``convert`` but keeps ``None`` for an absent node."""
        return None if node is None else self.convert(node)

    def _name(self, node: cst.CSTNode) -> Expr:
        assert isinstance(node, cst.Name)
        if node.value in _CONST_NAMES:
            return Const(_CONST_NAMES[node.value])
        return Name(node.value)

    def _attribute(self, node: cst.CSTNode) -> Expr:
        assert isinstance(node, cst.Attribute)
        dotted = dotted_name(node)
        if dotted is not None:
            return Name(dotted)
        return Attr(self.convert(node.value), node.attr.value)

    def _call(self, node: cst.CSTNode) -> Expr:
        assert isinstance(node, cst.Call)
        args: list[Expr] = []
        kwargs: list[tuple[str, Expr]] = []
        for arg in node.args:
            if arg.star:
                args.append(Unknown("Starred"))
            elif arg.keyword is not None:
                kwargs.append((arg.keyword.value, self.convert(arg.value)))
            else:
                args.append(self.convert(arg.value))
        return Call(self.convert(node.func), tuple(args), tuple(kwargs))

    def _simple_string(self, node: cst.CSTNode) -> Expr:
        assert isinstance(node, cst.SimpleString)
        try:
            return Const(token_value(node))
        except Exception:  # malformed escapes: keep going, the value is just unknown
            return Unknown("SimpleString")

    def _concatenated(self, node: cst.CSTNode) -> Expr:
        assert isinstance(node, cst.ConcatenatedString)
        left, right = self.convert(node.left), self.convert(node.right)
        return BinOp("Add", left, right)

    def _fstring(self, node: cst.CSTNode) -> Expr:
        assert isinstance(node, cst.FormattedString)
        parts: list[Expr] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(Const(part.value.replace("{{", "{").replace("}}", "}")))
            elif isinstance(part, cst.FormattedStringExpression):
                parts.append(self.convert(part.expression))
        return FString(tuple(parts))

    def _number(self, node: cst.CSTNode) -> Expr:
        assert isinstance(node, (cst.Integer, cst.Float))
        try:
            return Const(token_value(node))
        except (ValueError, SyntaxError):
            return Unknown(type(node).__name__)

    def _seq(self, node: cst.CSTNode) -> Expr:
        assert isinstance(node, (cst.List, cst.Tuple, cst.Set))
        items = tuple(
            Starred(self.convert(el.value))
            if isinstance(el, cst.StarredElement)
            else self.convert(el.value)
            for el in node.elements
        )
        return Seq(items, type(node).__name__.lower())

    def _dict(self, node: cst.CSTNode) -> Expr:
        assert isinstance(node, cst.Dict)
        items: list[tuple[Expr | None, Expr]] = []
        for el in node.elements:
            if isinstance(el, cst.DictElement):
                items.append((self.convert(el.key), self.convert(el.value)))
            else:
                items.append((None, self.convert(el.value)))
        return DictExpr(tuple(items))

    def _subscript(self, node: cst.CSTNode) -> Expr:
        assert isinstance(node, cst.Subscript)
        items = tuple(
            self.convert(el.slice.value) if isinstance(el.slice, cst.Index) else Unknown("Slice")
            for el in node.slice
        )
        return Subscript(self.convert(node.value), items)

    def _binop(self, node: cst.CSTNode) -> Expr:
        assert isinstance(node, cst.BinaryOperation)
        op = type(node.operator).__name__
        return BinOp(op, self.convert(node.left), self.convert(node.right))

    def _unary(self, node: cst.CSTNode) -> Expr:
        assert isinstance(node, cst.UnaryOperation)
        inner = self.convert(node.expression)
        if isinstance(node.operator, cst.Minus) and isinstance(inner, Const):
            value = inner.value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return Const(-value)
        return Unknown("UnaryOperation")


def _comprehension(converter: ExprConverter, node: cst.CSTNode) -> Expr:
    """Not modelled, but ``Unknown("Placeholders")`` when every element is a string literal
    or an f-string that interpolates only loop indexes (``f":id{i}" for i in range(n)``,
    ``"?" for _ in ids``): the parameter placeholders of an IN list, not data;
    ``Unknown("Slices")`` for the chunks of a sequence (``_slices``); and
    ``Unknown("NonEmpty")`` when it yields at least once (``non_empty``). Either is a
    ``Mapped`` of the same kind when each element is its item or methods called on it
    (``o.strip()``), read with the ``converter``. The converter's handler of comprehensions."""
    assert isinstance(node, (cst.GeneratorExp, cst.ListComp, cst.SetComp))
    found = _comprehension_kind(node)
    target = _mapping_target(node)
    if target is None:
        return found
    element, iterable = converter.convert(node.elt), converter.convert(node.for_in.iter)
    return Mapped(found.kind, element, target, iterable)


def _mapping_target(node: cst.GeneratorExp | cst.ListComp | cst.SetComp) -> str | None:
    """The name each item is bound to, when the comprehension has one plain ``for`` and no
    ``if`` and its element is that name or methods called on it (``o.strip().lower()``)."""
    comp = node.for_in
    if comp.ifs or comp.inner_for_in is not None or comp.asynchronous is not None:
        return None
    if not isinstance(comp.target, cst.Name):
        return None
    element = node.elt
    while isinstance(element, cst.Call) and isinstance(element.func, cst.Attribute):
        element = element.func.value
    return comp.target.value if _is_name(element, comp.target.value) else None


def _is_name(node: cst.CSTNode, name: str) -> bool:
    """``node`` is the plain name ``name``."""
    return isinstance(node, cst.Name) and node.value == name


def _comprehension_kind(node: cst.GeneratorExp | cst.ListComp | cst.SetComp) -> Unknown:
    """What ``_comprehension`` says of a comprehension it does not map."""
    element = node.elt
    if non_empty(node.for_in):
        return Unknown("NonEmpty")
    if isinstance(element, cst.SimpleString):
        return Unknown("Placeholders")
    if _slices(node):
        return Unknown("Slices")
    if isinstance(element, cst.FormattedString):
        indexes = _loop_indexes(node.for_in)
        expressions = [p.expression for p in element.parts if hasattr(p, "expression")]
        if all(isinstance(e, cst.Name) and e.value in indexes for e in expressions):
            return Unknown("Placeholders")
    return Unknown(type(node).__name__)


def _slices(node: cst.GeneratorExp | cst.ListComp | cst.SetComp) -> bool:
    """``[ids[i : i + n] for i in range(0, len(ids), n)]``: one ``for`` over a stepped
    ``range`` (three arguments), no ``if``, each element a slice starting at its index (the
    chunks of a sequence)."""
    comp, element = node.for_in, node.elt
    if comp.ifs or comp.inner_for_in is not None or not isinstance(comp.target, cst.Name):
        return False
    if not _stepped(comp.iter) or not isinstance(element, cst.Subscript):
        return False
    cut = element.slice[0].slice if len(element.slice) == 1 else None
    if not isinstance(cut, cst.Slice) or cut.lower is None or cut.upper is None:
        return False
    return _is_name(cut.lower, comp.target.value)


def _stepped(it: cst.BaseExpression) -> bool:
    """``range(start, stop, step)`` with a step that is not the literal 1."""
    if not (isinstance(it, cst.Call) and _is_name(it.func, "range") and len(it.args) == 3):
        return False
    step = it.args[2].value
    return not (isinstance(step, cst.Integer) and step.value == "1")


def non_empty(comp: cst.CompFor) -> bool:
    """A comprehension with this one ``for`` and no ``if`` yields at least once: it loops
    over ``x.split(sep)`` or ``x.rsplit(sep)`` (``[k.strip() for k in KEYS.split(",")]`` is
    ``[""]`` for an empty ``KEYS``; without ``sep``, ``"".split()`` is ``[]``)."""
    if comp.ifs or comp.inner_for_in is not None or comp.asynchronous is not None:
        return False
    return _split_by(comp.iter)


def _split_by(it: cst.BaseExpression) -> bool:
    """``it`` is ``x.split(sep)`` or ``x.rsplit(sep)`` with a ``sep`` that is not None."""
    if not isinstance(it, cst.Call) or not isinstance(it.func, cst.Attribute):
        return False
    if it.func.attr.value not in ("split", "rsplit") or not it.args:
        return False
    sep = it.args[0]
    given = sep.keyword is None or sep.keyword.value == "sep"
    none = isinstance(sep.value, cst.Name) and sep.value.value == "None"
    return given and not sep.star and not none


def _loop_indexes(comp: cst.CompFor | None) -> set[str]:
    """Names a comprehension binds to counters: ``i`` of ``for i in range(...)`` and of
    ``for i, _ in enumerate(...)``."""
    names: set[str] = set()
    while comp is not None:
        it, target = comp.iter, comp.target
        callee = it.func.value if isinstance(it, cst.Call) and isinstance(it.func, cst.Name) else ""
        if callee == "range" and isinstance(target, cst.Name):
            names.add(target.value)
        elif callee == "enumerate" and isinstance(target, cst.Tuple) and target.elements:
            first = target.elements[0].value
            if isinstance(first, cst.Name):
                names.add(first.value)
        comp = comp.inner_for_in
    return names


#: The converter's handler of each node type. A table on the instance would hold its own bound
#: methods: a reference cycle, which keeps the memo and every expression it converted alive
#: until the cycle collector runs, and the parsing workers run without it (``runner.py``).
_HANDLERS: dict[type, Callable[..., Expr]] = {
    cst.Name: ExprConverter._name,
    cst.Attribute: ExprConverter._attribute,
    cst.Call: ExprConverter._call,
    cst.SimpleString: ExprConverter._simple_string,
    cst.ConcatenatedString: ExprConverter._concatenated,
    cst.FormattedString: ExprConverter._fstring,
    cst.Integer: ExprConverter._number,
    cst.Float: ExprConverter._number,
    cst.List: ExprConverter._seq,
    cst.Tuple: ExprConverter._seq,
    cst.Set: ExprConverter._seq,
    cst.Dict: ExprConverter._dict,
    cst.Subscript: ExprConverter._subscript,
    cst.BinaryOperation: ExprConverter._binop,
    cst.UnaryOperation: ExprConverter._unary,
    cst.IfExp: ExprConverter._ifexp,
    cst.BooleanOperation: ExprConverter._boolop,
    cst.Lambda: ExprConverter._lambda,
    cst.GeneratorExp: _comprehension,
    cst.ListComp: _comprehension,
    cst.SetComp: _comprehension,
}
