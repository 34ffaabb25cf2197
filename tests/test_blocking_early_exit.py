"""BK301 and a helper that returns early for the constants it knows: ``get_system_text("chat")``
finds ``"chat"`` in a module's ``SYSTEM_PROMPTS`` dict and returns before the file it reads
for any other key (letta's shape), on a multi-file project."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from backendkit import analyze
from backendkit.graphs.constargs import dead, holds, in_force, resolve_names
from backendkit.summary.collector import walk_module
from backendkit.summary.model import FunctionInfo
from helpers import write_project

PROMPTS = """\
from app.prompts import chat

SYSTEM_PROMPTS = {
    "chat": chat.PROMPT,
    "react": "You are a react agent.",
}
NAMES = ["summary", "title"]
lookup = {"chat": "x"}
"""

HELPERS = """\
import os

from app import prompts
from app.prompts import SYSTEM_PROMPTS, lookup


def get_system_text(key):
    # first the constants (no file I/O)
    if key in SYSTEM_PROMPTS:
        return SYSTEM_PROMPTS[key].strip()

    with open(os.path.join("/etc/prompts", f"{key}.txt"), encoding="utf-8") as file:
        return file.read().strip()


def named_text(key):
    if key not in prompts.NAMES:
        return open(f"/etc/prompts/{key}.txt").read()
    return key


def in_a_loop(key):
    for _attempt in range(2):
        if key in SYSTEM_PROMPTS:
            return SYSTEM_PROMPTS[key]
    return open(f"/etc/prompts/{key}.txt").read()


def in_a_try(key):
    try:
        if key in SYSTEM_PROMPTS:
            return SYSTEM_PROMPTS[key].strip()
    except AttributeError:
        pass
    return open(f"/etc/prompts/{key}.txt").read()


def falls_through(key):
    if key in SYSTEM_PROMPTS:
        print("known")
    return open(f"/etc/prompts/{key}.txt").read()


def lower_case(key):
    if key in lookup:
        return lookup[key]
    return open(f"/etc/prompts/{key}.txt").read()
"""

MAIN = """\
from fastapi import FastAPI

from app import helpers

app = FastAPI()


@app.get("/known")
async def known() -> str:
    return helpers.get_system_text("chat")


@app.get("/custom")
async def custom() -> str:
    return helpers.get_system_text("mine")


@app.get("/any")
async def any_key(key: str) -> str:
    return helpers.get_system_text(key)


@app.get("/listed")
async def listed() -> str:
    return helpers.named_text("title")


@app.get("/unlisted")
async def unlisted() -> str:
    return helpers.named_text("other")


@app.get("/loop")
async def loop() -> str:
    return helpers.in_a_loop("chat")


@app.get("/tried")
async def tried() -> str:
    return helpers.in_a_try("chat")


@app.get("/through")
async def through() -> str:
    return helpers.falls_through("chat")


@app.get("/lower")
async def lower() -> str:
    return helpers.lower_case("chat")
