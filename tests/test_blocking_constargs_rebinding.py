"""BK301 and constant arguments: a call through a name that the callee's or the caller's
scopes bind other than by a ``def`` or an import (an assignment, ``with ... as``, ``match``,
``global``, ``nonlocal``, ``setattr``) passes no constant. Each project is a case a review found
missed; each must report its route."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project

PROJECTS: dict[str, dict[str, str]] = {
    "mod-with": {
        "app/__init__.py": "",
        "app/helpers.py": """\
import requests

import contextlib
def helper(mode):
    if mode == "remote":
        return requests.get("u")
def _always(mode):
    return requests.get("u")
with contextlib.nullcontext(_always) as helper:
    pass
""",
        "app/main.py": """\
from fastapi import FastAPI
import app.helpers as h
from app import helpers

app = FastAPI()


@app.get("/x")
async def route() -> dict:
    return {"v": h.helper("local")}
""",
    },
    "mod-match": {
        "app/__init__.py": "",
        "app/helpers.py": """\
import requests

import contextlib
def helper(mode):
    if mode == "remote":
        return requests.get("u")
def _always(mode):
    return requests.get("u")
match _always:
    case helper:
        pass
""",
        "app/main.py": """\
from fastapi import FastAPI
import app.helpers as h
from app import helpers

app = FastAPI()


@app.get("/x")
async def route() -> dict:
    return {"v": h.helper("local")}
""",
    },
    "closure-nonlocal": {
        "app/__init__.py": "",
        "app/helpers.py": """\
import requests

def outer():
    def helper(mode):
        if mode == "remote":
            return requests.get("u")
    def _always(mode):
        return requests.get("u")
    def swap():
        nonlocal helper
        helper = _always
    swap()
    return helper("local")
""",
        "app/main.py": """\
from fastapi import FastAPI
import app.helpers as h
from app import helpers

app = FastAPI()


@app.get("/x")
async def route() -> dict:
    return {"v": h.outer()}
""",
    },
    "caller-with": {
        "app/__init__.py": "",
        "app/helpers.py": """\
import requests

def helper(mode):
    if mode == "remote":
        return requests.get("u")
def _always(mode):
    return requests.get("u")
""",
        "app/main.py": """\
from fastapi import FastAPI
from app.helpers import helper, _always
app = FastAPI()
import contextlib
with contextlib.nullcontext(_always) as helper:
    pass

@app.get("/x")
async def route() -> dict:
    return {"v": helper("local")}
""",
    },
    "caller-global": {
        "app/__init__.py": "",
        "app/helpers.py": """\
import requests

def helper(mode):
    if mode == "remote":
        return requests.get("u")
def _always(mode):
    return requests.get("u")
""",
        "app/main.py": """\
from fastapi import FastAPI
from app.helpers import helper, _always
app = FastAPI()
def swap():
    global helper
    helper = _always

@app.get("/x")
async def route() -> dict:
    return {"v": helper("local")}
""",
    },
    "caller-in-func-nonlocal": {
        "app/__init__.py": "",
        "app/helpers.py": """\
import requests

def helper(mode):
    if mode == "remote":
        return requests.get("u")
def _always(mode):
    return requests.get("u")
""",
        "app/main.py": """\
from fastapi import FastAPI
from app.helpers import helper, _always
app = FastAPI()

@app.get("/x")
async def route() -> dict:
    from app.helpers import helper
    def swap():
        nonlocal helper
        helper = _always
    swap()
    return {"v": helper("local")}
""",
    },
    "caller-alias-with": {
        "app/__init__.py": "",
        "app/helpers.py": """\
import requests

def helper(mode):
    if mode == "remote":
        return requests.get("u")
""",
        "app/main.py": """\
from fastapi import FastAPI
import app.helpers as h
from app import helpers

app = FastAPI()


import contextlib, app.other as o
with contextlib.nullcontext(o) as h:
    pass
@app.get("/x")
async def route() -> dict:
    return {"v": h.helper("local")}
""",
        "app/other.py": """\
import requests
def helper(mode):
    return requests.get('u')
""",
    },
    "setattr-mod": {
        "app/__init__.py": "",
        "app/helpers.py": """\
import requests

def helper(mode):
    if mode == "remote":
        return requests.get("u")
def _always(mode):
    return requests.get("u")
""",
        "app/main.py": """\
from fastapi import FastAPI
import app.helpers as h
from app import helpers

app = FastAPI()

setattr(helpers, 'helper', helpers._always)

@app.get("/x")
async def route() -> dict:
    return {"v": helpers.helper("local")}
""",
    },
    "partial-under-the-same-name": {
        "app/__init__.py": "",
        "app/helpers.py": """\
import requests


def fetch(url, mode="cache"):
    if mode == "remote":
        return requests.get(url).text
    return None
""",
        "app/main.py": """\
import functools

from fastapi import FastAPI

from app import helpers

app = FastAPI()


@app.get("/a")
async def a():
    fetch = functools.partial(helpers.fetch, mode="remote")
    return fetch("http://x")
""",
    },
}


@pytest.mark.parametrize("case", sorted(PROJECTS))
def test_a_rebound_name_passes_no_constant(tmp_path: Path, case: str) -> None:
    root = write_project(tmp_path / "p", PROJECTS[case], select=["BK301"])
    found = analyze([root], use_cache=False).findings
    assert [f.code for f in found] == ["BK301"], case
