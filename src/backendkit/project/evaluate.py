"""Static evaluation of expressions: constants, string and list arithmetic, settings defaults,
instances created by calls, and values returned by factory functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from backendkit.project.symbols import (
    ClassSym,
    Ctx,
    External,
    FuncSym,
    Instance,
    ModuleSym,
    OneOf,
    ParamSym,
    Symbol,
    Unresolved,
    Value,
    VarSym,
)
from backendkit.summary.model import (
    Attr,
    BinOp,
    Call,
    Const,
    Expr,
    FString,
    LoopItem,
    Name,
    Seq,
    Unknown,
)

if TYPE_CHECKING:
    from backendkit.project.index import ProjectIndex

MAX_DEPTH = 40
MAX_NESTING = 120  # bounds re-entrant evaluation (well under Python's recursion limit)


class Evaluator:
    """Evaluates expressions against a ``ProjectIndex``; results are memoised per variable."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._memo: dict[tuple[object, ...], Value] = {}
        #: loop line -> iteration index, set while a call inside loops is evaluated per iteration
        self.env: dict[tuple[str, int], int] = {}
        self._nesting = 0  # evaluations in progress, across re-entrant chains
        self._handlers: dict[type, Callable[[Any, Ctx, int], Value]] = {
            Name: self._name_expr,
            Attr: self._attr_expr,
            Call: self.call,
            Seq: self._seq_expr,
            BinOp: self._binop,
            FString: self._fstring,
            LoopItem: self._loop_item,
        }

    def value(self, expr: Expr | None, ctx: Ctx, depth: int = 0) -> Value:
        """The static value of ``expr`` in ``ctx`` (``Unresolved`` when unknown)."""
        if expr is None:
            return Unresolved("no value")
        if depth > MAX_DEPTH:
            return Unresolved("evaluation too deep")
        if isinstance(expr, Const):
            return expr.value
        handler = self._handlers.get(type(expr))
        if handler is None:
            kind = expr.kind if isinstance(expr, Unknown) else type(expr).__name__
            return Unresolved(f"{kind} expression")
        if self._nesting > MAX_NESTING:
            return Unresolved("evaluation nested too deeply")
        self._nesting += 1
        try:
            return handler(expr, ctx, depth + 1)
        finally:
            self._nesting -= 1

    def _name_expr(self, expr: Name, ctx: Ctx, depth: int) -> Value:
        return self._name(expr.dotted, ctx, depth)

    def _attr_expr(self, expr: Attr, ctx: Ctx, depth: int) -> Value:
        return self.attribute(self.value(expr.value, ctx, depth), expr.attr, depth)

    def _seq_expr(self, expr: Seq, ctx: Ctx, depth: int) -> Value:
        return [self.value(item, ctx, depth) for item in expr.items]

    def _name(self, dotted: str, ctx: Ctx, depth: int) -> Value:
        head, _, rest = dotted.partition(".")
        current: Value = self.follow(self.index.lookup(head, ctx, depth), depth + 1)
        for attr in rest.split(".") if rest else ():
            current = self.attribute(current, attr, depth + 1)
        return current

    def follow(self, symbol: Symbol | Value, depth: int = 0) -> Value:
        """Follow a variable to the value it holds; other symbols are returned as they are."""
        if isinstance(symbol, ParamSym):
            return self._param(symbol, depth + 1)
        if not isinstance(symbol, VarSym):
            return symbol
        env = tuple(sorted(self.env.items())) if isinstance(symbol.assign.value, LoopItem) else ()
        key = (symbol.ctx.module.module, symbol.qualname, symbol.assign.line, env)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = Unresolved(f"{symbol.qualname} refers to itself")
        result = self._var_value(symbol, depth + 1)
        self._memo[key] = result
        return result

    def _var_value(self, var: VarSym, depth: int) -> Value:
        expr = var.assign.value
        if expr is None:
            return Unresolved(f"{var.qualname} has no value")
        if _is_field_call(expr, self, var.ctx, depth):
            assert isinstance(expr, Call)
            expr = expr.arg(0, "default")
        result = self.value(expr, var.ctx, depth + 1)
        if isinstance(result, Instance) and result.origin is None:
            return Instance(result.cls, result.call, result.ctx, var)
        return result

    def _loop_item(self, item: LoopItem, ctx: Ctx, depth: int) -> Value:
        items = self.value(item.iterable, ctx, depth + 1)
        if not isinstance(items, list):
            return Unresolved("loop over a value that is not a static list")
        if item.index is not None:
            items = [
                v[item.index]
                if isinstance(v, list) and item.index < len(v)
                else Unresolved("loop item is not a tuple")
                for v in items
            ]
        position = self.env.get((ctx.module.module, item.loop))
        if position is not None and position < len(items):
            return items[position]
        return OneOf(tuple(items))

    def loop_length(self, iterable: Expr, ctx: Ctx) -> int | None:
        """How many times a ``for`` over ``iterable`` runs, when that is static."""
        items = self.value(iterable, ctx)
        return len(items) if isinstance(items, list) else None

    def _param(self, param: ParamSym, depth: int) -> Value:
        if depth > MAX_DEPTH:
            return Unresolved("evaluation too deep")
        key = ("param", param.qualname)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = Unresolved(f"parameter {param.name} depends on itself")
        values: list[Value] = []
        for call, where in self.index.callers(param.func):
            expr = call.arg(param.index, param.name)
            if expr is None:
                expr = param.func.params[param.index].default
                where = param.ctx
            if expr is not None:
                values.append(self.value(expr, where, depth + 1))
        result = _one_or_many(values, param)
        self._memo[key] = result
        return result

    def attribute(self, value: Value, attr: str, depth: int = 0) -> Value:
        """``value.attr`` for modules, classes, instances of project classes and externals."""
        if depth > MAX_DEPTH:
            return Unresolved("evaluation too deep")
        if isinstance(value, (ModuleSym, ClassSym, External)):
            return self.follow(self.index.member(value, attr, depth + 1), depth + 1)
        if isinstance(value, Instance) and isinstance(value.cls, ClassSym):
            return self._instance_attr(value, attr, depth + 1)
        if isinstance(value, Unresolved):
            return value
        return Unresolved(f"attribute {attr} of a {type(value).__name__}")

    def _instance_attr(self, inst: Instance, attr: str, depth: int) -> Value:
        assert isinstance(inst.cls, ClassSym)
        keyword = inst.call.kwarg(attr)
        if keyword is not None:
            return self.value(keyword, inst.ctx, depth + 1)
        member = self.index.class_member(inst.cls, attr, depth + 1)
        if isinstance(member, VarSym):
            return self.follow(member, depth + 1)
        if member is None:
            for klass in self.index.mro(inst.cls, depth + 1):
                if attr in klass.info.instance_attrs:
                    return Unresolved(f"{attr} is set in {klass.qualname}.__init__")
            return Unresolved(f"{inst.cls.qualname} has no field {attr}")
        return member

    def call(self, call: Call, ctx: Ctx, depth: int = 0) -> Value:
        """The value of a call: an ``Instance`` of a class, or what a factory returns."""
        callee = self.value(call.func, ctx, depth + 1)
        if isinstance(callee, (ClassSym, External)):
            return Instance(callee, call, ctx)
        if isinstance(callee, FuncSym):
            return self.returned(callee, depth + 1)
        if isinstance(callee, Unresolved):
            return Unresolved(f"call of unknown callee ({callee.reason})")
        return Unresolved(f"call of a {type(callee).__name__}")

    def returned(self, func: FuncSym, depth: int = 0) -> Value:
        """The first statically known value ``func`` returns."""
        inner = func.ctx.enter(func.info)
        last: Value = Unresolved(f"{func.qualname} returns nothing known")
        for expr in func.info.scope.returns:
            result = self.value(expr, inner, depth + 1)
            if not isinstance(result, Unresolved):
                return result
            last = result
        return last

    def _binop(self, expr: BinOp, ctx: Ctx, depth: int) -> Value:
        left = self.value(expr.left, ctx, depth)
        right = self.value(expr.right, ctx, depth)
        if expr.op == "Add":
            if isinstance(left, str) and isinstance(right, str):
                return left + right
            if isinstance(left, list) and isinstance(right, list):
                return left + right
        return Unresolved(f"{expr.op} of non-constant values")

    def _fstring(self, expr: FString, ctx: Ctx, depth: int) -> Value:
        parts: list[str] = []
        for part in expr.parts:
            value = self.value(part, ctx, depth)
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                return Unresolved("f-string with a non-constant part")
            parts.append(str(value))
        return "".join(parts)


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, Instance) and isinstance(b, Instance):
        return a.origin is not None and a.origin == b.origin
    return type(a) is type(b) and a == b


def _one_or_many(values: list[Value], param: ParamSym) -> Value:
    distinct: list[Value] = []
    for value in values:
        if not any(_same(value, seen) for seen in distinct):
            distinct.append(value)
    if not distinct:
        default = param.func.params[param.index].default
        if default is None:
            return Unresolved(f"parameter {param.name} of {param.func.qualname} has no callers")
        return Unresolved(f"parameter {param.name} keeps its default")
    return distinct[0] if len(distinct) == 1 else OneOf(tuple(distinct))


def _is_field_call(expr: Expr, evaluator: Evaluator, ctx: Ctx, depth: int) -> bool:
    """``pydantic.Field(...)`` (the field default is its first argument or ``default=``)."""
    if not isinstance(expr, Call) or not isinstance(expr.func, Name):
        return False
    if not expr.func.dotted.endswith("Field"):
        return False
    callee = evaluator.index.lookup(expr.func.dotted, ctx, depth)
    return isinstance(callee, External) and callee.is_from("pydantic", "sqlmodel")
