"""Class-based views (fastapi-utils' ``@cbv(router)``): class attributes declared with
``Depends(...)`` run for every endpoint method of the class."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

VIEWS = """\
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import OAuth2PasswordBearer
from fastapi_utils.cbv import cbv

oauth2 = OAuth2PasswordBearer(tokenUrl="/login")
router = APIRouter()


def get_db():
    yield None


def get_user(token: str = Depends(oauth2)) -> str:
    return token


@cbv(router)
class ItemViews:
    db: object = Depends(get_db)
    user: str = Depends(get_user)

    @router.get("/items")
    def list_items(self, limit: int = 10) -> list[int]:
        return []


@cbv(router)
class OrderViews:
    user: Annotated[str, Depends(get_user)]

    @router.get("/orders")
    def list_orders(self) -> list[int]:
        return []


@cbv(router)
class OpenViews:
    db: object = Depends(get_db)

    @router.get("/open")
    def list_open(self) -> list[int]:
        return []


app = FastAPI()
app.include_router(router)
"""


def test_class_attribute_dependencies_protect_every_endpoint(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"main.py": VIEWS})
    result = analyze([root])
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {"/items": "required", "/orders": "required", "/open": "none"}
    open_line = VIEWS.splitlines().index('    @router.get("/open")') + 1
    missing = [(f.code, f.line) for f in result.findings if f.code == "BK101"]
    assert missing == [("BK101", open_line)]
