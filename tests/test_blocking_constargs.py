"""BK301 and constant arguments: a helper's branch that the constants it is called with rule
out is not searched (``get_secret("DATABASE_URL")`` never takes the ``oidc/`` branch that
fetches a token over the network), on a multi-file project."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from backendkit import analyze
from backendkit.graphs.constargs import call_binding, dead, holds, in_force
from backendkit.summary.collector import walk_module
from backendkit.summary.model import Call, Const, FunctionInfo, Name, Param, Unknown
from helpers import write_project

SECRETS = """\
import os

import requests


def fetch_token(audience: str) -> str:
    return requests.get("https://issuer.example.com/token", params={"aud": audience}).text


def get_secret(name: str, default: str | None = None) -> str | None:
    if name.startswith("os.environ/"):
        name = name.replace("os.environ/", "")
    if name.startswith("oidc/"):
        audience = name.removeprefix("oidc/")
        return fetch_token(audience)
    return os.environ.get(name, default)


def get_secret_str(name: str) -> str | None:
    value = get_secret(name)
    return value if isinstance(value, str) else None


def read_flag(name: str, strict: bool = False) -> bool:
    if not strict:
        return os.environ.get(name) == "1"
    else:
        with open("/etc/flags/" + name) as handle:
            return handle.read() == "1"


def renamed(name: str) -> str | None:
    name = "oidc/" + name
    return get_secret(name)
"""

MAIN = """\
from fastapi import FastAPI

from app.secrets import get_secret, get_secret_str, read_flag, renamed

app = FastAPI()


@app.get("/database")
async def database() -> dict:
    return {"url": get_secret_str("DATABASE_URL")}


@app.get("/environ")
async def environ() -> dict:
    return {"url": get_secret(name="os.environ/DATABASE_URL")}


@app.get("/flag")
async def flag() -> dict:
    return {"on": read_flag("BETA")}


@app.get("/token")
async def token() -> dict:
    return {"token": get_secret_str("oidc/google")}


@app.get("/any")
async def any_secret(key: str) -> dict:
    return {"value": get_secret(key)}


@app.get("/strict")
async def strict_flag() -> dict:
    return {"on": read_flag("BETA", strict=True)}


@app.get("/renamed")
async def renamed_secret() -> dict:
    return {"value": renamed("DATABASE_URL")}
"""


def _bk301(tmp_path: Path) -> dict[str, str]:
    files = {"app/__init__.py": "", "app/secrets.py": SECRETS, "app/main.py": MAIN}
    root = write_project(tmp_path / "p", files, select=["BK301"])
    found = analyze([root], use_cache=False).findings
    return {f.message.split(" blocks")[0].rsplit(".", 1)[-1]: f.message for f in found}


def test_a_branch_ruled_out_by_constant_arguments_is_not_searched(tmp_path: Path) -> None:
    """Constants passed directly, through a parameter or as a default rule the branch out; a
    constant that takes it, an unknown argument, and a parameter the helper rebinds on a live
    line (``name.replace(...)`` for ``os.environ/...``, which the analysis does not compute)
    do not."""
    found = _bk301(tmp_path)
    assert set(found) == {"token", "any_secret", "strict_flag", "renamed_secret", "environ"}
    chain = "app.secrets.get_secret (line 20) -> app.secrets.fetch_token (line 15) -> requests"
    assert f"get_secret_str (line 25) -> {chain}" in found["token"]
    assert "app.secrets.read_flag (line 35) -> builtins.open (line 28)" in found["strict_flag"]


def _function(source: str) -> FunctionInfo:
    summary, _spans = walk_module("m.py", "m", False, cst.parse_module(source), False)
    return next(iter(summary.scope.functions.values()))


def test_tests_on_parameters_are_recorded_in_the_summary() -> None:
    """Only tests on parameters, in the forms the project pass evaluates."""
    info = _function(
        "def f(a, b=None):\n"
        "    if a.startswith(('x', 'y')) and b is None:\n        g()\n"
        "    elif a in ('p', 'q') or not b:\n        h()\n"
        "    if a == 3:\n        pass\n"
        "    if other == 1:\n        pass\n"
        "    if a.upper() == 'X':\n        pass\n"
    )
    conds = [test.cond for test in info.scope.param_tests]
    assert ("eq", "a", 3) in conds
    assert ("or", ("in", "a", ("p", "q")), ("not", ("truthy", "b"))) in conds
    assert ("and", ("startswith", "a", ("x", "y")), ("is", "b", None)) in conds
    assert len(conds) == 3


def test_holds_follows_python() -> None:
    """Python's own answers; an unbound parameter or a test that would fail is unknown."""
    assert holds(("eq", "a", 1), {"a": True}) is True  # 1 == True in Python
    assert holds(("is", "a", True), {"a": 1}) is False
    assert holds(("startswith", "a", ("x",)), {"a": 3}) is None
    assert holds(("and", ("truthy", "a"), ("truthy", "b")), {"a": ""}) is False
    assert holds(("or", ("truthy", "a"), ("truthy", "b")), {"a": ""}) is None
    assert holds(("notin", "a", ("x", "y")), {"a": "z"}) is True


