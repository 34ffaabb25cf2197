"""A router class that adds a dependency to itself in ``__init__``
(``self.dependencies.append(Depends(get_user))`` after ``super().__init__``), a shape seen in
several public FastAPI projects (``EnsureAuthenticatedAPIRouter``): its routes were ``none``
with a false BK101. Checked against FastAPI; an addition under a condition adds nothing."""

from __future__ import annotations

from pathlib import Path

from helpers import write_project
from truth import agrees_with_fastapi

MAIN = """\
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException


def get_user(authorization: str | None = Header(None)) -> str:
    if authorization != "Bearer k":
        raise HTTPException(status_code=401)
    return "alice"


class EnsureAuthenticatedAPIRouter(APIRouter):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.dependencies.append(Depends(get_user))


class AdminRouter(EnsureAuthenticatedAPIRouter):
    pass


class ExtendedRouter(APIRouter):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.dependencies.extend([Depends(get_user)])


class MaybeRouter(APIRouter):
    def __init__(self, secure: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        if secure:
            self.dependencies.append(Depends(get_user))


secure = EnsureAuthenticatedAPIRouter(prefix="/secure")
admin = AdminRouter(prefix="/admin")
extended = ExtendedRouter(prefix="/extended")
maybe = MaybeRouter(prefix="/maybe")


@secure.get("/items")
def items() -> list:
    return []


@admin.get("/items")
def admin_items() -> list:
    return []


@extended.get("/items")
def extended_items() -> list:
    return []


@maybe.get("/items")
def maybe_items() -> list:
    return []


app = FastAPI()
for router in (secure, admin, extended, maybe):
    app.include_router(router)
"""

EXPECTED = {
    "/secure/items": (401, "required"),
    "/admin/items": (401, "required"),
    "/extended/items": (401, "required"),
    "/maybe/items": (200, "none"),
}


def test_dependencies_a_router_class_adds_to_itself_apply_to_its_routes(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = agrees_with_fastapi(root, EXPECTED)
    routes = {route.line: route.path for route in result.routes}
    assert sorted(routes[f.line] for f in result.findings if f.code == "BK101") == ["/maybe/items"]
