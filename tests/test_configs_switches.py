"""A factory with several ``return``s is read for every value it returns (not its first only),
and a configuration switch that turns authentication off for many routes is one BK101
finding at the place that opens them (zenml's ``authentication_provider``: NO_AUTH returns a
dependency that lets everyone in, the other schemes reject anonymous callers; arize-phoenix's
and gradio's ``dependencies=[] if DISABLE_AUTH else [...]``). A route open in every
configuration keeps its own finding; checked against FastAPI in each configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

CONFIG = """\
import os
from enum import Enum


class AuthScheme(str, Enum):
    NO_AUTH = "NO_AUTH"
    HTTP_BASIC = "HTTP_BASIC"
    OAUTH2 = "OAUTH2"


def auth_scheme() -> AuthScheme:
    return AuthScheme(os.environ.get("BK_SCHEME", "OAUTH2"))
"""

AUTH = """\
from collections.abc import Callable
from functools import wraps
from typing import Any

from fastapi import Depends, HTTPException
from fastapi.security import HTTPBasic, HTTPBasicCredentials, OAuth2PasswordBearer

from app.config import AuthScheme, auth_scheme

oauth2 = OAuth2PasswordBearer(tokenUrl="/token")


def no_authentication() -> str:
    return "default"


def http_authentication(credentials: HTTPBasicCredentials = Depends(HTTPBasic())) -> str:
    return credentials.username


def oauth2_authentication(token: str = Depends(oauth2)) -> str:
    return token


def authentication_provider() -> Callable[..., str]:
    scheme = auth_scheme()
    if scheme == AuthScheme.NO_AUTH:
        return no_authentication
    elif scheme == AuthScheme.HTTP_BASIC:
        return http_authentication
    return oauth2_authentication


def get_authorization_provider() -> Callable[..., Any]:
    provider = authentication_provider()

    @wraps(provider)
    async def authorize_fn(*args: Any, **kwargs: Any) -> str:
        return provider(*args, **kwargs)

    return authorize_fn


authorize = get_authorization_provider()
"""

ROUTERS = """\
from fastapi import APIRouter, Security

from app.auth import authorize

router = APIRouter(prefix="/api")


@router.get("/artifacts")
def list_artifacts(_: str = Security(authorize)) -> list[str]:
    return []


@router.delete("/artifacts/{name}")
def delete_artifact(name: str, _: str = Security(authorize)) -> str:
    return name


@router.get("/stacks")
def list_stacks(_: str = Security(authorize)) -> list[str]:
    return []


@router.get("/pipelines")
def list_pipelines(_: str = Security(authorize)) -> list[str]:
    return []


@router.post("/runs")
def create_run() -> int:
    return 1
"""

MAIN = """\
from fastapi import FastAPI

from app.routers import router

