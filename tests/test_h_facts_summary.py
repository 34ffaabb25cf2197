"""The summary facts added for the guard, status and receiver heuristics: attribute
assignments (``Scope.attr_assigns``), the ``if`` tests guarding each ``raise`` and ``return``
(``Scope.ifs``), the lines of ``return`` statements, bare ones apart, whether a function that
returns a value can also fall off its end (``FunctionInfo.falls_off``), and the names a
comprehension's ``for`` binds (``Scope.comp_binds``)."""

from __future__ import annotations

import libcst as cst

from backendkit.cache import decode, encode
from backendkit.summary.collector import build_summary
from backendkit.summary.model import (
    Assign,
    Call,
    Const,
    FunctionInfo,
    IfBlock,
    LoopItem,
    ModuleSummary,
    Name,
    Unknown,
)

SOURCE = """\
app.title = "API"


def create(item, response: Response):
    response.status_code = 201
    item.owner.id: int = current()
    self.count = 1
    get_box().size = 2
    a.x, a.y = 1, 2
    return item


class Service:
    def __init__(self, db):
        self.db = db
        self.cache.size = 10


async def check(token, request):
    user = await verify(token)
    if not user or user.disabled:
        raise HTTPException(401)
    elif settings.maintenance:
        if request.method == "POST": raise HTTPException(503)
    else:
        return user
    if token is None:
        log(token)
    while retry:
        raise Retry()
    return


def bare(flag):
    if flag:
        return
    return 1
"""


def _summary(source: str = SOURCE) -> ModuleSummary:
    return build_summary("m.py", "m", False, cst.parse_module(source))


def _function(summary: ModuleSummary, name: str) -> FunctionInfo:
    return summary.scope.functions[name]


def test_attribute_assignments_record_target_value_and_line() -> None:
    summary = _summary()
    assert summary.scope.attr_assigns == {"app.title": [(Const("API"), 1)]}
    create = _function(summary, "create")
    assert create.scope.attr_assigns == {
        "response.status_code": [(Const(201), 5)],
        "item.owner.id": [(Call(Name("current")), 6)],
        "self.count": [(Const(1), 7)],  # not a method: no instance attribute
        "a.x": [(Const(1), 9)],
        "a.y": [(Const(2), 9)],
    }  # get_box().size has no dotted receiver


def test_instance_attributes_are_not_recorded_twice() -> None:
    service = _summary().scope.classes["Service"]
    assert service.instance_attrs == {"db": Name("db")}
    init = service.scope.functions["__init__"]
    assert init.scope.attr_assigns == {"self.cache.size": [(Const(10), 16)]}


def test_if_tests_guarding_raises_and_returns() -> None:
    check = _function(_summary(), "check")
    assert check.scope.ifs == (
        IfBlock(24, 25, ("request.method",)),
        # its ``else:`` line; the body runs only when settings.maintenance is truthy
        IfBlock(
            23,
            27,
            ("settings.maintenance",),
            orelse=25,
            present=("settings.maintenance",),
            body_end=25,
            forms=(("truthy", "settings.maintenance"),),  # it requires that name set
        ),
        # an ``elif`` is no ``else``, but the body ends where it starts; a caller without a
        # user gets the body (``not user or ...``)
        IfBlock(21, 27, ("user", "user.disabled"), body_end=23, absent=("user",)),
    )  # ``if token is None:`` holds no raise or return; ``while`` is no ``if``
    assert [line for _, line in check.scope.raises] == [22, 24, 30]
    guards = {
        line: [b.reads for b in check.scope.ifs if b.first <= line < b.end]
        for _, line in check.scope.raises
    }
    assert guards == {
        22: [("user", "user.disabled")],
        24: [("request.method",), ("settings.maintenance",), ("user", "user.disabled")],
        30: [],
    }


