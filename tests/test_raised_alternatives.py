"""``raise to_http(e)`` where the project helper returns an ``HTTPException`` of one status or
another by case raises each of them: BK208 reads every status (the call gives every return
since trial 6; before, the first return only, and skyvern's and langflow's helpers hid codes)."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
from fastapi import FastAPI, HTTPException

app = FastAPI()


class NotFound(Exception):
    pass


def to_http(error: Exception) -> HTTPException:
    if isinstance(error, NotFound):
        return HTTPException(status_code=404, detail="not found")
    return HTTPException(status_code=503, detail="unavailable")


@app.get("/items/{item_id}", responses={404: {"description": "missing"}})
def read_item(item_id: int) -> dict:
    try:
        return {"id": item_id}
    except Exception as error:
        raise to_http(error)


@app.get("/users/{user_id}", responses={404: {"description": "x"}, 503: {"description": "y"}})
def read_user(user_id: int) -> dict:
    try:
        return {"id": user_id}
    except Exception as error:
        raise to_http(error)
"""


def test_every_error_a_helper_returns_is_raised(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    root = write_project(tmp_path / "p", files, select=["BK208"])
    found = [
        (f.line, f.message.split(" but ")[0]) for f in analyze([root], use_cache=False).findings
    ]
    assert found == [(16, "Route read_item raises HTTP 503")]
