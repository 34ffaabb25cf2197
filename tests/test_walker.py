"""The read-only walker calls the same hooks, in the same order, as libcst's ``tree.visit``."""

from __future__ import annotations

import ast
import inspect
import pickle
import textwrap
from pathlib import Path

import fastapi
import libcst as cst
import pytest

from backendkit.summary import recording, walker
from backendkit.summary.collector import walk_module
from backendkit.summary.recording import collect, events
from backendkit.summary.walker import VISIT_HELPERS, fields_of, walk

FILES = sorted(Path(fastapi.__file__).parent.rglob("*.py"))
NODE_CLASSES = sorted(recording.NODE_CLASSES, key=lambda cls: cls.__name__)

SYNTAX = '''\
"""Doc."""
from __future__ import annotations
from . import a as b, c
from ..pkg.mod import *
from x import (y, z,)
import os.path as p, sys
@dec(1)
@other . attr
async def f(a, /, b: int = 1, *args, c, d=2, **kw) -> "T":
    """Doc."""
    global g
    nonlocal_ = lambda x, *y, z=1, **w: (x, y)
    async with a as (b, c), d:
        async for i, j in k:
            await m
        else:
            pass
    x = y = [i for i in range(3) if i if not i]
    z: dict[str, int] = {k: v for k, v in {}.items()}
    s = {1, *t}
    g = (i async for i in aiter())
    del x[0], y.attr
    return (yield from z)
class C(B, metaclass=M, **kw):
    x: int
    def __init__(self): self.y = 1; self.z += 2
try:
    raise E from e
except (A, B) as err:
    assert err, "m"
else:
    pass
finally:
    pass
try:
    pass
except* C:
    pass
while n := next(it):
    if a: break
    elif b: continue
    else: ...
match command.split():
    case [action, obj, *rest] if obj:
        pass
    case {"k": v, **others} | Point(x=0, y=_) as q:
        pass
    case str() | b"x" | -1 | 1+2j | None:
        pass
s = f"{a!r:>{width}} {b=} {c:%Y}" f"""x
{y}""" "z" \\
    'w'
t = a if b else c; u = not a and b or c; v = a[1:2, ::3, ...]; w = -a ** ~b @ c
type Alias[T: int, *Ts, **P] = list[T]
def gen[T](x: T) -> T: return x
with (open(a) as b, open(c)):
    print(*a, **k, sep="")
'''


def _source_fields(cls: type[cst.CSTNode]) -> tuple[tuple[str, bool], ...]:
    """The visited fields as written in libcst's source (an independent reading)."""
    source = textwrap.dedent(inspect.getsource(cls._visit_and_replace_children))
    calls = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in VISIT_HELPERS
    ]
    calls.sort(key=lambda call: (call.lineno, call.col_offset))
    fields: dict[str, bool] = {}
    for call in calls:
        assert isinstance(call.func, ast.Name)
        assert isinstance(call.args[1], ast.Constant)
        name = str(call.args[1].value)
        fields[name] = fields.get(name, False) or VISIT_HELPERS[call.func.id]
    return tuple(fields.items())


@pytest.mark.parametrize("cls", NODE_CLASSES, ids=lambda cls: cls.__name__)
def test_fields_match_libcst_source(cls: type[cst.CSTNode]) -> None:
    """The order read from the bytecode is the order in libcst's source."""
    assert fields_of(cls) == _source_fields(cls)


def test_same_events_on_every_construct() -> None:
    """Every syntax form: the same visits, leaves and attribute hooks in the same order."""
    truth, ours = events(cst.parse_module(SYNTAX))
    assert len(truth) > 1000
    assert ours == truth


def test_false_skips_children() -> None:
    """``visit_X`` returning False skips the children but still calls ``leave_X``."""
    truth, ours = events(cst.parse_module(SYNTAX), skip=(cst.FunctionDef, cst.Call))
    assert ours == truth