def test_dead_lines_and_rebinding() -> None:
    """The body is dead when the test is false, the ``else`` and ``elif`` when it is true;
    the test's own line and a one-line body never are."""
    info = _function(
        "def f(a):\n"  # 1
        "    if a == 'x':\n"  # 2
        "        one()\n"  # 3
        "    elif a == 'y':\n"  # 4
        "        two()\n"  # 5
        "    else:\n"  # 6
        "        three()\n"  # 7
        "    if a: four()\n"  # 8
    )
    tests = info.scope.param_tests
    assert [line for line in range(1, 9) if dead(tests, {"a": "x"}, line)] == [4, 5, 6, 7]
    assert [line for line in range(1, 9) if dead(tests, {"a": "y"}, line)] == [3, 6, 7]
    assert [line for line in range(1, 9) if dead(tests, {"a": ""}, line)] == [3, 5]
    rebinds = _function(
        "def f(a):\n    if a == 'x':\n        a = 'y'\n    if a == 'y':\n        g()\n"
    )
    assert in_force(rebinds, {"a": "z"}) == {"a": "z"}  # the rebinding is ruled out
    assert in_force(rebinds, {"a": "x"}) == {}


def test_call_binding() -> None:
    """Literal arguments by position and keyword, the caller's bound parameters and literal
    defaults; nothing positional when the alignment is not known, no default after a splat."""
    info = FunctionInfo(
        "f", "f", params=[Param("a", "normal"), Param("b", "normal", default=Const("d"))]
    )
    call = Call(Name("f"), (Const("x"),))
    assert call_binding(call, info, {}, 0) == {"a": "x", "b": "d"}
    assert call_binding(Call(Name("f"), (Name("p"),)), info, {"p": 1}, 0) == {"a": 1, "b": "d"}
    assert call_binding(call, info, {}, None) == {}
    assert call_binding(Call(Name("f"), (), (("a", Const("x")),)), info, {}, None) == {
        "a": "x",
        "b": "d",
    }
    assert call_binding(Call(Name("f"), (Unknown("Starred"),)), info, {}, 0) == {}


