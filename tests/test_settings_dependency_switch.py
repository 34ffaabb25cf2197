"""An API key made optional by settings FastAPI injects, checked against FastAPI.

FastAPI's documentation recommends reading settings through a dependency (``settings:
Annotated[Settings, Depends(get_settings)]``, ``get_settings`` cached with ``lru_cache``). A
dependency that returns early when no key is configured is then a configuration switch, as
with module-level settings: llama-cpp-python's server was ``required`` on all 8 routes (with a
lenient bearer scheme) though anonymous callers get in with the default settings, and the
same check on a header was ``none`` with a BK101 on every route. A dependency that takes
something from the request (a parameter) or yields a per-request resource is no settings.
"""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

SETTINGS = """\
from functools import lru_cache
from typing import Annotated, Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel


class Settings(BaseModel):
    api_key: Optional[str] = None
    admin_key: str = ""


_settings = Settings()


def get_server_settings() -> Settings:
    return _settings


@lru_cache
def get_settings() -> Settings:
    return Settings()


bearer_scheme = HTTPBearer(auto_error=False)


async def authenticate(
    settings: Settings = Depends(get_server_settings),
    authorization: Optional[HTTPAuthorizationCredentials] = Depends(bearer_scheme),
):
    if settings.api_key is None:
        return True
    if authorization and authorization.credentials == settings.api_key:
        return authorization.credentials
    raise HTTPException(status_code=401, detail="Invalid API key")


def check_key(
    settings: Annotated[Settings, Depends(get_settings)],
    x_api_key: Annotated[Optional[str], Header()] = None,
) -> None:
    if not settings.admin_key:
        return
    if x_api_key != settings.admin_key:
        raise HTTPException(status_code=401)


class Tenant(BaseModel):
    open: bool = True


def get_tenant(request: Request) -> Tenant:
    return Tenant(open=request.query_params.get("tenant") != "closed")


def tenant_key(
    tenant: Tenant = Depends(get_tenant),
    x_api_key: Annotated[Optional[str], Header()] = None,
) -> None:
    if tenant.open:
        return
    if x_api_key != "k3y":
        raise HTTPException(status_code=401)


def get_config():
    yield _settings


def get_db():
    db = {"open": True}
    yield db


def config_key(
    settings: Settings = Depends(get_config),
    x_api_key: Annotated[Optional[str], Header()] = None,
) -> None:
    if not settings.admin_key:
        return
    if x_api_key != settings.admin_key:
        raise HTTPException(status_code=401)


def db_key(db: dict = Depends(get_db), x_api_key: Annotated[Optional[str], Header()] = None):
    if db["open"]:
        return
    if x_api_key != "k3y":
        raise HTTPException(status_code=401)


app = FastAPI()


@app.get("/config", dependencies=[Depends(config_key)])
def config() -> dict:
    return {}


@app.get("/db", dependencies=[Depends(db_key)])
def database() -> dict:
    return {}


@app.post("/v1/completions", dependencies=[Depends(authenticate)])
async def completions() -> dict:
    return {"ok": True}


@app.get("/admin", dependencies=[Depends(check_key)])
def admin() -> dict:
    return {}


@app.get("/tenant", dependencies=[Depends(tenant_key)])
def tenant() -> dict:
    return {}
"""


def test_settings_from_a_dependency_are_configuration(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": SETTINGS})
    paths = ["/admin", "/tenant", "/config", "/db"]
    assert anonymous_statuses(root, paths) == dict.fromkeys(paths, 200)
    result = analyze([root], use_cache=False)
    routes = {route.path: route for route in result.routes}
    assert {path: route.auth for path, route in routes.items()} == {
        "/v1/completions": "optional",
        "/admin": "none",
        "/tenant": "none",
        "/config": "none",  # llama-cpp-python's generator yielding the module's settings
        "/db": "none",
    }
    switches = sorted(
        (f.code, f.line) for f in result.findings if f.message.startswith("Configuration switch")
    )
    lines = SETTINGS.splitlines()
    returns = [lines[line - 1].strip() for _code, line in switches]
    assert returns == ["return", "return", "return True"]  # at the early returns
    assert [code for code, _line in switches] == ["BK101", "BK101", "BK102"]
    # a dependency yielding a per-request resource is no settings: route by route
    database = [f for f in result.findings if f.code == "BK101" and f.line == routes["/db"].line]
    assert len(database) == 1
    assert "Configuration switch" not in database[0].message
    lenient = next(f for f in result.findings if f.code == "BK102")
    assert "authenticate's early return on settings.api_key makes" in lenient.message
    # the tenant comes from the request: its early return lets callers through, route by route
    tenant = [f for f in result.findings if f.code == "BK101" and f.line == routes["/tenant"].line]
    assert len(tenant) == 1
    assert "Configuration switch" not in tenant[0].message