def test_no_op_stubs_are_skipped() -> None:
    """A visitor with no hooks walks without error and calls nothing."""
    walk(cst.parse_module(SYNTAX), cst.CSTVisitor())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_same_summary_and_events_on_fastapi(path: Path) -> None:
    """On FastAPI's own source: identical summaries and identical hook sequences."""
    tree = cst.parse_module(path.read_text(encoding="utf-8"))
    old, new = collect(tree, False), collect(tree, True)
    assert new == old
    assert pickle.dumps(new) == pickle.dumps(old)
    truth, ours = events(tree)
    assert ours == truth


def test_unknown_classes_are_walked_by_libcst(monkeypatch: pytest.MonkeyPatch) -> None:
    """A class whose fields cannot be read is handed to libcst: same events, only slower."""
    real = walker.fields_of
    unknown = (cst.FunctionDef, cst.Call, cst.Module)
    monkeypatch.setattr(walker, "fields_of", lambda cls: None if cls in unknown else real(cls))
    monkeypatch.setattr(walker, "_PLANS", {})  # plans made before the patch are not reused
    truth, ours = events(cst.parse_module(SYNTAX))
    assert ours == truth
    plans = walker._PLANS[recording.NamedHooks]
    assert plans[cst.Module][0] is walker._delegate  # libcst walked the rest itself


def test_plans_are_shared_by_visitors_of_one_class() -> None:
    """Hooks defined on the class are looked up once per process; a visitor with hooks set on
    the instance gets its own plans, and its own hooks are the ones called."""
    tree = cst.parse_module("x = f(1)\n")
    first, second = recording.NamedHooks(), recording.NamedHooks()
    walk(tree, first)
    walk(tree, second)
    assert first.events == second.events
    assert walker._PLANS[recording.NamedHooks][cst.Call][0] is not None
    seen: list[str] = []
    instance = cst.CSTVisitor()
    instance.visit_Call = lambda node: seen.append(node.func.value)  # type: ignore[method-assign]
    walk(tree, instance)
    assert seen == ["f"]
    walk(tree, cst.CSTVisitor())  # the instance's hook did not leak into the class's plans
    assert seen == ["f"]


def test_static_method_hooks_are_called_like_libcst_calls_them() -> None:
    """A visitor whose hook is a ``staticmethod`` gets its own plans and works as with
    ``tree.visit``."""
    seen: list[str] = []

    class Static(cst.CSTVisitor):
        @staticmethod
        def visit_Name(node: cst.Name) -> None:
            seen.append(node.value)

    tree = cst.parse_module("a = b\n")
    tree.visit(Static())
    expected, seen[:] = list(seen), []
    walk(tree, Static())
    assert seen == expected == ["a", "b"]


CONTINUED = "x = 1 + \\\n    2\nif x and \\\n        x:\n    y = f(x)\n"


@pytest.mark.parametrize("path", FILES[:40], ids=lambda p: p.name)
def test_whitespace_is_skipped_without_continuations(path: Path) -> None:
    """A file without a backslash continuation gets the same summary and function spans when
    its whitespace nodes are not walked (``continued=False``, what the per-file pass passes)."""
    source = path.read_text(encoding="utf-8")
    if "\\\n" in source:
        pytest.skip("has a backslash continuation")
    tree = cst.parse_module(source)
    full = walk_module("m.py", "m", False, tree)
    skipped = walk_module("m.py", "m", False, tree, continued=False)
    assert pickle.dumps(skipped) == pickle.dumps(full)


def test_continuations_need_the_whitespace_walk() -> None:
    """Only the whitespace walk counts the lines a backslash continuation hides: skipping it
    there would shift every later line."""
    tree = cst.parse_module(CONTINUED)
    full, _ = walk_module("m.py", "m", False, tree)
    assert full.line_count == 5
    assert [site.line for site in full.scope.calls] == [5]
    shifted, _ = walk_module("m.py", "m", False, tree, continued=False)
    assert shifted.line_count == 3