app = FastAPI()
app.include_router(router)
"""

FILES = {
    "app/__init__.py": "",
    "app/config.py": CONFIG,
    "app/auth.py": AUTH,
    "app/routers.py": ROUTERS,
    "app/main.py": MAIN,
}
NO_AUTH_LINE = AUTH.splitlines().index("        return no_authentication") + 1
OPEN_LINE = ROUTERS.splitlines().index('@router.post("/runs")') + 1
SWITCHED = ["/api/artifacts", "/api/artifacts/{name}", "/api/stacks", "/api/pipelines"]


def _project(tmp_path: Path, files: dict[str, str], name: str = "p") -> Path:
    return write_project(tmp_path / name, files, select=["BK101", "BK102"])


def _findings(root: Path) -> list[tuple[str, str, int]]:
    result = analyze([root], use_cache=False)
    return [(f.code, f.path, f.line) for f in result.findings]


def test_factory_returns_each_provider_and_the_switch_is_one_finding(tmp_path: Path) -> None:
    root = _project(tmp_path, FILES)
    result = analyze([root], use_cache=False)
    routes = {r.path: r for r in result.routes}
    assert {path: r.auth for path, r in routes.items()} == dict.fromkeys(
        [*SWITCHED, "/api/runs"], "none"
    )
    assert [(f.code, f.path, f.line) for f in result.findings] == [
        ("BK101", "app/auth.py", NO_AUTH_LINE),
        ("BK101", "app/routers.py", OPEN_LINE),
    ]
    switch = result.findings[0]
    assert "selecting return no_authentication turns authentication off for 4 routes" in (
        switch.message
    )
    assert "GET /api/artifacts, DELETE /api/artifacts/{name}, GET /api/pipelines and 1 more" in (
        switch.message
    )
    assert "make sure production cannot select it" in switch.message
    assert switch.extra["routes"] == [
        "GET /api/artifacts",
        "DELETE /api/artifacts/{name}",
        "GET /api/pipelines",
        "GET /api/stacks",
    ]
    assert "POST /api/runs" in result.findings[1].message


def test_routes_say_which_configuration_opens_them(tmp_path: Path) -> None:
    root = _project(tmp_path, FILES)
    route = next(r for r in analyze([root], use_cache=False).routes if r.path == SWITCHED[0])
    assert route.auth == "none"
    assert route.auth_chain == (
        "app.routers:list_artifacts",
        "app.auth:get_authorization_provider.authorize_fn",
        f"app.auth:no_authentication (when return no_authentication (app/auth.py:{NO_AUTH_LINE}))",
    )
    assert route.notes == ()
    opened = next(r for r in analyze([root], use_cache=False).routes if r.path == "/api/runs")
    assert opened.auth_chain == ()
    assert opened.notes == ()


def test_one_suppression_at_the_switch_covers_its_routes(tmp_path: Path) -> None:
    lines = AUTH.splitlines()
    lines[NO_AUTH_LINE - 1] += "  # backendkit: ignore[BK101]"
    root = _project(tmp_path, {**FILES, "app/auth.py": "\n".join(lines) + "\n"})
    assert _findings(root) == [("BK101", "app/routers.py", OPEN_LINE)]


def test_the_order_of_the_returns_does_not_matter(tmp_path: Path) -> None:
    swapped = AUTH.replace(
        """    if scheme == AuthScheme.NO_AUTH:
        return no_authentication
    elif scheme == AuthScheme.HTTP_BASIC:
        return http_authentication
    return oauth2_authentication""",
        """    if scheme == AuthScheme.OAUTH2:
        return oauth2_authentication
    elif scheme == AuthScheme.HTTP_BASIC:
        return http_authentication
    return no_authentication""",
    )
    assert swapped != AUTH
    root = _project(tmp_path, {**FILES, "app/auth.py": swapped})
    result = analyze([root], use_cache=False)
    assert {r.path: r.auth for r in result.routes if r.path in SWITCHED} == dict.fromkeys(
        SWITCHED, "none"
    )
    line = swapped.splitlines().index("    return no_authentication") + 1
    assert [(f.path, f.line) for f in result.findings] == [
        ("app/auth.py", line),
        ("app/routers.py", OPEN_LINE),
    ]


def test_a_switch_between_two_schemes_is_required(tmp_path: Path) -> None:
    both = AUTH.replace("        return no_authentication", "        return oauth2_authentication")
    root = _project(tmp_path, {**FILES, "app/auth.py": both})
    result = analyze([root], use_cache=False)
    assert {r.path: r.auth for r in result.routes if r.path in SWITCHED} == dict.fromkeys(
        SWITCHED, "required"
    )
    assert [(f.path, f.line) for f in result.findings] == [("app/routers.py", OPEN_LINE)]


@pytest.mark.parametrize("scheme", ["NO_AUTH", "HTTP_BASIC", "OAUTH2"])
def test_fastapi_opens_the_routes_only_in_no_auth_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scheme: str
) -> None:
    root = _project(tmp_path, FILES)
    monkeypatch.setenv("BK_SCHEME", scheme)
    with imported_app(root, "app.main:app") as application:
        client = TestClient(application)
        refused = client.get("/api/artifacts").status_code in (401, 403)
        assert refused == (scheme != "NO_AUTH")
        assert client.post("/api/runs").status_code == 200


DEPS = """\
import os

from fastapi import Depends, HTTPException, Request

DISABLE_AUTH = os.environ.get("BK_DISABLE_AUTH") == "1"


def require_user(request: Request) -> str:
    token = request.headers.get("Authorization")
    if not token:
        raise HTTPException(status_code=401)
    return token


def optional_provider():
    if DISABLE_AUTH:
        return None
    return require_user
"""

LIST_MAIN = """\
from fastapi import APIRouter, Depends, FastAPI

from app.deps import DISABLE_AUTH, optional_provider, require_user

items = APIRouter(prefix="/items")
users = APIRouter(prefix="/users")


@items.get("/")
def list_items() -> list[str]:
    return []


@items.delete("/{item_id}")
def delete_item(item_id: int) -> int:
    return item_id


@users.get("/")
def list_users() -> list[str]:
    return []


@users.get("/me", dependencies=[Depends(optional_provider())])
def me() -> str:
    return "me"


