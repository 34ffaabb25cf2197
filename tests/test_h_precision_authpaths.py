"""Public-route conventions for sign-in/sign-out and OAuth provider routes (BK101), and BK112
using the same position-aware convention: ``/signin`` is a login endpoint that needs a rate
limit, while ``register`` inside an authenticated admin route (an OAuth client, a service
registry) or after a path parameter is not a sign-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project

AUTHS = """\
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="token")
AdminToken = Annotated[str, Depends(oauth2)]

router = APIRouter(prefix="/api/v1/auths")


@router.post("/signin")
async def signin() -> dict:
    return {}


@router.post("/signout")
async def signout() -> dict:
    return {}


@router.post("/login")
async def login() -> dict:
    return {}


@router.post("/signup")
async def signup() -> dict:
    return {}


app = FastAPI()
app.include_router(router)


@app.get("/oauth/{provider}/login")
async def oauth_login(provider: str) -> dict:
    return {}


@app.get("/oauth/{provider}/callback")
async def oauth_callback(provider: str) -> dict:
    return {}


@app.post("/api/v1/configs/oauth/clients/register", status_code=201)
async def register_oauth_client(token: AdminToken) -> dict:
    return {}


@app.post("/api/v1/services/register", status_code=201)
async def register_service(token: AdminToken) -> dict:
    return {}


@app.post("/api/v1/tenants/{tenant}/register")
async def register_in_tenant(tenant: str) -> dict:
    return {}


@app.post("/api/v1/projects/{pid}/token/revoke-all")
async def revoke_all(pid: str) -> dict:
    return {}

@app.post("/token/cli")
async def create_cli_token() -> dict:
    return {}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """open-webui's and dstack's shapes, checked for BK101 and BK112."""
    root = tmp_path_factory.mktemp("authpaths") / "p"
    files = {"app/__init__.py": "", "app/main.py": AUTHS}
    return write_project(root, files, select=["BK101", "BK112"])


def test_sign_in_out_and_oauth_provider_routes_are_public(project: Path) -> None:
    public = {r.path: r.public_reason for r in analyze([project]).routes if r.public}
    assert public == {
        "/api/v1/auths/signin": "conventional: signin",
        "/api/v1/auths/signout": "conventional: signout",
        "/api/v1/auths/login": "conventional: login",
        "/api/v1/auths/signup": "conventional: signup",
        "/oauth/{provider}/login": "conventional: login",
        "/oauth/{provider}/callback": "conventional: callback",
        "/token/cli": "conventional: token",
    }  # the two registrations behind AdminToken require authentication: not public


def test_an_authenticated_route_is_not_public_by_convention(tmp_path: Path) -> None:
    """A logout that requires a token is listed as required, not also as public (a mark or
    the configuration still makes a route public: the user said so)."""
    source = AUTHS.replace(
        "async def signout() -> dict:", "async def signout(t: AdminToken) -> dict:"
    )
    source += (
        '\n\n@app.post("/logout")  # backendkit: public\n'
        "async def out(t: AdminToken) -> dict:\n    return {}\n"
    )
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": source})
    routes = {r.path: r for r in analyze([root]).routes}
    signout = routes["/api/v1/auths/signout"]
    assert (signout.auth, signout.public, signout.public_reason) == ("required", False, "")
    marked = routes["/logout"]
    assert (marked.auth, marked.public_reason) == ("required", "marked '# backendkit: public'")


def test_bk101_still_reports_what_follows_a_path_parameter(project: Path) -> None:
    found = sorted(f.line for f in analyze([project]).findings if f.code == "BK101")
    assert found == [56, 61]  # register_in_tenant, revoke_all


def test_bk112_follows_the_convention_and_skips_authenticated_routes(project: Path) -> None:
    found = {f.line: f.message for f in analyze([project]).findings if f.code == "BK112"}
    # signin, login, signup, Airflow's /token/cli; not signout (no password), not the
    # authenticated registrations nor the routes after a path parameter
    assert sorted(found) == [12, 22, 27, 65]
    assert "passwords can be guessed" in found[12]
    assert "creates accounts" in found[27]
