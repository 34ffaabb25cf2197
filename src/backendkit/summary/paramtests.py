"""``if`` tests on a function's parameters that a constant argument decides.

``def get_secret(name): if name.startswith("oidc/"): return fetch_token(name)`` fetches a
token over the network only for names starting with ``oidc/``; called as
``get_secret("DATABASE_URL")`` it never does. The per-file pass records such tests (in
``Scope.param_tests``, sparse) in a small form the project pass evaluates for the arguments
of a call (``graphs.constargs``): a tuple whose first item says what it tests.

- ``("truthy", p)``: ``if p:``
- ``("startswith", p, texts)``, ``("endswith", p, texts)``: ``p.startswith("a")`` or with a
  tuple of literal strings
- ``("eq", p, v)``, ``("ne", p, v)``: ``p == v``, ``p != v`` with a literal ``v``
- ``("is", p, v)``, ``("isnot", p, v)``: ``p is None`` (``True``, ``False``)
- ``("in", p, values)``, ``("notin", p, values)``: ``p in ("a", "b")`` (a literal tuple, list
  or set)
- ``("inname", p, name)``: ``p in NAME`` of a constant (an upper-case name, or a dotted one
  ending in one: ``prompts.SYSTEM_PROMPTS``); ``p not in NAME`` is ``("not", ("inname", ...))``.
  The project pass looks the name up (``constargs.resolve_names``)
- ``("not", test)``, ``("and", a, b)``, ``("or", a, b)``

where ``p`` is a parameter of the function. Any other test is not recorded.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import libcst as cst

from backendkit.summary.condforms import Cond, ParamTest
from backendkit.summary.literals import token_value
from backendkit.summary.model import Scope

_NOT_LITERAL = object()
_COMPARISONS: dict[type, str] = {
    cst.Equal: "eq",
    cst.NotEqual: "ne",
    cst.Is: "is",
    cst.IsNot: "isnot",
    cst.In: "in",
    cst.NotIn: "notin",
}


class RebindFacts:
    """Hooks of ``collector.Collector`` for the bindings ``Scope.assigns`` leaves out, which
    end a constant parameter's value (``Scope.rebinds``): ``with ... as name``, ``match``
    captures, a nested function's ``nonlocal name`` (in each enclosing scope), a ``for``
    target other than a plain name, a comprehension's targets and a lambda's parameters (their
    calls are the scope's: a name there may be their own); and, in the module's scope, the
    names a function declares ``global``."""

    scope: Scope
    scopes: list[Scope]

    def visit_For_target(self, node: cst.For) -> None:
        """``for _, (mode, url) in pairs:`` binds ``mode`` and ``url``."""
        if not isinstance(node.target, cst.Name):
            self._rebind(self.scope, _target_names(node.target))

    def visit_CompFor_target(self, node: cst.CompFor) -> None:
        """``[f(mode) for _, (mode, url) in pairs]``: ``mode`` is the comprehension's."""
        self._rebind(self.scope, _target_names(node.target))

    def visit_Global(self, node: cst.Global) -> None:
        """``global helper`` lets a function rebind the module's ``helper``."""
        names = frozenset(item.name.value for item in node.names)
        self.scopes[0].rebinds = self.scopes[0].rebinds | names

    def visit_Lambda_params(self, node: cst.Lambda) -> None:
        """``lambda mode: fetch(mode)``: ``mode`` is the lambda's."""
        params = node.params
        found = [*params.posonly_params, *params.params, *params.kwonly_params]
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                found.append(star)
        self._rebind(self.scope, (param.name.value for param in found))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        """``with f() as (a, b):`` binds ``a`` and ``b``."""
        if node.asname is not None:
            self._rebind(self.scope, _target_names(node.asname.name))

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        """``case {"mode": mode}:`` and ``case str() as mode:`` bind ``mode``."""
        if node.name is not None:
            self._rebind(self.scope, (node.name.value,))

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        """``case [first, *rest]:`` binds ``rest``."""
        if node.name is not None:
            self._rebind(self.scope, (node.name.value,))

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        """``case {**rest}:`` binds ``rest``."""
        if node.rest is not None:
            self._rebind(self.scope, (node.rest.value,))

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        """``nonlocal name`` in a nested function may rebind a parameter of one around it."""
        names = tuple(item.name.value for item in node.names)
        for scope in self.scopes[:-1]:
            self._rebind(scope, names)

    @staticmethod
    def _rebind(scope: Scope, names: Iterable[str]) -> None:
        found = frozenset(names)
        if not found <= scope.rebinds:
            scope.rebinds = scope.rebinds | found


def _target_names(target: cst.BaseExpression) -> tuple[str, ...]:
    """The names an assignment target binds (``a``, ``(a, *b)``; not ``x.a`` or ``x[a]``)."""
    if isinstance(target, cst.Name):
        return (target.value,)
    if isinstance(target, (cst.Tuple, cst.List)):
        return tuple(name for item in target.elements for name in _target_names(item.value))
    return ()


def record_param_test(
    scope: Scope, lines: tuple[int, int, int, int], test: cst.BaseExpression
) -> int | None:
    """Add the ``if`` being left to ``scope.param_tests`` when ``scope`` is a function's and
    its test is on the function's parameters (see ``ParamTest``: ``lines`` are its ``first``,
    ``body``, ``body_end`` and ``end``): its position there, None when it is not added."""
    if not scope.params:
        return None
    cond = param_condition(test, scope.params)
    if cond is None:
        return None
    scope.param_tests += (ParamTest(*lines, cond),)
    return len(scope.param_tests) - 1


def param_condition(test: cst.BaseExpression, params: Collection[str]) -> Cond | None:
    """``test`` in the form of the module docstring, or None when it is not one."""
    if isinstance(test, (cst.UnaryOperation, cst.BooleanOperation)):
        return _logical(test, params)
    if isinstance(test, cst.Name):
        return ("truthy", test.value) if test.value in params else None
    if isinstance(test, cst.Call):
        return _affix_test(test, params)
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        return _comparison(test, params)
    return None


def _logical(
    test: cst.UnaryOperation | cst.BooleanOperation, params: Collection[str]
) -> Cond | None:
    """``not a``, ``a and b``, ``a or b`` of tests that are all in the form."""
    if isinstance(test, cst.UnaryOperation):
        if not isinstance(test.operator, cst.Not):
            return None
        inner = param_condition(test.expression, params)
        return None if inner is None else ("not", inner)
    left = param_condition(test.left, params)
    right = param_condition(test.right, params)
    if left is None or right is None:
        return None
    return ("and" if isinstance(test.operator, cst.And) else "or", left, right)


def _affix_test(call: cst.Call, params: Collection[str]) -> Cond | None:
    """``p.startswith(literal)`` or ``p.endswith(literal)``."""
    target = _affix_target(call, params)
    if target is None:
        return None
    texts = _literals(call.args[0].value)
    if texts is None or not all(isinstance(text, str) for text in texts):
        return None
    return (*target, texts)


def _affix_target(call: cst.Call, params: Collection[str]) -> tuple[str, str] | None:
    """``("startswith", p)`` for ``p.startswith(x)`` of a parameter ``p`` and one positional
    argument (``endswith`` alike)."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
        return None
    method, name = func.attr.value, func.value.value
    if method not in ("startswith", "endswith") or name not in params or len(call.args) != 1:
        return None
    arg = call.args[0]
    return None if arg.keyword is not None or arg.star else (method, name)


def _comparison(test: cst.Comparison, params: Collection[str]) -> Cond | None:
    """``p == v``, ``p is None``, ``p in (...)`` and their negations."""
    target = test.comparisons[0]
    kind = _COMPARISONS.get(type(target.operator))
    if kind is None or not isinstance(test.left, cst.Name) or test.left.value not in params:
        return None
    name = test.left.value
    if kind in ("in", "notin"):
        return _membership(kind, name, target.comparator)
    value = _literal(target.comparator)
    if value is _NOT_LITERAL or (kind in ("is", "isnot") and value not in (None, True, False)):
        return None
    return (kind, name, value)


def _membership(kind: str, name: str, container: cst.BaseExpression) -> Cond | None:
    """``p in (...)`` / ``p in NAME`` and their ``not in`` forms."""
    if constant := _constant_name(container):
        found = ("inname", name, constant)
        return found if kind == "in" else ("not", found)
    # a string is searched for a substring: not a container
    literal = isinstance(container, (cst.Tuple, cst.List, cst.Set))
    values = _literals(container) if literal else None
    return None if values is None else (kind, name, values)


def _constant_name(node: cst.BaseExpression) -> str | None:
    """``NAME`` or ``module.NAME`` (a dotted name whose last part is upper case), else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    last = parts[0]
    if not (last.isupper() and any(char.isalpha() for char in last)):
        return None
    return ".".join(reversed(parts))


def _literals(node: cst.BaseExpression) -> tuple[object, ...] | None:
    """The values of a literal or of a tuple, list or set of literals."""
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        values = tuple(_literal(element.value) for element in node.elements)
        return None if _NOT_LITERAL in values else values
    value = _literal(node)
    return None if value is _NOT_LITERAL else (value,)


def _literal(node: cst.BaseExpression) -> object:
    """A string, integer, ``True``, ``False`` or ``None`` literal's value."""
    if isinstance(node, (cst.SimpleString, cst.Integer)):
        value = token_value(node)
        return value if isinstance(value, (str, int)) else _NOT_LITERAL
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    return _NOT_LITERAL


__all__ = ["RebindFacts", "param_condition", "record_param_test"]