app = FastAPI()
app.include_router(items, dependencies=[] if DISABLE_AUTH else [Depends(require_user)])
app.include_router(users)
"""


def test_a_conditional_dependency_list_is_one_finding_at_the_include(tmp_path: Path) -> None:
    root = _project(
        tmp_path, {"app/__init__.py": "", "app/deps.py": DEPS, "app/main.py": LIST_MAIN}
    )
    result = analyze([root], use_cache=False)
    auth = {r.path: r.auth for r in result.routes}
    assert auth == {
        "/items/": "none",
        "/items/{item_id}": "none",
        "/users/": "none",
        "/users/me": "required",  # an early ``return None`` does not hide the provider
    }
    include = (
        LIST_MAIN.splitlines().index(
            "app.include_router(items, dependencies=[] if "
            "DISABLE_AUTH else [Depends(require_user)])"
        )
        + 1
    )
    users = LIST_MAIN.splitlines().index('@users.get("/")') + 1
    assert [(f.path, f.line) for f in result.findings] == [
        ("app/main.py", users),
        ("app/main.py", include),
    ]
    assert "for 2 routes" in result.findings[1].message
    assert "selecting the branch [] of dependencies=[] if ... else [Depends(require_user)]" in (
        result.findings[1].message
    )


def test_one_file_runs_report_what_the_whole_run_reports(tmp_path: Path) -> None:
    """The switch's finding is in the switch's file, whichever file a run is given: a run of
    the routers alone reports the route open in every configuration, a run of the factory's
    file the switch with all the routes it opens (pre-commit sees what the whole run sees),
    and a route's finding also in a run of a file its authentication is made of."""
    root = _project(tmp_path, FILES)
    whole = analyze([root], use_cache=False)
    for rel in FILES:
        alone = analyze([root / rel], use_cache=False)
        expected = [f for f in whole.findings if rel in (f.path, *f.related)]
        assert alone.findings == expected, rel
        assert [f.message for f in alone.findings] == [f.message for f in expected]


MANY = "\n".join(
    [
        "from fastapi import Depends, FastAPI",
        "",
        "",
        "def guard() -> None:",
        "    return None",
        "",
        "",
        "def pick(kind: str):",
        *[f"    if kind == '{i}':\n        return lambda: {i}" for i in range(3)],
        *[f"    if kind == 'g{i}':\n        return guard" for i in range(1)],
        *[f"    if kind == 'c{i}':\n        return {i}" for i in range(8)],
        "    return guard",
        "",
        "",
        "app = FastAPI()",
        "",
        "",
        '@app.get("/many", dependencies=[Depends(pick("x"))])',
        "def many() -> int:",
        "    return 1",
        "",
    ]
)


def test_a_function_with_many_values_is_not_guessed(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/__init__.py": "", "app/main.py": MANY})
    result = analyze([root], use_cache=False)
    assert [(r.path, r.auth) for r in result.routes] == [("/many", "unknown")]
    assert result.findings == []


EMPTY_LOOP = """\
from fastapi import FastAPI

HANDLERS: list = []
app = FastAPI()


@app.get("/run")
async def run() -> None:
    for handler in HANDLERS:
        handler.run()
"""


def test_a_member_of_no_value_at_all_is_unresolved(tmp_path: Path) -> None:
    """A loop over an empty list gives its variable no value (an empty ``OneOf``): a method
    looked up on it is unresolved, not a crash of the rules resolving calls."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": EMPTY_LOOP})
    assert [f.code for f in analyze([root], use_cache=False).findings if f.code == "BK002"] == []


FACTORY_METHOD = """\
from fastapi import FastAPI


class Base:
    def deploy(self) -> None:
        open("x").read()


class A(Base):
    pass


class B(Base):
    pass


def create(kind: str) -> Base:
    if kind == "a":
        return A()
    return B()


app = FastAPI()


@app.post("/deploy")
async def deploy(kind: str) -> None:
    deployer = create(kind)
    deployer.deploy()
"""


def test_a_method_common_to_every_returned_instance_is_followed(tmp_path: Path) -> None:
    """kedro-viz's ``DeployerFactory.create_deployer``: each returned deployer inherits
    ``deploy``, so the call is followed whichever the factory returns (BK301 stays)."""
    files = {"app/__init__.py": "", "app/main.py": FACTORY_METHOD}
    root = write_project(tmp_path / "p", files, select=["BK301"])
    found = analyze([root], use_cache=False).findings
    assert [(f.code, f.line) for f in found] == [("BK301", 29)]  # the async def
    assert "app.main.Base.deploy" in found[0].message
