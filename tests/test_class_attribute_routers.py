"""A router that is a class attribute (``Views.router``) is that attribute, not the module's
``router`` of the same name: its routes carry its own prefix, checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import engine_triples, fastapi_truth

MAIN = """\
from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import HTTPBearer

auth = HTTPBearer()
app = FastAPI()
router = APIRouter()


@router.get("/items")
def items(c=Depends(auth)) -> dict:
    return {}


class Views:
    PATH = "/m"
    router = APIRouter(prefix="/cls")

    @router.get(PATH)
    def m(c=Depends(auth)) -> dict:
        return {}

    class Inner:
        router = APIRouter(prefix="/inner")

        @router.get("/deep", dependencies=[Depends(auth)])
        def deep() -> dict:
            return {}


@Views.router.get("/after")
def after() -> dict:
    return {}


class Plain:  # a class-based view: the module's router, seen from the class body
    @router.get("/plain", dependencies=[Depends(auth)])
    def plain(self) -> dict:
        return {}


def build() -> APIRouter:
    class Local:
        router = APIRouter(prefix="/local")

    Local.router.add_api_route("/added", items, methods=["POST"])
    return Local.router


app.include_router(router)
app.include_router(Views.router)
app.include_router(Views.Inner.router, prefix="/v")
app.include_router(build())
"""


def test_class_attribute_router_is_the_attribute(tmp_path: Path) -> None:
    """Routes decorated in the class body and on ``Views.router`` after it get ``/cls``; the
    module-level ``router`` is included once (with the route a method of another class
    registers on it); the open route next to them is still reported."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = analyze([root])
    engine = engine_triples(result.routes, "app.main:app")
    assert engine == fastapi_truth(root, "app.main:app")
    assert engine == {
        ("GET", "/items", True),
        ("GET", "/plain", True),
        ("GET", "/cls/m", True),
        ("GET", "/cls/after", False),
        ("GET", "/v/inner/deep", True),
        ("POST", "/local/added", True),
    }
    assert all(route.app == "app.main:app" and not route.notes for route in result.routes)
    assert [(f.code, f.line) for f in result.findings if f.code == "BK101"] == [("BK101", 30)]