_HEAD = "import contextlib\nimport functools\n\nimport requests\n\n\n"
_BLOCK = "        return requests.get('http://x').text\n"
#: helpers whose blocking branch the call does take (or may: an unknown is live), each with
#: that call; a review found each one ruled out by an earlier version
_TAKEN = {
    "string-in": ("def fetch(mode):\n    if mode in 'sync-blocking':\n" + _BLOCK, "fetch('sync')"),
    "string-not-in": (
        "def fetch(mode):\n    if mode not in 'abc':\n        return None\n    else:\n" + _BLOCK,
        "fetch('b')",
    ),
    "comprehension-variable": (
        "def fetch(mode):\n    if mode == 'sync':\n" + _BLOCK + "\n\ndef run_all(mode):\n"
        "    return [fetch(mode) for mode in ('sync', 'async')]\n",
        "run_all('async')",
    ),
    "lambda-parameter": (
        "def fetch(mode):\n    if mode == 'sync':\n" + _BLOCK + "\n\ndef apply(f, v):\n"
        "    return f(v)\n\n\ndef run(mode):\n    return apply(lambda mode: fetch(mode), 'sync')\n",
        "run('async')",
    ),
    "with-as": (
        "def fetch(mode):\n    with contextlib.nullcontext('sync') as mode:\n"
        "        if mode == 'sync':\n    " + _BLOCK,
        "fetch('async')",
    ),
    "match-capture": (
        "def fetch(mode, cfg):\n    match cfg:\n        case {'mode': mode}:\n            pass\n"
        "    if mode == 'sync':\n" + _BLOCK,
        "fetch('async', {'mode': 'sync'})",
    ),
    "nonlocal": (
        "def fetch(mode):\n    def switch():\n        nonlocal mode\n        mode = 'sync'\n\n"
        "    switch()\n    if mode == 'sync':\n" + _BLOCK,
        "fetch('async')",
    ),
    "classmethod-named-klass": (
        "class Client:\n    @classmethod\n    def make(klass, mode='fast'):\n"
        "        if mode == 'slow':\n    " + _BLOCK,
        "Client.make('slow')",
    ),
    "explicit-init": (
        "class Base:\n    def __init__(self, a, b='fast'):\n        if b == 'fast':\n"
        "            requests.get('http://x')\n\n\nclass Sub(Base):\n"
        "    def __init__(self):\n        Base.__init__(self, 'slow')\n",
        "Sub()",
    ),
    "decorator-injects": (
        "def with_session(fn):\n    @functools.wraps(fn)\n    def wrapper(*args, **kwargs):\n"
        "        return fn(object(), *args, **kwargs)\n\n    return wrapper\n\n\n@with_session\n"
        "def lookup(session, mode='cache'):\n    if mode == 'db':\n" + _BLOCK,
        "lookup('db')",
    ),
    "partial": (
        "def fetch(mode='async'):\n    if mode == 'sync':\n" + _BLOCK + "\n\n"
        "fetch_sync = functools.partial(fetch, mode='sync')\n",
        "fetch_sync()",
    ),
    "rebinding-decided-by-a-rebound-name": (
        "ALIASES = {'default': 's3://bucket/config'}\n\n\ndef resolve(path):\n"
        "    return ALIASES.get(path, path)\n\n\ndef load(path, mode='local'):\n"
        "    path = resolve(path)\n    if path.startswith('s3://'):\n        mode = 'remote'\n"
        "    if mode == 'remote':\n" + _BLOCK,
        "load('default')",
    ),
    "nested-for-target": (
        "def inner(mode):\n    if mode == 'remote':\n" + _BLOCK + "\n\ndef helper(mode, pairs):\n"
        "    for _, (mode, url) in pairs:\n        inner(mode)\n",
        "helper('local', [(1, ('remote', 'u'))])",
    ),
    "lambda-not-an-argument": (
        "def inner(mode):\n    if mode == 'remote':\n" + _BLOCK + "\n\ndef helper(mode, other):\n"
        "    g = lambda mode: inner(mode)\n    return g(other)\n",
        "helper('local', 'remote')",
    ),
    "defined-twice": (
        "import os\n\nif os.environ.get('FAST'):\n\n    def helper(mode):\n"
        "        return requests.get('u')\n\nelse:\n\n    def helper(mode):\n"
        "        if mode == 'remote':\n            return requests.get('u')\n",
        "helper('local')",
    ),
    "overridden-in-a-subclass": (
        "class Base:\n    def run(self):\n        return self.fetch('local')\n\n"
        "    def fetch(self, mode):\n        if mode == 'remote':\n    " + _BLOCK + "\n\n"
        "class Sub(Base):\n    def fetch(self, mode):\n        return super().fetch('remote')\n",
        "Sub().run()",
    ),
    "project-decorator-named-like-a-builtin": (
        "def staticmethod(fn):\n    def wrapper(mode):\n        return fn('remote')\n\n"
        "    return wrapper\n\n\ndef override(fn):\n    def wrapper(mode):\n"
        "        return fn('remote')\n\n    return wrapper\n\n\n@override\ndef helper(mode):\n"
        "    if mode == 'remote':\n" + _BLOCK,
        "helper('local')",
    ),
    "dotted-staticmethod": (
        "import builtins\n\n\nclass C:\n    @builtins.staticmethod\n"
        "    def sm(a, mode='remote'):\n        if mode == 'remote':\n    " + _BLOCK + "\n"
        "    def run(self):\n        return self.sm('local')\n",
        "C().run()",
    ),
    "nested-comprehension-target": (
        """\
def inner(mode):
    if mode == "remote":
        return requests.get("u")

def helper(mode, pairs):
    return [inner(mode) for _, (mode, u) in pairs]
""",
        "helper('local', [(1, ('remote', 'u'))])",
    ),
    "class-attribute-override": (
        """\
class Base:
    def run(self):
        return self.fetch("local")
    def fetch(self, mode):
        if mode == "remote":
            return requests.get("u")

def _remote(self, mode):
    return Base.fetch(self, "remote")

class Sub(Base):
    fetch = _remote
""",
        "Sub().run()",
    ),
    "override-through-an-annotated-receiver": (
        """\
class Base:
    def fetch(self, mode="local"):
        if mode == "remote":
            return requests.get("u")

class Sub(Base):
    def fetch(self, mode="local"):
        return super().fetch(mode="remote")

def use(client: Base):
    return client.fetch(mode="local")
""",
        "use(Sub())",
    ),
    "diamond-super": (
        """\
class Base:
    def fetch(self, mode):
        if mode == "remote":
            return requests.get("u")

class A(Base):
    def run(self):
        return super().fetch("local")

class Other(Base):
    def fetch(self, mode):
        return Base.fetch(self, "remote")

class C(A, Other):
    pass
""",
        "C().run()",
    ),
    "method-wrapped-in-the-class-body": (
        """\
def force_remote(fn):
    def wrapper(self, mode):
        return fn(self, "remote")
    return wrapper

class C:
    def fetch(self, mode):
        if mode == "remote":
            return requests.get("u")
    fetch = force_remote(fetch)
    def run(self):
        return self.fetch("local")
""",
        "C().run()",
    ),
    "staticmethod-by-assignment": (
        """\
class C:
    def sm(url, mode="local"):
        if mode == "remote":
            return requests.get(url)
    sm = staticmethod(sm)
    def run(self):
        return self.sm("u", "remote")
""",
        "C().run()",
    ),
    "instance-attribute-override": (
        """\
class Client:
    def __init__(self, remote):
        if remote:
            self.fetch = self._remote_fetch
    def fetch(self, mode="local"):
        if mode == "remote":
            return requests.get("u")
    def _remote_fetch(self, mode="local"):
        return Client.fetch(self, "remote")
    def run(self):
        return self.fetch()
""",
        "Client(True).run()",
    ),
    "project-staticmethod-decorator": (
        """\
def staticmethod(fn):
    def wrapper(mode):
        return fn("remote")
    return wrapper

@staticmethod
def helper(mode):
    if mode == "remote":
        return requests.get("u")
""",
        "helper('local')",
    ),
    "import-fallback": (
        "try:\n    from app.fast import helper\nexcept ImportError:\n\n"
        """\
    def helper(mode):
        if mode == 'remote':
            return requests.get('u')
""",
        "helper('local')",
    ),
    "global-rebinding": (
        "def helper(mode):\n    if mode == 'remote':\n" + _BLOCK + "\n\ndef _always(mode):\n"
        "    return requests.get('u')\n\n\ndef setup():\n    global helper\n    helper = _always\n",
        "helper('local')",
    ),
}


