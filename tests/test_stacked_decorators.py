"""A handler under stacked route decorators is one endpoint to its author: BK101 and BK102
report it once, at its first decorator, naming every method and path (dstack's proxy handler
under six decorators was six findings); ``backendkit routes`` still lists each route."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

AUTH = """\
from fastapi.security import OAuth2PasswordBearer

optional = OAuth2PasswordBearer(tokenUrl="token", auto_error=False)
"""

MAIN = """\
from fastapi import Depends, FastAPI

from app.auth import optional

app = FastAPI()


@app.get("/items/{item_id}")
@app.put("/items/{item_id}")
@app.delete("/items/{item_id}")
def items(item_id: int) -> dict:
    return {}


@app.get("/a")
@app.post("/b")
def two_paths() -> dict:
    return {}


@app.get("/guarded", dependencies=[Depends(optional)])
@app.post("/guarded")
def half(token: str | None = None) -> dict:
    return {}


@app.get("/quiet")
@app.post("/quiet")  # backendkit: ignore[BK101]
def quiet() -> dict:
    return {}


def late() -> dict:
    return {}


app.add_api_route("/late", late, methods=["GET"])
app.add_api_route("/late2", late, methods=["GET"])
"""


def _findings(tmp_path: Path, code: str) -> list:
    root = write_project(
        tmp_path / "p", {"app/__init__.py": "", "app/auth.py": AUTH, "app/main.py": MAIN}
    )
    result = analyze([root], use_cache=False)
    return [f for f in result.findings if f.code == code], result


def test_stacked_decorators_are_one_finding(tmp_path: Path) -> None:
    """One BK101 per handler with the methods (or paths) of every decorator; a suppression on
    any of its decorators applies; routes registered by calls stay one finding each."""
    found, result = _findings(tmp_path, "BK101")
    heads = [(f.line, f.message.split(" has ")[0]) for f in found]
    assert heads == [
        (8, "Route GET|PUT|DELETE /items/{item_id}"),
        (15, "Route GET /a (and POST /b)"),
        (22, "Route POST /guarded"),
        (37, "Route GET /late"),
        (38, "Route GET /late2"),
    ]
    assert found[0].extra["alt_lines"] == [11, 9, 10]
    listed = {(r.methods, r.path) for r in result.routes}
    assert {(("PUT",), "/items/{item_id}"), (("POST",), "/quiet")} <= listed


def test_stacked_optional_routes_are_one_finding(tmp_path: Path) -> None:
    """BK102 groups the same way: the one route under the optional scheme is reported."""
    found, _result = _findings(tmp_path, "BK102")
    assert [(f.line, f.message.split(" authenticates ")[0]) for f in found] == [
        (21, "Route GET /guarded")
    ]
