"""Tuple assignments, conditional expressions and lambdas in the summary, and what name resolution
makes of them."""

from __future__ import annotations

import libcst as cst

from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx, VarSym
from backendkit.summary.collector import build_summary
from backendkit.summary.model import OR, Call, Const, IfExp, Lambda, Name, Seq, Subscript, Unknown

SOURCE = """\
router = make_router()


def build(flag):
    router, other = make_pair()
    a, b = "x", [1]
    (c, d), e = ("y", "z"), 2
    f, *rest = 1, 2, 3
    self_x, g = flag
    h = "DESC" if flag else "ASC"
    i = lambda: "secret-value"
    j = lambda x: x
    k = lambda *args: 1
    return router
"""


def _function_scope():
    summary = build_summary("m.py", "m", False, cst.parse_module(SOURCE))
    return summary, summary.scope.functions["build"]


def test_unpacked_names_pair_with_the_items_of_a_literal_sequence() -> None:
    _summary, build = _function_scope()
    values = {name: assigns[-1].value for name, assigns in build.scope.assigns.items()}
    assert values["a"] == Const("x")
    assert isinstance(values["b"], Seq)
    assert values["c"] == Const("y")  # nested targets pair with nested literals
    assert values["d"] == Const("z")
    assert values["e"] == Const(2)


def test_names_unpacked_from_a_value_are_its_items() -> None:
    """``a, b = f()`` binds ``f()[0]`` and ``f()[1]``: a returned tuple can be evaluated."""
    _summary, build = _function_scope()
    values = {name: assigns[-1].value for name, assigns in build.scope.assigns.items()}
    pair = Call(Name("make_pair"), (), ())
    assert values["router"] == Subscript(pair, (Const(0),))
    assert values["other"] == Subscript(pair, (Const(1),))
    assert values["self_x"] == Subscript(Name("flag"), (Const(0),))
    assert values["g"] == Subscript(Name("flag"), (Const(1),))


def test_starred_unpacking_binds_unknown_values() -> None:
    _summary, build = _function_scope()
    values = {name: assigns[-1].value for name, assigns in build.scope.assigns.items()}
    for name in ("f", "rest"):
        assert values[name] == Unknown("Unpacked"), name


def test_a_returned_tuple_is_evaluated_item_by_item() -> None:
    source = 'def config():\n    return ["*"], True\n\n\norigins, credentials = config()\n'
    summary = build_summary("m.py", "m", False, cst.parse_module(source))
    index = ProjectIndex([summary])
    module = Ctx(summary, (summary.scope,))
    assert index.value(Name("origins"), module) == ["*"]
    assert index.value(Name("credentials"), module) is True


def test_a_conditional_expression_keeps_both_branches() -> None:
    _summary, build = _function_scope()
    assert build.scope.assigns["h"][-1].value == IfExp(Const("DESC"), Const("ASC"), "flag")


def test_an_or_is_one_of_its_operands() -> None:
    """``a or b`` is recorded as ``a if a else b`` would be (either operand), marked ``OR``
    (a missing value it may replace: ``token or DEFAULT``); ``and`` is not modelled."""
    source = "import os\n\nA = os.getenv('X') or 'dev'\nB = os.getenv('X') and 'on'\n"
    summary = build_summary("m.py", "m", False, cst.parse_module(source))
    first = summary.scope.assigns["A"][-1].value
    assert first == IfExp(Call(Name("os.getenv"), (Const("X"),)), Const("dev"), OR)
    assert summary.scope.assigns["B"][-1].value == Unknown("BooleanOperation")


def test_a_lambda_without_parameters_keeps_its_body() -> None:
    """``Field(default_factory=lambda: "...")`` can be read; a lambda with parameters cannot
    be evaluated without its arguments and stays unknown."""
    _summary, build = _function_scope()
    values = {name: assigns[-1].value for name, assigns in build.scope.assigns.items()}
    assert values["i"] == Lambda(Const("secret-value"))
    assert values["j"] == Unknown("Lambda")
    assert values["k"] == Unknown("Lambda")


def test_an_unpacked_name_shadows_the_module_binding() -> None:
    """``router`` inside ``build`` is the unpacked local, not the module's ``router``."""
    summary, build = _function_scope()
    index = ProjectIndex([summary])
    module = Ctx(summary, (summary.scope,))
    inside = module.enter(build)
    local = index.lookup("router", inside)
    outer = index.lookup("router", module)
    assert isinstance(local, VarSym)
    assert isinstance(outer, VarSym)
    assert local.assign.value == Subscript(Call(Name("make_pair"), (), ()), (Const(0),))
    assert local.ctx.scopes[-1] is build.scope
    assert isinstance(outer.assign.value, Call)
    assert outer.assign.value.func == Name("make_router")


def test_an_earlier_definition_of_a_name_is_kept_as_shadowed() -> None:
    """Its decorators ran (a route it registered exists); the name refers to the latest."""
    source = (
        "def f():\n    pass\n\n\ndef f():\n    return 1\n\n\nclass A:\n    @property\n"
        "    def x(self):\n        return 1\n\n    @x.setter\n    def x(self, v):\n        pass\n"
    )
    summary = build_summary("m.py", "m", False, cst.parse_module(source))
    assert [(f.name, f.line) for f in summary.scope.shadowed] == [("f", 1)]
    assert summary.scope.functions["f"].line == 5
    assert [f.line for f in summary.scope.classes["A"].scope.shadowed] == [11]
