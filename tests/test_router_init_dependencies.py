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


UNDONE = """\
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException


def get_user(authorization: str | None = Header(None)) -> str:
    if authorization != "Bearer k":
        raise HTTPException(status_code=401)
    return "alice"


class BeforeSuper(APIRouter):
    def __init__(self, *args, **kwargs) -> None:
        self.dependencies = []
        self.dependencies.append(Depends(get_user))
        super().__init__(*args, **kwargs)


class AuthRouter(APIRouter):
    def __init__(self, *args, public: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if public:
            return
        self.dependencies.append(Depends(get_user))


class Popped(AuthRouter):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.dependencies.pop()


class Skipping(AuthRouter):
    def __init__(self, *args, **kwargs) -> None:
        APIRouter.__init__(self, *args, **kwargs)


before = BeforeSuper(prefix="/before")
public = AuthRouter(prefix="/public", public=True)
popped = Popped(prefix="/popped")
skipping = Skipping(prefix="/skipping")


@before.get("/x")
def x1() -> int:
    return 1


@public.get("/x")
def x2() -> int:
    return 1


@popped.get("/x")
def x3() -> int:
    return 1


@skipping.get("/x")
def x4() -> int:
    return 1


app = FastAPI()
app.include_router(before)
app.include_router(public)
app.include_router(popped)
app.include_router(skipping)
"""


def test_an_addition_that_does_not_last_adds_nothing(tmp_path: Path) -> None:
    """Before ``super().__init__`` (which makes the list anew), after a return the constructor
    may take, undone by a subclass (``pop``), or in a base whose ``__init__`` a subclass skips
    (``APIRouter.__init__(self)``): the routes stay open, as FastAPI serves them."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": UNDONE})
    paths = ["/before/x", "/public/x", "/popped/x", "/skipping/x"]
    agrees_with_fastapi(root, dict.fromkeys(paths, (200, "none")))