"""


def _reported(tmp_path: Path) -> set[str]:
    files = {
        "app/__init__.py": "",
        "app/prompts/__init__.py": PROMPTS,
        "app/prompts/chat.py": 'PROMPT = "You are a chat agent."\n',
        "app/helpers.py": HELPERS,
        "app/main.py": MAIN,
    }
    root = write_project(tmp_path / "p", files, select=["BK301"])
    found = analyze([root], use_cache=False).findings
    return {f.message.split(" blocks")[0].rsplit(".", 1)[-1] for f in found}


def test_a_known_key_returns_before_the_blocking_call(tmp_path: Path) -> None:
    """A key the constant dict (or list) holds takes the early return; a key it does not hold
    (it may gain more at run time: never taken as absent), an unknown argument, an ``if`` in a
    loop or a ``try`` (a handler may go on), a body that falls through and a lower-case
    (mutable by convention) container still reach the blocking call."""
    reported = _reported(tmp_path)
    assert reported == {"custom", "any_key", "unlisted", "loop", "tried", "through", "lower"}


def _function(source: str) -> FunctionInfo:
    summary, _spans = walk_module("m.py", "m", False, cst.parse_module(source), False)
    return next(iter(summary.scope.functions.values()))


def test_the_summary_records_early_exits_and_constant_lookups() -> None:
    """An ``if`` without ``else`` whose body always leaves is an exit, up to the end of its
    block (the function's body, or a loop's: ``exits`` is the line it ends before); ``p in
    NAME`` and ``p not in mod.NAME`` are recorded for upper-case names."""
    info = _function(
        "def f(a):\n"
        "    if a in TABLE:\n        return TABLE[a]\n"
        "    if a not in cfg.NAMES:\n        raise KeyError(a)\n"
        "    if a in table:\n        return 1\n"
        "    if a == 'x':\n        g()\n"
        "    for _ in range(3):\n"
        "        if a == 'y':\n            return 2\n"
        "    if a == 'z':\n        return 3\n    else:\n        h()\n"
    )
    tests = {test.cond: test.exits for test in info.scope.param_tests}
    assert tests == {
        ("inname", "a", "TABLE"): 17,  # the function's body ends before line 17
        ("not", ("inname", "a", "cfg.NAMES")): 17,
        ("eq", "a", "x"): 0,
        ("eq", "a", "y"): 13,  # the rest of the loop body (what follows the loop may run)
        ("eq", "a", "z"): 0,
    }


def test_lines_after_an_exit_are_dead_only_when_its_test_holds() -> None:
    """When the test holds, the exit's body is live and the rest of the function dead; when it
    does not, the other way round; when it is unknown, everything is live."""
    info = _function(
        "def f(a):\n"  # 1
        "    if a == 'x':\n"  # 2
        "        return one()\n"  # 3
        "    two()\n"  # 4
        "    a = 'y'\n"  # 5
        "    three()\n"  # 6
    )
    tests = info.scope.param_tests
    assert [line for line in range(1, 7) if dead(tests, {"a": "x"}, line)] == [4, 5, 6]
    assert [line for line in range(1, 7) if dead(tests, {"a": "q"}, line)] == [3]
    assert [line for line in range(1, 7) if dead(tests, {}, line)] == []
    assert in_force(info, {"a": "x"}) == {"a": "x"}  # the rebinding is never reached
    assert in_force(info, {"a": "q"}) == {}


def test_looked_up_keys_answer_true_or_unknown() -> None:
    """A key found is in the constant; one not found may still be added at run time."""
    info = _function("def f(a):\n    if a in TABLE:\n        return 1\n    g()\n")
    tests = resolve_names(
        info.scope.param_tests, lambda name: ("x", 1) if name == "TABLE" else None
    )
    cond = tests[0].cond
    assert holds(cond, {"a": "x"}) is True
    assert holds(cond, {"a": True}) is True  # True == 1, as Python's ``in`` finds it
    assert holds(cond, {"a": "y"}) is None
    assert holds(("not", cond), {"a": "x"}) is False
    unresolved = resolve_names(info.scope.param_tests, lambda name: None)[0].cond
    assert holds(unresolved, {"a": "x"}) is None


NESTED = """\
import os

from fastapi import FastAPI

app = FastAPI()


def download(url: str) -> bytes:
    with open(url, "rb") as handle:
        return handle.read()


def load(value: str, config_path: str | None = None) -> object:
    try:
        if value.startswith("s3://"):
            if config_path is None:
                raise ValueError("remote modules load from the config file only")
            return download(value)
        return value.split(".")
    except ValueError:
        return None


@app.get("/plugin")
async def plugin(target: str) -> dict:
    return {"found": load(value=target) is not None}


@app.get("/remote")
async def remote(target: str) -> dict:
    return {"found": load(target, os.environ["CONFIG"]) is not None}
"""


def test_an_exit_nested_in_a_try_rules_out_the_rest_of_its_block(tmp_path: Path) -> None:
    """litellm's ``get_instance_fn(value)``: inside ``try`` and ``if value.startswith(...)``,
    ``if config_path is None: raise`` ends that block before the remote download when the
    caller leaves ``config_path`` at its default (28 findings); a caller passing a path still
    reaches it."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": NESTED})
    found = [f for f in analyze([root], use_cache=False).findings if f.code == "BK301"]
    assert [f.line for f in found] == [31]
