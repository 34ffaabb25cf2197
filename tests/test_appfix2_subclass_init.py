"""A project ``APIRouter`` or ``FastAPI`` subclass whose ``__init__`` hands keywords to
``super().__init__`` (``dependencies=[Depends(auth)]``, ``prefix=``) gives them to every
object it builds, with what the call itself passes and forwards through ``**kwargs``
(trial 6 repro 13). A subclass adding nothing stays as the call reads. Checked against
FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import fastapi_truth

ROUTING = """\
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPBearer

bearer = HTTPBearer()


def get_current_user(request: Request) -> str:
    token = request.headers.get("Authorization")
    if not token:
        raise HTTPException(status_code=401, detail="Not authenticated")
    return token


class UserAPIRouter(APIRouter):
    \"\"\"Every route of this router requires a signed-in user.\"\"\"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(dependencies=[Depends(get_current_user)], **kwargs)


class AuditedRouter(UserAPIRouter):
    \"\"\"A subclass of the subclass, without an ``__init__`` of its own.\"\"\"


class AdminRouter(UserAPIRouter):
    def __init__(self, section: str, **kwargs: Any) -> None:
        super().__init__(prefix=f"/admin/{section}", tags=["admin"], **kwargs)


class PlainRouter(APIRouter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class NoInitRouter(APIRouter):
    pass


class SecureApp(FastAPI):
    def __init__(self, **kw: Any) -> None:
        super().__init__(dependencies=[Depends(bearer)], **kw)
"""

MAIN = """\
from fastapi import FastAPI

from app.routing import AdminRouter, AuditedRouter, NoInitRouter, PlainRouter
from app.routing import SecureApp, UserAPIRouter

items = UserAPIRouter(prefix="/items")
audits = AuditedRouter(prefix="/audits")
users = AdminRouter("users")
plain = PlainRouter(prefix="/plain")
bare = NoInitRouter(prefix="/bare")


@items.get("/")
def list_items() -> list[str]:
    return []


@audits.get("/")
def list_audits() -> list[str]:
    return []


@users.delete("/{user_id}")
def delete_user(user_id: int) -> None:
    return None


@plain.get("/")
def list_plain() -> list[str]:
    return []


@bare.get("/")
def list_bare() -> list[str]:
    return []


app = FastAPI()
for router in (items, audits, users, plain, bare):
    app.include_router(router)

secure = SecureApp(title="x")


@secure.get("/reports")
def reports() -> list[str]:
    return []
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {"app/__init__.py": "", "app/main.py": MAIN, "app/routing.py": ROUTING}
    return write_project(tmp_path_factory.mktemp("appfix2") / "p", files, select=["BK101"])


def test_keywords_given_to_super_init(project: Path) -> None:
    result = analyze([project])
    rows = {(r.methods[0], r.path, r.app, r.auth) for r in result.routes}
    assert rows == {
        ("GET", "/items/", "app.main:app", "required"),
        ("GET", "/audits/", "app.main:app", "required"),
        ("DELETE", "/admin/users/{user_id}", "app.main:app", "required"),
        ("GET", "/plain/", "app.main:app", "none"),
        ("GET", "/bare/", "app.main:app", "none"),
        ("GET", "/reports", "app.main:secure", "required"),
    }
    chain = {r.path: r.auth_chain for r in result.routes}
    user = "app.routing:get_current_user (checks header authorization)"
    assert chain["/items/"] == ("app.main:list_items", user)


def test_only_the_open_routes_are_reported(project: Path) -> None:
    result = analyze([project])
    assert sorted((f.code, f.path, f.line) for f in result.findings) == [
        ("BK101", "app/main.py", 28),
        ("BK101", "app/main.py", 33),
    ]


def test_against_fastapi(project: Path) -> None:
    result = analyze([project])
    paths = {(r.methods[0], r.path) for r in result.routes if r.app == "app.main:app"}
    assert paths == {(m, p) for m, p, _ in fastapi_truth(project, "app.main:app")}
    secure = [r for r in result.routes if r.app == "app.main:secure"]
    mine = {(r.methods[0], r.path, r.auth != "none") for r in secure}
    assert mine == fastapi_truth(project, "app.main:secure")
