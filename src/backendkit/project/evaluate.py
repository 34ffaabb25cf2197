"""Static evaluation of expressions: constants, string and list arithmetic, settings defaults,
instances created by calls, and values returned by factory functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from backendkit.project.bindings import bound_result, earlier_binding
from backendkit.project.listadds import GrownLists
from backendkit.project.returns import MAX_RETURNS, Origin, combine
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
from backendkit.project.text import expr_text
from backendkit.project.valueops import (
    DistinctValues,
    alternatives_of,
    is_key,
    keyed,
    merged,
    same_value,
)
from backendkit.summary.model import (
    Attr,
    BinOp,
    Call,
    Const,
    DictExpr,
    Expr,
    FString,
    FunctionInfo,
    IfExp,
    LoopItem,
    Name,
    Seq,
    Subscript,
    Unknown,
)

if TYPE_CHECKING:
    from backendkit.project.index import ProjectIndex

MAX_DEPTH = 40
_MISSING = object()  # no answer memoised
MAX_NESTING = 120  # bounds re-entrant evaluation (well under Python's recursion limit)
# a static dict's views, as the lists a loop over them goes through
_DICT_VIEWS: dict[str, Callable[[dict[object, Value]], list[Value]]] = {
    "items": lambda d: [[key, value] for key, value in d.items()],
    "keys": lambda d: list(d),
    "values": lambda d: list(d.values()),
}


class Evaluator:
    """Evaluates expressions against a ``ProjectIndex``; results are memoised per variable."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._memo: dict[tuple[object, ...], Value] = {}
        #: variables and parameters whose value is being computed: a variable met again is its
        #: earlier binding, a parameter met again has no value (a cycle through its callers)
        self._computing: set[tuple[object, ...]] = set()
        #: how often a computation met one in progress or went too deep: an answer that did
        #: depends on where the evaluation started, so it is kept only until the outermost
        #: evaluation ends (``_transient``), not for the run (``_kept``)
        self._cuts = 0
        self._transient: dict[tuple[object, ...], Value] = {}
        #: loop line -> iteration index, set while a call inside loops is evaluated per iteration
        self.env: dict[tuple[str, int], int] = {}
        self._nesting = 0  # evaluations in progress, across re-entrant chains
        self.lists = GrownLists(self)  # what loops over lists built in steps go through
        self._handlers: dict[type, Callable[[Any, Ctx, int], Value]] = {
            Name: self._name_expr,
            Attr: self._attr_expr,
            Call: self.call,
            Seq: self._seq_expr,
            DictExpr: self._dict_expr,
            Subscript: self._subscript,
            BinOp: self._binop,
            FString: self._fstring,
            LoopItem: self._loop_item,
            IfExp: self._ifexp,
        }

    def value(self, expr: Expr | None, ctx: Ctx, depth: int = 0) -> Value:
        """The static value of ``expr`` in ``ctx`` (``Unresolved`` when unknown)."""
        if expr is None:
            return Unresolved("no value")
        if depth > MAX_DEPTH:
            self._cuts += 1
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

    def _ifexp(self, expr: IfExp, ctx: Ctx, depth: int) -> Value:
        """``a if test else b``: either value (the test is not evaluated); one when both
        are the same."""
        body, orelse = self.value(expr.body, ctx, depth), self.value(expr.orelse, ctx, depth)
        if same_value(body, orelse):
            return body
        return OneOf((*alternatives_of(body), *alternatives_of(orelse)))

    def _name_expr(self, expr: Name, ctx: Ctx, depth: int) -> Value:
        return self._name(expr.dotted, ctx, depth)

    def _attr_expr(self, expr: Attr, ctx: Ctx, depth: int) -> Value:
        return self.attribute(self.value(expr.value, ctx, depth), expr.attr, depth)

    def _seq_expr(self, expr: Seq, ctx: Ctx, depth: int) -> Value:
        return [self.value(item, ctx, depth) for item in expr.items]

    def _dict_expr(self, expr: DictExpr, ctx: Ctx, depth: int) -> Value:
        """A dict display whose keys (and ``**`` entries) are static."""
        out: dict[object, Value] = {}
        for key_expr, value_expr in expr.items:
            if key_expr is None:
                spread = self.value(value_expr, ctx, depth)
                if not isinstance(spread, dict):
                    return Unresolved("dict with a ** entry that is not a static dict")
                out.update(spread)
                continue
            key = self.value(key_expr, ctx, depth)
            if not is_key(key):
                return Unresolved("dict with a key that is not a constant")
            out[key] = self.value(value_expr, ctx, depth)
        return out

    def _subscript(self, expr: Subscript, ctx: Ctx, depth: int) -> Value:
        """``container[key]`` for a static dict or list and a static key (each key of a
        ``OneOf``, such as a loop variable outside its iterations)."""
        if len(expr.items) != 1:
            return Unresolved("subscript with several items")
        container = self.value(expr.value, ctx, depth)
        key = self.value(expr.items[0], ctx, depth)
        if isinstance(container, OneOf):  # ``a, b = f()`` where ``f`` returns several tuples
            return merged([keyed(option, key) for option in alternatives_of(container)])
        return keyed(container, key)

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
        env: tuple[tuple[tuple[str, int], int], ...] = ()
        if self.env:
            symbol = self._iterated_binding(symbol)
            env = self._positions()
        key = (symbol.ctx.module.module, symbol.qualname, symbol.assign.line, env)
        if key in self._computing:
            self._cuts += 1
            earlier = earlier_binding(symbol)
            if earlier is None:
                return Unresolved(f"{symbol.qualname} refers to itself")
            return self.follow(earlier, depth + 1)
        known = self._known(key)
        if known is not _MISSING:
            return known  # type: ignore[return-value]
        return self._kept(key, lambda: self._var_value(symbol, depth + 1))

    def _known(self, key: tuple[object, ...]) -> object:
        """The memoised answer for ``key`` (for the run, or for this evaluation), or
        ``_MISSING``."""
        known = self._memo.get(key, _MISSING)
        return self._transient.get(key, _MISSING) if known is _MISSING else known

    def _kept(self, key: tuple[object, ...], compute: Callable[[], Value]) -> Value:
        """``compute()`` with ``key`` in progress, memoised unless a cycle was cut or the
        evaluation went too deep meanwhile (here or in the index's name resolution): such an
        answer depends on where the evaluation entered the cycle, and a run focused on some
        files, or one rule group, must get the answers a whole run gets."""
        state = (self._cuts, self.index.cut_count())
        self._computing.add(key)
        try:
            result = compute()
        finally:
            self._computing.discard(key)
        if (self._cuts, self.index.cut_count()) == state:
            self._memo[key] = result
        else:  # reused within this evaluation only: a cycle is not searched again and again
            self._transient[key] = result
        if not self._computing:
            self._transient.clear()  # the outermost evaluation is done
        return result

    def _positions(self) -> tuple[tuple[tuple[str, int], int], ...]:
        """The iteration being evaluated, as part of a memo key. Any value met while loops are
        iterated may depend on them (``prefix = f"/{name}"`` in the body, a variable of another
        module or a parameter computed from one), so each iteration has its own answers."""
        return tuple(sorted(self.env.items()))

    def _iterated_binding(self, var: VarSym) -> VarSym:
        """The binding of ``var``'s name by a loop being iterated, when several loops of its
        scope bind that name (``for v in A: ...`` then ``for v in B: ...``): inside a loop,
        its own variable, not the scope's last assignment of the name. Only a loop variable
        is redirected: ``p = p + "/z"`` in a loop body is that new binding."""
        if not isinstance(var.assign.value, LoopItem):
            return var
        for assign in reversed(var.ctx.scopes[-1].assigns.get(var.name, ())):
            item = assign.value
            if isinstance(item, LoopItem) and (var.ctx.module.module, item.loop) in self.env:
                return var if assign is var.assign else VarSym(var.name, assign, var.ctx)
        return var

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
        found = self.lists.iterated(item.iterable, ctx, item.loop, depth + 1)
        if found is None:
            return Unresolved("loop over a value that is not a static list or dict")
        items = [value for value, _conditional in found]
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

    def _param(self, param: ParamSym, depth: int) -> Value:
        if depth > MAX_DEPTH:
            self._cuts += 1
            return Unresolved("evaluation too deep")
        key = ("param", param.qualname, self._positions() if self.env else ())
        if key in self._computing:
            self._cuts += 1
            return Unresolved(f"parameter {param.name} depends on itself")
        known = self._known(key)
        if known is not _MISSING:
            return known  # type: ignore[return-value]
        return self._kept(key, lambda: self._passed(param, depth))

    def _passed(self, param: ParamSym, depth: int) -> Value:
        """What the callers of ``param``'s function pass for it."""
        values: list[Value] = []
        for call, where in self.index.callers(param.func):
            passed = self._argument(param, call, where)
            if passed is not None:
                value = self.value(*passed, depth + 1)
                values.append(bound_result(value, param, call, passed[1]))
        return _one_or_many(values, param)

    def _argument(self, param: ParamSym, call: Call, where: Ctx) -> tuple[Expr, Ctx] | None:
        """What ``call`` (made in ``where``) passes for ``param`` and where to evaluate it: its
        argument, else the parameter's default; None for ``self`` or ``cls`` (the receiver)
        and a parameter with neither."""
        position = param.index - self._unpassed(param.func, call, where)
        if position < 0:
            return None
        expr = call.arg(position, param.name)
        if expr is not None:
            return expr, where
        default = param.func.params[param.index].default
        return None if default is None else (default, param.head())  # not in the body

    def _unpassed(self, func: FunctionInfo, call: Call, where: Ctx) -> int:
        """How many leading parameters of ``func`` a call does not pass: one for a method's
        ``self`` called on an instance (``obj.method(x)``, ``Maker().build(x)``) or a
        classmethod's ``cls`` (``Cls.make(x)``), none for ``Cls.method(obj, x)``, a
        staticmethod or a plain function (a bound method called through a plain name,
        ``run = obj.method; run(x)``, is taken for a function)."""
        params = func.params
        if not params or params[0].name not in ("self", "cls"):
            return 0
        if decorated_with(func, "staticmethod"):
            return 0
        callee = call.func
        if isinstance(callee, Attr):
            receiver: Symbol | Value = self.value(callee.value, where)
        elif isinstance(callee, Name) and "." in callee.dotted:
            receiver = self.index.lookup(callee.dotted.rpartition(".")[0], where)
        else:
            return 0
        if decorated_with(func, "classmethod"):
            return 1
        return 0 if isinstance(receiver, (ClassSym, ModuleSym)) else 1

    def attribute(self, value: Value, attr: str, depth: int = 0) -> Value:
        """``value.attr`` for modules, classes, instances of project classes and externals."""
        if depth > MAX_DEPTH:
            self._cuts += 1
            return Unresolved("evaluation too deep")
        if isinstance(value, (ModuleSym, ClassSym, External)):
            return self.follow(self.index.member(value, attr, depth + 1), depth + 1)
        if isinstance(value, Instance) and isinstance(value.cls, ClassSym):
            return self._instance_attr(value, attr, depth + 1)
        if isinstance(value, Unresolved):
            return value
        if isinstance(value, OneOf):
            return self._common_attribute(value, attr, depth + 1)
        return Unresolved(f"attribute {attr} of a {type(value).__name__}")

    def _common_attribute(self, value: OneOf, attr: str, depth: int) -> Value:
        """``value.attr`` when it is the same for every value of ``value`` (an inherited
        method of the instances a factory returns, say)."""
        found = [self.attribute(option, attr, depth) for option in value.values]
        if found and all(same_value(option, found[0]) for option in found[1:]):
            return found[0]
        return Unresolved(f"attribute {attr} differs between the values of a OneOf")

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
        """The value of a call: an ``Instance`` of a class, what a factory returns, or the
        entries of a static dict's ``items()``, ``keys()`` or ``values()``."""
        view = _view_method(call)
        if view is None:
            callee = self.value(call.func, ctx, depth + 1)
        else:
            receiver = self.value(view[0], ctx, depth + 1)
            if isinstance(receiver, dict):
                return _DICT_VIEWS[view[1]](receiver)
            callee = self.attribute(receiver, view[1], depth + 1)
        if isinstance(callee, (ClassSym, External)):
            return Instance(callee, call, ctx)
        if isinstance(callee, FuncSym):
            return self.returned(callee, depth + 1, (call, ctx))
        if isinstance(callee, Unresolved):
            return Unresolved(f"call of unknown callee ({callee.reason})")
        return Unresolved(f"call of a {type(callee).__name__}")

    def returned(
        self, func: FuncSym, depth: int = 0, site: tuple[Call, Ctx] | None = None
    ) -> Value:
        """What a call of ``func`` gives back: the value of its returns when they agree, else
        each statically known one (``returns.Returned``, with the ``return`` of each: a
        factory choosing a provider by configuration gives every provider); for the call
        ``site`` (the call and its context), a returned parameter (``app.state.x = 1; return
        app``) is what that call passes for it, not what every caller passes; a returned list
        built in steps holds what was added to it before the ``return``."""
        inner = func.ctx.enter(func.info)
        last: Value = Unresolved(f"{func.qualname} returns nothing known")
        lines = func.info.scope.return_lines
        found: list[tuple[Value, Origin]] = []
        for position, expr in enumerate(func.info.scope.returns[:MAX_RETURNS]):
            passed = self._returned_argument(expr, func, inner, site, depth)
            line = lines[position] if position < len(lines) else None
            result = (
                self.value(*passed, depth + 1)
                if passed
                else self.lists.at_line(expr, inner, line, depth + 1)
            )
            if isinstance(result, Unresolved):
                last = result
            else:
                where = (func.ctx.module.path, line or func.info.line, f"return {expr_text(expr)}")
                found.append((result, where))
        return combine(found, same_value, func.qualname, last)

    def _returned_argument(
        self, expr: Expr, func: FuncSym, inner: Ctx, site: tuple[Call, Ctx] | None, depth: int
    ) -> tuple[Expr, Ctx] | None:
        """The argument ``site`` passes for the parameter of ``func`` that ``expr`` (a return
        value) names, with its context."""
        if site is None or not isinstance(expr, Name) or "." in expr.dotted:
            return None
        symbol = self.index.lookup(expr.dotted, inner, depth + 1)
        if not isinstance(symbol, ParamSym) or symbol.func is not func.info:
            return None
        return self._argument(symbol, *site)

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


def _view_method(call: Call) -> tuple[Expr, str] | None:
    """``(receiver, method)`` of a call of ``x.items()``, ``x.keys()`` or ``x.values()``."""
    func = call.func
    if call.args or call.kwargs:
        return None
    if isinstance(func, Name) and "." in func.dotted:
        receiver, _, method = func.dotted.rpartition(".")
        return (Name(receiver), method) if method in _DICT_VIEWS else None
    if isinstance(func, Attr) and func.attr in _DICT_VIEWS:
        return func.value, func.attr
    return None


def _one_or_many(values: list[Value], param: ParamSym) -> Value:
    seen = DistinctValues()
    distinct = [value for value in values if seen.add(value)]
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


def decorated_with(func: FunctionInfo, name: str) -> bool:
    """``func`` carries the decorator ``@name`` (``staticmethod``, ``classmethod``)."""
    return any(isinstance(d, Name) and d.dotted == name for d in func.decorators)
