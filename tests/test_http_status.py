"""``http.HTTPStatus`` wherever a status code is read (``status_code_of``): route decorators
(BK201, BK202, the route inventory), raised ``HTTPException`` statuses and ``responses=`` keys
(BK208), and the 401/403 that makes a dependency enforce authentication."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.project.deps import status_code_of
from backendkit.project.symbols import Ctx, External, Instance
from backendkit.summary.model import Call, Const, ModuleSummary, Name
from helpers import write_project

MAIN = """\
import http
from http import HTTPStatus
from http import HTTPStatus as S

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI()


class Item(BaseModel):
    name: str


@app.post("/items", status_code=HTTPStatus.CREATED)
async def create_item(i: Item) -> Item:
    return i


@app.post("/items2", status_code=HTTPStatus(201))
async def create_item2(i: Item) -> Item:
    return i


@app.post("/items3", status_code=HTTPStatus.CREATED.value)
async def create_item3(i: Item) -> Item:
    return i


@app.post("/items4", status_code=http.HTTPStatus.CREATED)
async def create_item4(i: Item) -> Item:
    return i


@app.post("/items5", status_code=S.CREATED)
async def create_item5(i: Item) -> Item:
    return i


@app.post("/items6", status_code=HTTPStatus.OK)
async def create_item6(i: Item) -> Item:
    return i


@app.delete("/items/{item_id}", status_code=HTTPStatus.NO_CONTENT)
async def delete_item(item_id: int) -> None:
    return None


@app.delete("/items2/{item_id}", status_code=HTTPStatus.OK)
async def delete_item2(item_id: int) -> None:
    return None
"""


def _run(tmp_path: Path, main: str, codes: list[str]) -> tuple[list, list]:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": main}, select=codes)
    result = analyze([root], use_cache=False)
    return result.findings, result.routes


def test_route_status_codes_from_http_status(tmp_path: Path) -> None:
    findings, routes = _run(tmp_path, MAIN, ["BK201", "BK202"])
    statuses = {route.path: route.status_code for route in routes}
    assert statuses == {
        "/items": 201,
        "/items2": 201,
        "/items3": 201,
        "/items4": 201,
        "/items5": 201,
        "/items6": 200,
        "/items/{item_id}": 204,
        "/items2/{item_id}": 200,
    }
    lines = {line for line, text in enumerate(MAIN.splitlines(), 1) if "HTTPStatus.OK" in text}
    # an explicit 200 (HTTPStatus.OK) is still reported: only the true positives remain
    assert sorted((f.code, f.line) for f in findings) == sorted(
        zip(["BK201", "BK202"], sorted(lines), strict=True)
    )


BK208_MAIN = """\
from http import HTTPStatus
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException

app = FastAPI()


async def get_item_or_404(item_id: int) -> int:
    if item_id < 0:
        raise HTTPException(status_code=HTTPStatus.NOT_FOUND)
    return item_id


ItemDep = Annotated[int, Depends(get_item_or_404)]


@app.get("/items/{item_id}")
async def read_item(item: ItemDep) -> int:
    return item


@app.get("/items3/{item_id}", responses={HTTPStatus.NOT_FOUND: {"description": "nf"}})
async def read_item3(item: ItemDep) -> int:
    return item


@app.get("/items4/{item_id}", responses={"404": {"description": "nf"}})
async def read_item4(item: ItemDep) -> int:
    return item


@app.get("/conflict", responses={HTTPStatus.NOT_FOUND.value: {"description": "nf"}})
async def conflict(item: ItemDep) -> int:
    raise HTTPException(HTTPStatus(409))
"""


def test_undocumented_error_reads_http_status(tmp_path: Path) -> None:
    findings, _ = _run(tmp_path, BK208_MAIN, ["BK208"])
    lines = BK208_MAIN.splitlines()
    assert [(f.line, lines[f.line - 1]) for f in findings] == [
        (18, '@app.get("/items/{item_id}")'),
        (33, lines[32]),
    ]
    assert "raises HTTP 404 (from dependency get_item_or_404) but" in (findings[0].message)
    assert "raises HTTP 409 but" in findings[1].message


AUTH_MAIN = """\
from http import HTTPStatus
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