def test_return_lines_and_bare_returns() -> None:
    summary = _summary()
    check = _function(summary, "check")
    assert check.scope.returns == [Name("user")]
    assert check.scope.return_lines == (26,)
    assert check.scope.bare_returns == (31,)
    bare = _function(summary, "bare")
    assert (bare.scope.return_lines, bare.scope.bare_returns) == ((37,), (36,))
    forms = (("truthy", "flag"),)
    assert bare.scope.ifs == (IfBlock(35, 37, ("flag",), present=("flag",), forms=forms),)


FALLS = """\
def plain():
    x = 1


def returns():
    return 1


def both_branches(a):
    if a:
        return 1
    elif b:
        raise E()
    else:
        return 2


def no_else(a):
    if a:
        return 1


def tried(token):
    try:
        return decode(token)
    except Error:
        raise HTTPException(401)


def tried_else(token):
    try:
        payload = decode(token)
    except Error:
        raise HTTPException(401)
    else:
        return payload


def handler_falls(token):
    try:
        return decode(token)
    except Error:
        log()


def with_block():
    with session() as s:
        return s.get()


def forever():
    while True:
        poll()


def one_line(): return 1


def loop(items):
    for item in items:
        return item
"""


def test_falling_off_the_end() -> None:
    summary = _summary(FALLS)
    falls = {name: info.falls_off for name, info in summary.scope.functions.items()}
    assert falls == {
        "plain": False,  # no return value: None anyway, not checked
        "returns": False,
        "both_branches": False,
        "no_else": True,
        "tried": False,
        "tried_else": False,
        "handler_falls": True,
        "with_block": False,
        "forever": False,  # no return value either
        "one_line": False,
        "loop": True,
    }


COMPREHENSIONS = """\
def load(conns, keys):
    c = None
    values = [c.get(k) for c in conns for k in keys]
    pairs = {k: v for k, v in mapping.items()}
    return values


def item(conns):
    return [conn for conn in conns if conn]
"""


def test_comprehension_targets_are_bound_apart() -> None:
    summary = _summary(COMPREHENSIONS)
    load = _function(summary, "load")
    loop = -3
    assert load.scope.loops[loop] == Unknown("ListComp")
    assert load.scope.comp_binds == {
        "c": [Assign(LoopItem(Name("conns"), loop), 3)],
        "k": [
            Assign(LoopItem(Name("keys"), loop), 3),
            Assign(LoopItem(Call(Name("mapping.items")), -4, 0), 4),
        ],
        "v": [Assign(LoopItem(Call(Name("mapping.items")), -4, 1), 4)],
    }
    # the comprehension's names do not leak into the function's own bindings
    assert set(load.scope.assigns) == {"c", "values", "pairs"}
    assert load.scope.assigns["c"] == [Assign(Const(None), 2)]
    conn = _function(summary, "item").scope.comp_binds["conn"]
    assert conn == [Assign(LoopItem(Name("conns"), -9), 9)]


def test_sparse_facts_survive_the_cache_and_cost_nothing_when_absent() -> None:
    """The new facts are set on a scope only when it has some (``Scope.ifs`` and the others
    are class-level empty defaults): they round-trip through the cache's encoding, and a
    scope without any pickles none of them."""
    summary = _summary(SOURCE + COMPREHENSIONS.replace("def load", "def load2"))
    decoded, _shape = decode(encode(summary)[0])
    for name in ("create", "check", "bare", "load2"):
        before, after = _function(summary, name), _function(decoded, name)
        for fact in ("ifs", "attr_assigns", "comp_binds", "return_lines", "bare_returns"):
            assert getattr(after.scope, fact) == getattr(before.scope, fact)
        assert after.falls_off == before.falls_off
    init = decoded.scope.classes["Service"].scope.functions["__init__"]
    assert init.scope.ifs == ()
    assert init.scope.comp_binds == {}
    assert not {"ifs", "comp_binds", "return_lines", "bare_returns"} & set(vars(init.scope))
    assert "falls_off" not in vars(init)
    assert "falls_off" not in vars(_function(decoded, "check"))
