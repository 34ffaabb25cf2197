"""BK203 and bodies that are no JSON (``rules/rawresponses.py``), against the holes a review
found: a project ``Response`` subclass rendering JSON (FastAPI's docs' custom response), and
a plain ``Response`` whose media type or headers may say JSON, are still reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

APP = """\
from fastapi import FastAPI, Response

app = FastAPI()
JSON_TYPE = "application/json"


class CustomJSON(Response):
    media_type = "application/json"


class Csv(Response):
    media_type = "text/csv"


@app.get("/a", response_class=CustomJSON)
async def a():
    return {"message": "Hello"}


@app.get("/b")
async def b():
    return Response('{"a": 1}', media_type=JSON_TYPE)


@app.get("/c")
async def c():
    return Response('{"a": 1}', headers={"Content-Type": "application/json"})


@app.get("/d")
async def d():
    return Response("{}", media_type="application/vnd.api+JSON")


@app.get("/e", response_class=Csv)
async def e():
    return "a,b\\n"


@app.get("/f")
async def f():
    return Response(b"\\x89PNG", media_type="image/png")
"""


def test_json_bodies_in_custom_or_plain_responses_are_still_reported(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p", {"app/__init__.py": "", "app/main.py": APP}, select=["BK203"]
    )
    found = [f.line for f in analyze([root], use_cache=False).findings]
    assert found == [15, 20, 25, 30]


CREATES = """\
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel

app = FastAPI()


class Item(BaseModel):
    name: str


class AppError(Exception):
    status_code = 409


@app.post("/items")
def create_item(item: Item) -> Item:
    try:
        return item
    except AppError as exc:
        return JSONResponse({"detail": "bad"}, status_code=exc.status_code)


@app.post("/lessons/{lesson_id}/completion")
def create_lesson_completion(lesson_id: int) -> dict:
    return {}


@app.post("/v1/proxy")
def create_proxy(upstream: JSONResponse) -> JSONResponse:
    return JSONResponse({}, status_code=upstream.status_code)
"""


def test_bk201_error_paths_and_stored_completions_are_still_reported(tmp_path: Path) -> None:
    """A review's holes: an error response of unknown status beside a plain success, and a
    stored "completion" at a path no OpenAI-compatible API has, still answer 200; a proxy
    passing its upstream's status on is not reported."""
    files = {"app/__init__.py": "", "app/main.py": CREATES}
    root = write_project(tmp_path / "p", files, select=["BK201"])
    found = [f.line for f in analyze([root], use_cache=False).findings]
    assert found == [16, 24]