@pytest.mark.parametrize("case", sorted(_TAKEN))
def test_a_branch_the_call_may_take_is_searched(tmp_path: Path, case: str) -> None:
    helpers, call = _TAKEN[case]
    main = (
        "from fastapi import FastAPI\n\nfrom app.helpers import *  # noqa: F403\n\n"
        f"app = FastAPI()\n\n\n@app.get('/a')\nasync def a():\n    return {call}\n"
    )
    files = {"app/__init__.py": "", "app/helpers.py": _HEAD + helpers, "app/main.py": main}
    root = write_project(tmp_path / "p", files, select=["BK301"])
    found = analyze([root], use_cache=False).findings
    assert [f.code for f in found] == ["BK301"], case


def test_a_function_patched_from_another_module_gets_no_constant(tmp_path: Path) -> None:
    """``helpers.helper = helpers._always`` anywhere in the project: the name may run other
    code, so the call's constant rules nothing out."""
    helpers = _HEAD + (
        "def helper(mode):\n    if mode == 'remote':\n" + _BLOCK + "\n\ndef _always(mode):\n"
        "    return requests.get('u')\n"
    )
    main = (
        "from fastapi import FastAPI\n\nfrom app import helpers\n\napp = FastAPI()\n"
        "helpers.helper = helpers._always\n\n\n@app.get('/a')\nasync def a():\n"
        "    return helpers.helper('local')\n"
    )
    files = {"app/__init__.py": "", "app/helpers.py": helpers, "app/main.py": main}
    root = write_project(tmp_path / "p", files, select=["BK301"])
    assert [f.code for f in analyze([root], use_cache=False).findings] == ["BK301"]
