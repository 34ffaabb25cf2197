"""An identity a middleware put on ``request.state``, checked against FastAPI.

fastapi-admin's ``get_current_admin`` reads ``request.state.admin`` (set by its login
provider's middleware) into a local and rejects without it (``admin = request.state.admin; if
not admin: raise HTTPException(401)``): its 7 resource routes were ``none`` with a BK101,
although anonymous callers get 401. ``admin`` (like ``account``, ``member``, ``staff``) names
an identity, and a local bound to the state's identity (``user = request.state.user``,
``account = getattr(request.state, "account", None)``) is tested as the read itself is. A state
attribute with a generic name (``request.state.session``, often a database session) is no
identity, read into a local or not.
"""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

MAIN = """\
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware


def get_current_admin(request: Request):  # fastapi-admin's depends.py, verbatim
    admin = request.state.admin
    if not admin:
        raise HTTPException(status_code=401)
    return admin


def get_current_admin_inline(request: Request):
    if not request.state.admin:
        raise HTTPException(status_code=401)
    return request.state.admin


def get_current_user_local(request: Request):
    user = request.state.user
    if not user:
        raise HTTPException(status_code=401)
    return user


def get_account(request: Request):
    account = getattr(request.state, "account", None)
    account_id = account["id"] if account else None
    if account_id is None:
        raise HTTPException(status_code=401)
    return account_id


def get_session(request: Request):
    session = request.state.session
    if not session:
        raise HTTPException(status_code=401)
    return session


async def authenticate(request: Request, call_next):
    token = request.cookies.get("access_token")
    request.state.admin = "root" if token == "k" else None
    request.state.user = request.state.admin
    request.state.account = {"id": 1} if token == "k" else None
    request.state.session = {"db": "open"}  # a database session, for every caller
    return await call_next(request)


resources = APIRouter()


@resources.get("/{resource}/list")
async def list_view(resource: str):
    return []


router = APIRouter()
router.include_router(resources, dependencies=[Depends(get_current_admin)])


@router.get("/inline", dependencies=[Depends(get_current_admin_inline)])
async def inline():
    return []


@router.get("/local_user", dependencies=[Depends(get_current_user_local)])
async def local_user():
    return []


@router.get("/account", dependencies=[Depends(get_account)])
async def account():
    return []


@router.get("/session", dependencies=[Depends(get_session)])
async def session():
    return []


app = FastAPI()
app.add_middleware(BaseHTTPMiddleware, dispatch=authenticate)
app.include_router(router)
"""


def test_identity_on_the_request_state_read_into_a_local(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    paths = ["/x/list", "/inline", "/local_user", "/account", "/session"]
    assert anonymous_statuses(root, paths) == {
        "/x/list": 401,
        "/inline": 401,
        "/local_user": 401,
        "/account": 401,
        "/session": 200,  # the middleware opens a session for every caller
    }
    result = analyze([root], use_cache=False)
    routes = {route.path: route for route in result.routes}
    assert {path: route.auth for path, route in routes.items()} == {
        "/{resource}/list": "required",
        "/inline": "required",
        "/local_user": "required",
        "/account": "required",
        "/session": "none",
    }
    unprotected = {f.line for f in result.findings if f.code == "BK101"}
    assert unprotected == {routes["/session"].line}
