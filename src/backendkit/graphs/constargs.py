"""Constant arguments, and the branches of the called function they rule out.

``get_secret("DATABASE_URL")`` binds ``name`` to ``"DATABASE_URL"``; the ``if
name.startswith("oidc/"):`` body of ``get_secret`` (``Scope.param_tests``) is then dead for
that call, and so are the calls in it. A binding holds in a function only while nothing in
it rebinds the parameter, save on a line that the binding itself rules out (``if
name.startswith("env/"): name = name[4:]``). Every answer that is not certain is "live".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from backendkit.project.valueops import is_key
from backendkit.summary.condforms import Cond, ParamTest
from backendkit.summary.model import (
    Call,
    Const,
    FunctionInfo,
    Name,
    Param,
    Scope,
    Unknown,
)

#: parameter -> its constant value, for one call
Binding = Mapping[str, object]
_CONSTANT_TYPES = (str, int, bool, type(None))
_POSITIONAL = ("posonly", "normal")


def holds(cond: Cond, binding: Binding) -> bool | None:
    """Whether the test ``cond`` (``summary.paramtests``) is true for ``binding``; None when
    it depends on something else."""
    kind = cond[0]
    if kind == "not":
        inner = holds(cond[1], binding)
        return None if inner is None else not inner
    if kind in ("and", "or"):
        return _junction(kind == "and", holds(cond[1], binding), holds(cond[2], binding))
    if cond[1] not in binding:
        return None
    return _compare(kind, binding[cond[1]], cond[2] if len(cond) > 2 else None)


def _junction(both: bool, left: bool | None, right: bool | None) -> bool | None:
    """``left and right`` (``both``) or ``left or right`` with unknowns."""
    if both:
        return False if False in (left, right) else (True if left and right else None)
    return True if True in (left, right) else (False if left is right is False else None)


def _compare(kind: str, value: object, operand: object) -> bool | None:
    """One test of a parameter bound to ``value`` (a literal: Python's own ``==`` and ``in``
    are what the program computes)."""
    if kind == "truthy":
        return bool(value)
    if kind in ("startswith", "endswith"):
        if not isinstance(value, str):
            return None  # an error at run time, not a branch
        return bool(getattr(value, kind)(operand))
    if kind in ("eq", "ne"):
        return (value == operand) is (kind == "eq")
    if kind in ("is", "isnot"):
        return (value is operand) is (kind == "is")
    if kind in ("in", "notin"):
        return (value in operand) is (kind == "in")  # type: ignore[operator]
    if kind == "inkeys":  # some of the keys only (a constant may gain more): never False
        return True if is_key(value) and value in operand else None  # type: ignore[operator]
    return None  # "inname": a constant not looked up (``resolve_names``)


def resolve_names(
    tests: tuple[ParamTest, ...], keys_of: Callable[[str], tuple[object, ...] | None]
) -> tuple[ParamTest, ...]:
    """``tests`` with each ``p in NAME`` (``("inname", p, name)``) given the keys or items
    ``keys_of(name)`` finds in the constant (``("inkeys", p, keys)``), or left unknown."""
    return tuple(test._replace(cond=_resolved(test.cond, keys_of)) for test in tests)


def _resolved(cond: Cond, keys_of: Callable[[str], tuple[object, ...] | None]) -> Cond:
    kind = cond[0]
    if kind == "not":
        return ("not", _resolved(cond[1], keys_of))
    if kind in ("and", "or"):
        return (kind, _resolved(cond[1], keys_of), _resolved(cond[2], keys_of))
    if kind == "inname" and (keys := keys_of(cond[2])) is not None:
        return ("inkeys", cond[1], frozenset(key for key in keys if is_key(key)))
    return cond


def dead(tests: tuple[ParamTest, ...], binding: Binding, line: int) -> bool:
    """Whether ``line`` is in a branch that ``binding`` rules out, or after an ``if`` that
    leaves its block when its test holds (``ParamTest.exits``)."""
    return any(_rules_out(test, binding, line) for test in tests)


def _rules_out(test: ParamTest, binding: Binding, line: int) -> bool:
    """Whether ``test``, under ``binding``, rules ``line`` out."""
    if test.end <= line < test.exits and holds(test.cond, binding) is True:
        return True
    if not test.first <= line < test.end:
        return False
    verdict = holds(test.cond, binding)
    if verdict is False:
        return test.body < line and (not test.body_end or line < test.body_end)
    return verdict is True and bool(test.body_end) and line >= test.body_end


def in_force(info: FunctionInfo, binding: Binding) -> dict[str, object]:
    """The part of ``binding`` that holds throughout ``info``'s body: the parameters it does
    not rebind (a rebinding on a dead line does not count)."""
    scope = info.scope
    kept = {name: v for name, v in binding.items() if not _bound_otherwise(scope, name)}
    changed = True
    while changed:  # a rebinding is dead only by what holds: drop names until none go
        changed = False
        for name in list(kept):
            rebound = [a.line for a in scope.assigns.get(name, ())]
            rebound += [a.line for a in scope.aug_assigns.get(name, ())]
            if not all(dead(scope.param_tests, kept, line) for line in rebound):
                del kept[name]
                changed = True
    return kept


def _bound_otherwise(scope: Scope, name: str) -> bool:
    """Whether ``scope`` binds ``name`` other than by an assignment (``except ... as``, an
    import, a nested ``def`` or ``class``, a comprehension's or a lambda's own, ``with ...
    as``, ``match``, ``nonlocal``, a nested ``for`` target)."""
    return (
        name in scope.caught
        or name in scope.comp_binds
        or name in scope.imports
        or name in scope.functions
        or name in scope.classes
        or name in scope.rebinds
    )


def call_binding(
    call: Call, callee: FunctionInfo, caller: Binding, offset: int | None
) -> dict[str, object]:
    """The constant each parameter of ``callee`` gets from ``call`` (a literal argument, a
    parameter of the caller bound in ``caller``, or a literal default of one not passed);
    ``offset``: how many first parameters the call does not pass (None: not known; keywords
    only, and defaults only when no argument is passed by position)."""
    params = list(callee.params[offset or 0 :])
    found: dict[str, object] = {}
    positional = [p for p in params if p.kind in _POSITIONAL] if offset is not None else []
    given = _bind_positional(found, positional, call, caller)
    given |= _bind_keywords(found, params, call, caller)
    splat = any(isinstance(arg, Unknown) for arg in call.args)  # ``*args``, ``**kwargs``
    if not splat and (offset is not None or not call.args):
        _bind_defaults(found, params, given, caller)
    return found


def _bind_defaults(
    found: dict[str, object], params: list[Param], given: set[str], caller: Binding
) -> None:
    """Bind the parameters not ``given`` to their literal defaults."""
    for param in params:
        if param.name not in given and isinstance(param.default, Const):
            _bind(found, param.name, param.default, caller)


def _bind_keywords(
    found: dict[str, object], params: list[Param], call: Call, caller: Binding
) -> set[str]:
    """Bind the parameters ``call`` passes by keyword; the keywords given."""
    named = {p.name for p in params if p.kind in ("normal", "kwonly")}
    for key, value in call.kwargs:
        if key in named:
            _bind(found, key, value, caller)
    return {key for key, _value in call.kwargs}


def _bind_positional(
    found: dict[str, object], positional: list[Param], call: Call, caller: Binding
) -> set[str]:
    """Bind the parameters ``call`` passes by position (up to a splat); the names given."""
    for param, arg in zip(positional, call.args, strict=False):
        if isinstance(arg, Unknown):
            break
        _bind(found, param.name, arg, caller)
    return {p.name for p in positional[: len(call.args)]}


def _bind(found: dict[str, object], name: str, arg: object, caller: Binding) -> None:
    if isinstance(arg, Const) and isinstance(arg.value, _CONSTANT_TYPES):
        found[name] = arg.value
    elif isinstance(arg, Name) and "." not in arg.dotted and arg.dotted in caller:
        found[name] = caller[arg.dotted]


def relevant(info: FunctionInfo) -> frozenset[str]:
    """The parameters whose constant value may matter in ``info``: those its ``if`` tests
    read, and those it passes on to a call as they are."""
    names = {p.name for p in info.params}
    used: set[str] = set()
    for test in info.scope.param_tests:
        used |= _cond_names(test.cond)
    for site in info.scope.calls:
        for arg in (*site.call.args, *(value for _key, value in site.call.kwargs)):
            if isinstance(arg, Name) and arg.dotted in names:
                used.add(arg.dotted)
    return frozenset(used & names)


def _cond_names(cond: Cond) -> set[str]:
    if cond[0] == "not":
        return _cond_names(cond[1])
    if cond[0] in ("and", "or"):
        return _cond_names(cond[1]) | _cond_names(cond[2])
    return {cond[1]}


__all__ = [
    "Binding",
    "call_binding",
    "dead",
    "holds",
    "in_force",
    "relevant",
    "resolve_names",
]
