"""BK110's view of the local lists SQL is joined from: what a call adds to a list
(``clauses.append("a = :a")``), whether the list escapes the function (aliased, handed to a
call, changed in a nested function), literal ``", ".join`` and IN-list placeholders."""

from __future__ import annotations

from backendkit.summary.model import (
    Assign,
    Attr,
    BinOp,
    Call,
    Const,
    Expr,
    LoopItem,
    Name,
    Scope,
    Seq,
    Unknown,
)

# list methods that add no item, and those that add items (argument index, a list or one item)
_KEEPING = {"pop", "clear", "remove", "sort", "reverse", "copy", "index", "count"}
_ADDING = {"append": (0, False), "insert": (1, False), "extend": (0, True)}


def added_items(call: Call, name: str) -> list[Expr | None] | None:
    """What ``call`` adds to list ``name`` as lists (``append(x)`` gives ``[x]``); ``[]`` when
    it adds nothing; None when it may change the list in ways not followed (``add(name)``,
    ``name.__iadd__(x)``)."""
    func = call.func
    if isinstance(func, Name) and func.dotted.startswith(f"{name}."):
        method = func.dotted[len(name) + 1 :]
        if method in _KEEPING:
            return []
        if method not in _ADDING:
            return None
        index, many = _ADDING[method]
        item = call.arg(index)
        return [item] if many else [Seq((item,)) if item is not None else None]
    passed = [*call.args, *(value for _, value in call.kwargs)]
    return [] if Name(name) not in passed or _reads_only(func) else None


def _reads_only(func: Expr) -> bool:
    """``sep.join(items)``, ``len(items)``, ``bool(items)``: calls that only read a list."""
    if isinstance(func, Attr):
        return is_literal_join(func)
    return isinstance(func, Name) and func.dotted in ("len", "bool", "tuple", "list", "sorted")


def is_literal_join(func: Expr) -> bool:
    """``", ".join``: the ``join`` of a literal separator."""
    return isinstance(func, Attr) and func.attr == "join" and isinstance(func.value, Const)


def escapes(scope: Scope, name: str) -> bool:
    """``other = name`` or ``other = name = []`` aliases the list; a nested function may
    change it."""
    own = {id(a.value) for a in scope.assigns.get(name, ())}
    for other, assigns in scope.assigns.items():
        shared = other != name and any(id(a.value) in own for a in assigns)
        if shared or any(a.value == Name(name) for a in assigns):
            return True
    return any(_mentions(inner, name) for inner in _nested_scopes(scope))


def _nested_scopes(scope: Scope) -> list[Scope]:
    """The scopes of the functions defined in ``scope``, of the methods of its classes, and
    of everything nested in them (classes in classes included)."""
    found: list[Scope] = []
    for func in scope.functions.values():
        found += [func.scope, *_nested_scopes(func.scope)]
    for cls in scope.classes.values():
        found += _nested_scopes(cls.scope)
    return found


def _mentions(scope: Scope, name: str) -> bool:
    """A call in ``scope`` on ``name`` or given ``name``."""
    return any(added_items(site.call, name) != [] for site in scope.calls)


def is_placeholders(call: Call) -> bool:
    """``", ".join(f":id{i}" for i in range(n))`` or ``",".join(["?"] * len(ids))``."""
    func = call.func
    if not is_literal_join(func) or len(call.args) != 1:
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


def is_counter(item: LoopItem) -> bool:
    """The variable of a loop over ``range(...)``, or the index ``enumerate(...)`` pairs each
    item with (``for i, tag in enumerate(tags)``: ``i``): a number (a bind parameter's name
    made from it, ``f":tag_{i}"``, lets no data into the text)."""
    iterable = item.iterable
    if not isinstance(iterable, Call) or not isinstance(iterable.func, Name):
        return False
    name = iterable.func.dotted
    return (name == "range" and item.index is None) or (name == "enumerate" and item.index == 0)


def comprehension_targets(scopes: tuple[Scope, ...], name: str) -> list[Assign]:
    """Every binding of ``name`` as a target of a comprehension of the innermost of
    ``scopes`` (a comprehension's variable is no local: ``f":tag_{i}" for i, t in
    enumerate(tags)``), when no scope binds it otherwise: a use of ``name`` outside those
    comprehensions would then fail, so a use is in one. Bound elsewhere too (a parameter of
    an enclosing function), a use may read that other binding: none are returned."""
    if "." in name or len(scopes) < 2 or _binds(scopes[-1], name):
        return []
    if any(_binds(scope, name) or name in scope.rebinds for scope in scopes[:-1]):
        return []
    return list(scopes[-1].comp_binds.get(name, ()))


def _binds(scope: Scope, name: str) -> bool:
    """``scope`` binds ``name`` other than in a comprehension (its ``rebinds`` hold the
    comprehensions' targets too)."""
    names = (scope.params, scope.assigns, scope.aug_assigns, scope.functions, scope.classes)
    return any(name in found for found in (*names, scope.imports, scope.caught))
