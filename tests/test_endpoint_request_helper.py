"""An endpoint that hands its ``request`` to a project helper which rejects unless
``request.user`` is the app's user (arize-phoenix's ``_get_authenticated_user(request)``, first
thing in the handler) checks a credential in its own body, as the same helper wrapped in a
dependency does: the routes were ``none`` with a false BK101. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

from helpers import write_project
from truth import agrees_with_fastapi

MAIN = """\
import logging

from fastapi import Depends, FastAPI, HTTPException, Request
from starlette.authentication import AuthCredentials, AuthenticationBackend, SimpleUser
from starlette.middleware.authentication import AuthenticationMiddleware

log = logging.getLogger(__name__)


class AppUser(SimpleUser):
    pass


class BearerBackend(AuthenticationBackend):
    async def authenticate(self, conn):
        if conn.headers.get("authorization") == "Bearer good":
            return AuthCredentials(["authenticated"]), AppUser("alice")
        return None


def _get_authenticated_user(request: Request) -> AppUser:
    if not isinstance(user := request.user, AppUser):
        raise HTTPException(status_code=401, detail="Not authenticated")
    return user


def _audit(request: Request) -> None:
    log.info("call from %s", request.client)


app = FastAPI()
app.add_middleware(AuthenticationMiddleware, backend=BearerBackend())


@app.get("/direct")
async def direct(request: Request) -> dict:
    user = _get_authenticated_user(request)
    return {"user": user.username}


@app.get("/as_dep")
async def as_dep(user: AppUser = Depends(_get_authenticated_user)) -> dict:
    return {"user": user.username}


@app.get("/audited")
async def audited(request: Request) -> dict:
    _audit(request)
    return {}
"""

EXPECTED = {
    "/direct": (401, "required"),
    "/as_dep": (401, "required"),
    "/audited": (200, "none"),
}


def test_an_endpoint_handing_its_request_to_a_checking_helper_checks(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = agrees_with_fastapi(root, EXPECTED)
    chains = {route.path: route.auth_chain for route in result.routes}
    assert any("its own body (checks request.user)" in link for link in chains["/direct"])