app = FastAPI()
bearer = HTTPBearer(auto_error=False)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def require_user(credentials: Credentials) -> str:
    if credentials is None:
        raise HTTPException(status_code=HTTPStatus.UNAUTHORIZED)
    return credentials.credentials


def maybe_user(credentials: Credentials) -> str:
    if credentials is None:
        raise HTTPException(status_code=HTTPStatus.NOT_FOUND)
    return credentials.credentials


@app.get("/secret", dependencies=[Depends(require_user)])
def secret() -> int:
    return 1


@app.get("/maybe", dependencies=[Depends(maybe_user)])
def maybe() -> int:
    return 1
"""


def test_dependency_raising_http_status_unauthorized_enforces_auth(tmp_path: Path) -> None:
    """An optional scheme behind a dependency raising ``HTTPStatus.UNAUTHORIZED`` is required
    authentication; raising ``HTTPStatus.NOT_FOUND`` leaves it optional."""
    _, routes = _run(tmp_path, AUTH_MAIN, ["BK101"])
    assert {route.path: route.auth for route in routes} == {
        "/secret": "required",
        "/maybe": "optional",
    }


_CTX = Ctx(ModuleSummary(path="m.py", module="m", is_package=False, line_count=1), ())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (404, 404),
        (True, None),
        (External("starlette.status.HTTP_409_CONFLICT"), 409),
        (External("fastapi.status.HTTP_204_NO_CONTENT"), 204),
        (External("http.HTTPStatus.IM_A_TEAPOT"), 418),
        (External("http.HTTPStatus.NOT_FOUND.value"), 404),
        (External("http.HTTPStatus.NOT_A_STATUS"), None),
        (External("http.HTTPStatus.NOT_FOUND.phrase"), None),
        (External("http.HTTPStatus"), None),
        (External("other.HTTPStatus.NOT_FOUND"), None),
        (Instance(External("http.HTTPStatus"), Call(Name("S"), (Const(404),)), _CTX), 404),
        (
            Instance(
                External("http.HTTPStatus"), Call(Name("S"), (), (("value", Const(201)),)), _CTX
            ),
            201,
        ),
        (Instance(External("http.HTTPStatus"), Call(Name("S"), (Const(999),)), _CTX), None),
        (Instance(External("http.HTTPStatus"), Call(Name("S"), (Name("x"),)), _CTX), None),
        (Instance(External("other.HTTPStatus"), Call(Name("S"), (Const(404),)), _CTX), None),
    ],
)
def test_status_code_of(value: object, expected: int | None) -> None:
    assert status_code_of(value) == expected  # type: ignore[arg-type]


def test_every_http_status_name_maps_to_its_number() -> None:
    for member in HTTPStatus:
        assert status_code_of(External(f"http.HTTPStatus.{member.name}")) == member.value


FAILURES = """\
from fastapi import FastAPI, HTTPException

app = FastAPI()


@app.get("/items/{item_id}")  # backendkit: public
def read_item(item_id: int) -> dict[str, int]:
    try:
        if item_id > 100:
            raise HTTPException(status_code=503, detail="catalogue offline")
        return {"id": item_id}
    except ValueError:
        raise HTTPException(status_code=500, detail="failed") from None
"""


def test_bk208_leaves_500_to_every_route_and_names_the_other_5xx(tmp_path: Path) -> None:
    """A new user's trial: few teams document a 500, which any route may answer; a 503 raised
    on purpose is part of the contract."""
    root = write_project(tmp_path / "p", {"app/main.py": FAILURES}, select=["BK208"])
    messages = [f.message for f in analyze([root], use_cache=False).findings]
    assert len(messages) == 1
    assert "raises HTTP 503 but" in messages[0]
    assert "500" not in messages[0]
