"""Values that are numbers whatever they were made from, for BK110: no SQL can come in
through a number. ``int(x)``, ``float(x)``, ``len(x)``, ``bool(x)``; and a call of a project
function or method whose return annotation is ``int``, ``float`` or ``bool``
(``def generate_lock_id(name: str) -> int``), or, unannotated, whose every ``return`` gives a
number: a numeric literal, one of those calls, or arithmetic of numbers
(``int(digest, 16) % (2**63)``). An item of a tuple such a function returns
(``f()[0]``, which ``a, b = f()`` binds) is a number when the annotation gives a number at
its position (``-> tuple[int, float]``; ``tuple[int, ...]`` for all) or, unannotated, every
``return`` is a tuple display with a number there."""

from __future__ import annotations

from backendkit.project.index import ProjectIndex
from backendkit.project.members import MethodValues
from backendkit.project.symbols import Ctx, FuncSym, ParamSym
from backendkit.summary.model import BinOp, Call, Const, Expr, Name, Seq, Subscript, Unknown

#: builtins whose result is a number or a bool whatever they are given
NUMERIC_BUILTINS = frozenset({"len", "int", "float", "bool"})
#: annotations of a number
NUMBER_TYPES = frozenset({"int", "float", "bool"})
#: generics of a tuple (``tuple[int, int]``, ``typing.Tuple[int, ...]``)
_TUPLES = frozenset({"tuple", "Tuple"})
#: operators of numbers giving a number (``%`` of a string formats it: both sides must be numbers)
_OPERATORS = frozenset(
    {"Add", "Subtract", "Multiply", "Divide", "FloorDivide", "Modulo", "Power"}
    | {"BitAnd", "BitOr", "BitXor", "LeftShift", "RightShift"}
)
#: builtins whose result from numbers is a number
_OF_NUMBERS = frozenset({"min", "max", "abs", "round"})
MAX_DEPTH = 4


def is_numeric_builtin(expr: Expr) -> bool:
    """``int(x)``, ``float(x)``, ``len(x)``, ``bool(x)``: a number, whatever ``x`` is."""
    if not isinstance(expr, Call) or len(expr.args) != 1 or expr.kwargs:
        return False
    return isinstance(expr.func, Name) and expr.func.dotted in NUMERIC_BUILTINS


def _of_numbers(call: Call) -> bool:
    """``min(...)``, ``max(...)``, ``abs(x)``, ``round(x)``: a number when their arguments are."""
    func = call.func
    return isinstance(func, Name) and func.dotted in _OF_NUMBERS and bool(call.args)


class Numbers:
    """Tells expressions that are numbers, following calls of project functions."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self.methods = MethodValues(index)

    def number(self, expr: Expr | None, ctx: Ctx, depth: int = 0) -> bool:
        """``expr`` evaluates to a number (an ``int``, ``float`` or ``bool``) in ``ctx``."""
        if expr is None or depth > MAX_DEPTH:
            return False
        if isinstance(expr, Const):
            return isinstance(expr.value, int | float)  # bool is an int
        if isinstance(expr, BinOp):
            return expr.op in _OPERATORS and all(
                self.number(side, ctx, depth + 1) for side in (expr.left, expr.right)
            )
        if isinstance(expr, Call):
            return self._numeric_result(expr, ctx, depth)
        return isinstance(expr, Subscript) and self.numeric_item(expr, ctx, depth)

    def _numeric_result(self, call: Call, ctx: Ctx, depth: int) -> bool:
        """``int(x)``, ``max(1, n)`` of numbers, or a project function giving a number."""
        if _of_numbers(call):
            return all(self.number(arg, ctx, depth + 1) for arg in call.args)
        return is_numeric_builtin(call) or self.numeric_call(call, ctx, depth)

    def numeric_call(self, expr: Expr, ctx: Ctx, depth: int = 0) -> bool:
        """A call of a project function annotated to return a number, or whose every return
        is a number (a function without ``return`` gives None: not one)."""
        if not isinstance(expr, Call) or not isinstance(expr.func, Name) or depth > MAX_DEPTH:
            return False
        func = self._function(expr.func.dotted, ctx)
        if func is None:
            return False
        annotation = func.info.returns
        if annotation is not None:
            return isinstance(annotation, Name) and annotation.dotted in NUMBER_TYPES
        returns = func.info.scope.returns
        body = func.ctx.enter(func.info)
        return bool(returns) and all(self.number(value, body, depth + 1) for value in returns)

    def numeric_item(self, expr: Expr, ctx: Ctx, depth: int = 0) -> bool:
        """``f()[i]`` (what ``a, b = f()`` binds to ``b``: ``f()[1]``) is a number: the
        project function ``f`` is annotated to return a tuple with a number at position ``i``
        (``-> Tuple[int, int]``, ``-> tuple[int, ...]``), or, unannotated, every ``return``
        of it is a tuple display whose item ``i`` is a number."""
        position = _position(expr)
        call = expr.value if isinstance(expr, Subscript) else None
        if position is None or not isinstance(call, Call) or not isinstance(call.func, Name):
            return False
        func = self._function(call.func.dotted, ctx) if depth <= MAX_DEPTH else None
        if func is None:
            return False
        if func.info.returns is not None:
            return _tuple_item(func.info.returns, position) in NUMBER_TYPES
        return self._returned_items(func, position, depth)

    def _returned_items(self, func: FuncSym, position: int, depth: int) -> bool:
        """Every ``return`` of ``func`` is a tuple display with a number at ``position``."""
        returns = func.info.scope.returns
        body = func.ctx.enter(func.info)
        return bool(returns) and all(
            isinstance(value, Seq) and self.number(_item(value.items, position), body, depth + 1)
            for value in returns
        )

    def _function(self, dotted: str, ctx: Ctx) -> FuncSym | None:
        """The project function ``dotted`` names, or the method ``self.name`` / ``cls.name``
        of the class (or a project base) of the method ``ctx`` is in."""
        head, _, attr = dotted.partition(".")
        param = self.index.lookup(head, ctx) if head in ("self", "cls") else None
        if isinstance(param, ParamSym) and attr and "." not in attr:
            cls = self.methods.owner_class(param)
            found = self.index.class_member(cls, attr) if cls is not None else None
        else:
            found = self.index.resolve_expr(Name(dotted), ctx)
        return found if isinstance(found, FuncSym) else None


def _position(expr: Expr) -> int | None:
    """``i`` of ``value[i]`` with an integer literal ``i``."""
    if not isinstance(expr, Subscript) or len(expr.items) != 1:
        return None
    index = expr.items[0]
    if isinstance(index, Const) and type(index.value) is int:
        return index.value
    return None


def _item(items: tuple[Expr, ...], position: int) -> Expr | None:
    """``items[position]``, or None out of range."""
    return items[position] if -len(items) <= position < len(items) else None


def _tuple_item(annotation: Expr, position: int) -> str:
    """The type name at ``position`` of a tuple annotation (``int`` of ``tuple[str, int]`` at
    1; of ``tuple[int, ...]`` at any position); ``""`` when not a tuple or not a name."""
    if not isinstance(annotation, Subscript) or not isinstance(annotation.value, Name):
        return ""
    if annotation.value.dotted.rpartition(".")[2] not in _TUPLES:
        return ""
    items = annotation.items
    if len(items) == 2 and items[1] == Unknown("Ellipsis"):
        items = items[:1]
        position = 0
    item = _item(items, position)
    return item.dotted if isinstance(item, Name) else ""
