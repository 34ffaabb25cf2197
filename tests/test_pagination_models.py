"""BK204 unpaginated-list: query parameter models (``Annotated[Params, Query()]``, FastAPI
0.115+) and class dependencies (``Depends()``) count by the query parameters FastAPI derives
from them (their fields or ``__init__`` parameters), not by the class's name."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query
from pydantic import BaseModel

app = FastAPI()
router = APIRouter()


class Item(BaseModel):
    id: int


class Params(BaseModel):
    limit: int = 10
    offset: int = 0


class Window(BaseModel):
    limit: int = 10


class Filters(BaseModel):
    q: str = ""


class ListArgs:
    def __init__(self, skip: int = 0, limit: int = 100) -> None:
        self.skip = skip
        self.limit = limit


@dataclass
class Cursor:
    cursor: str = ""


WindowQuery = Annotated[Window, Query()]


@router.get("/items4")
async def list_items4(p: Annotated[Params, Query()]) -> list[Item]:
    return []


@router.get("/window")
async def window(w: Window = Query()) -> list[Item]:
    return []


@router.get("/window-alias")
async def window_alias(w: WindowQuery) -> list[Item]:
    return []


@router.get("/window-depends")
async def window_depends(w: Annotated[Window, Depends()]) -> list[Item]:
    return []


@router.get("/args")
async def args(a: Annotated[ListArgs, Depends()]) -> list[Item]:
    return []


@router.get("/cursor")
async def cursor(c: Annotated[Cursor, Depends()]) -> list[Item]:
    return []


def nested(p: Annotated[Params, Query()]) -> int:
    return p.limit


@router.get("/nested")
async def nested_route(n: Annotated[int, Depends(nested)]) -> list[Item]:
    return []


@router.get("/filtered")
async def filtered(f: Annotated[Filters, Query()]) -> list[Item]:
    return []


app.include_router(router)
"""


def test_query_models_and_class_dependencies_count_as_pagination(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN}, select=["BK204"]
    )
    findings = analyze([root], use_cache=False).findings
    lines = MAIN.splitlines()
    reported = [lines[f.line - 1] for f in findings]
    # a query model without paging fields stays reported
    assert reported == ['@router.get("/filtered")']


def test_real_fastapi_reads_the_same_query_parameters() -> None:
    """What the test above assumes: FastAPI turns these models and classes into query
    parameters (limit/offset, skip/limit, cursor)."""
    namespace: dict[str, object] = {}
    exec(compile(MAIN, "main.py", "exec"), namespace)
    schema = namespace["app"].openapi()  # type: ignore[attr-defined]
    query = {
        path: [p["name"] for p in op["get"].get("parameters", []) if p["in"] == "query"]
        for path, op in schema["paths"].items()
    }
    assert query["/items4"] == ["limit", "offset"]
    assert query["/window"] == ["limit"]
    assert query["/window-alias"] == ["limit"]
    assert query["/window-depends"] == ["limit"]
    assert query["/args"] == ["skip", "limit"]
    assert query["/cursor"] == ["cursor"]
    assert query["/nested"] == ["limit", "offset"]
    assert query["/filtered"] == ["q"]


FIXED = """\
from fastapi import FastAPI

from app.db import load_items

app = FastAPI()
ROLES = {"admin": 1, "user": 2}
COUNTRIES = ("FR", "DE")


@app.get("/codes")  # backendkit: public
def codes() -> list[str]:
    return ["FR", "DE", "IT"]


@app.get("/roles")  # backendkit: public
def roles() -> list[str]:
    return sorted(ROLES.keys())


@app.get("/countries")  # backendkit: public
def countries() -> list[str]:
    return list(COUNTRIES)


@app.get("/stub")  # backendkit: public
def stub() -> list[str]:
    return []


@app.get("/items")  # backendkit: public
def items(fallback: bool) -> list[str]:
    if fallback:
        return ["none"]
    return load_items()
"""


def test_a_list_the_code_writes_needs_no_paging(tmp_path: Path) -> None:
    """A new user's trial: ``return ["FR", "DE"]`` was asked for limit/offset. A literal
    list or a module's UPPER_CASE display does not grow with the data; an empty list (a
    stub) and a route that may return loaded rows are still reported."""
    files = {"app/__init__.py": "", "app/db.py": "def load_items():\n    return []\n"}
    files["app/main.py"] = FIXED
    root = write_project(tmp_path / "p", files, select=["BK204"])
    assert [f.line for f in analyze([root], use_cache=False).findings] == [25, 30]


STORES = """\
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Todo(BaseModel):
    title: str


TODOS: list[Todo] = []
USERS: dict[int, dict] = {}
ROLES = {"admin": 1, "user": 2}
TAGS = ["a", "b"]


def remember(tag: str) -> None:
    TAGS.append(tag)


@app.post("/todos", status_code=201)  # backendkit: public
def create_todo(todo: Todo) -> Todo:
    TODOS.append(todo)
    return todo


@app.get("/todos")  # backendkit: public
def list_todos() -> list[Todo]:
    return TODOS


@app.get("/users")  # backendkit: public
def list_users() -> list[dict]:
    return list(USERS.values())


@app.get("/roles")  # backendkit: public
def roles() -> list[str]:
    return sorted(ROLES.keys())


@app.get("/tags")  # backendkit: public
def tags() -> list[str]:
    return TAGS
"""


def test_an_in_memory_store_is_no_list_the_code_writes(tmp_path: Path) -> None:
    """A review's hole: a module's ``TODOS: list[Todo] = []`` that routes fill grows with
    every POST; so does a constant some function changes in place (``TAGS.append``)."""
    root = write_project(tmp_path / "p", {"app.py": STORES}, select=["BK204"])
    assert [f.line for f in analyze([root], use_cache=False).findings] == [27, 32, 42]
