"""The app model on focused multi-file projects: what it resolves, and how it says what it
cannot resolve instead of guessing."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.result import Route
from helpers import write_project

SETTINGS = """\
import os

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    API_V1_STR: str = "/api/v1"


settings = Settings()
RUNTIME_PREFIX = os.environ.get("PREFIX", "/x")
"""


def _routes(tmp_path: Path, files: dict[str, str]) -> dict[str, Route]:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", **files})
    return {f"{' '.join(r.methods)} {r.path}": r for r in analyze([root]).routes}


def test_settings_prefix_resolved_and_runtime_prefix_marked(tmp_path: Path) -> None:
    """A settings default is static; a value read from the environment is shown as such."""
    routes = _routes(
        tmp_path,
        {
            "app/config.py": SETTINGS,
            "app/main.py": (
                "from fastapi import APIRouter, FastAPI\n\n"
                "from app.config import RUNTIME_PREFIX, settings\n\n"
                "router = APIRouter()\n\n\n@router.get('/ping')\ndef ping() -> str:\n"
                "    return 'pong'\n\n\napp = FastAPI()\n"
                "app.include_router(router, prefix=settings.API_V1_STR)\n"
                "app.include_router(router, prefix=RUNTIME_PREFIX)\n"
            ),
        },
    )
    assert routes["GET /api/v1/ping"].path_resolved
    unresolved = [r for r in routes.values() if not r.path_resolved]
    assert len(unresolved) == 1
    assert unresolved[0].path == "{?RUNTIME_PREFIX}/ping"
    assert "computed at run time" in unresolved[0].notes[0]


def test_router_included_nowhere_and_conditional_include(tmp_path: Path) -> None:
    """Routes of a router no app includes are still listed (and linted), with a note; a router
    included under a condition is reported as included, with a note."""
    routes = _routes(
        tmp_path,
        {
            "app/main.py": (
                "import os\n\nfrom fastapi import APIRouter, FastAPI\n\n"
                "orphan = APIRouter(prefix='/orphan')\ndebug = APIRouter(prefix='/debug')\n\n\n"
                "@orphan.get('/a')\ndef a() -> int:\n    return 1\n\n\n"
                "@debug.get('/b')\ndef b() -> int:\n    return 2\n\n\napp = FastAPI()\n"
                "if os.environ.get('DEBUG'):\n    app.include_router(debug)\n"
            ),
        },
    )
    assert routes["GET /orphan/a"].app == ""
    assert "not included" in routes["GET /orphan/a"].notes[0]
    assert routes["GET /debug/b"].app == "app.main:app"
    assert "under a condition" in routes["GET /debug/b"].notes[0]


def test_mount_of_other_asgi_app_and_unknown_auth(tmp_path: Path) -> None:
    """A mounted non-FastAPI app is listed as a mount; a library dependency gives 'unknown'."""
    routes = _routes(
        tmp_path,
        {
            "app/main.py": (
                "from fastapi import Depends, FastAPI\n"
                "from fastapi.staticfiles import StaticFiles\n"
                "from some_auth_lib import current_user\n\napp = FastAPI()\n"
                "app.mount('/static', StaticFiles(directory='static'), name='static')\n\n\n"
                "@app.get('/me')\ndef me(user=Depends(current_user)) -> str:\n    return user\n"
            ),
        },
    )
    mount = routes["* /static"]
    assert mount.kind == "mount"
    assert mount.handler.startswith("StaticFiles(")
    assert routes["GET /me"].auth == "unknown"
    assert routes["GET /me"].auth_chain[-1] == "some_auth_lib.current_user"


def test_auth_chain_through_scheme_subclass_and_raise(tmp_path: Path) -> None:
    """A project subclass of HTTPBearer is a scheme; a dependency that raises 401 over an
    auto_error=False scheme makes authentication required."""
    routes = _routes(
        tmp_path,
        {
            "app/security.py": (
                "from fastapi import Depends, HTTPException, status\n"
                "from fastapi.security import APIKeyHeader, HTTPBearer\n\n\n"
                "class JWTBearer(HTTPBearer):\n    pass\n\n\njwt_bearer = JWTBearer()\n"
                "key_header = APIKeyHeader(name='X-Key', auto_error=False)\n\n\n"
                "def require_key(key: str | None = Depends(key_header)) -> str:\n"
                "    if key is None:\n"
                "        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)\n"
                "    return key\n"
            ),
            "app/main.py": (
                "from fastapi import Depends, FastAPI\n\n"
                "from app.security import jwt_bearer, require_key\n\napp = FastAPI()\n\n\n"
                "@app.get('/a', dependencies=[Depends(jwt_bearer)])\ndef a() -> int:\n"
                "    return 1\n\n\n@app.get('/b')\ndef b(key: str = Depends(require_key)) -> str:\n"
                "    return key\n"
            ),
        },
    )
    assert routes["GET /a"].auth == "required"
    assert routes["GET /a"].auth_chain[-1] == "app.security:jwt_bearer (HTTPBearer)"
    assert routes["GET /b"].auth == "required"
    assert routes["GET /b"].auth_chain[1:] == (
        "app.security:require_key",
        "app.security:key_header (APIKeyHeader)",
    )


FASTAPI_USERS = """\
from fastapi import Depends, FastAPI
from fastapi_users import FastAPIUsers

from app.auth import auth_backend, get_user_manager

fastapi_users = FastAPIUsers(get_user_manager, [auth_backend])
current_active_user = fastapi_users.current_user(active=True)

app = FastAPI()
app.include_router(fastapi_users.get_auth_router(auth_backend), prefix="/auth/jwt")


@app.get("/authenticated-route")
async def authenticated(user=Depends(current_active_user)) -> str:
    return "ok"
"""


def test_library_dependency_is_unknown_until_named_in_auth_dependencies(tmp_path: Path) -> None:
    """A library's dependency is 'unknown' (named by its variable); naming it in
    auth-dependencies makes it authentication. A library router is listed, not dropped."""
    files = {"app/__init__.py": "", "app/main.py": FASTAPI_USERS}
    root = write_project(tmp_path / "p", files)
    routes = {r.path: r for r in analyze([root]).routes}
    assert routes["/authenticated-route"].auth == "unknown"
    assert routes["/authenticated-route"].auth_chain[-1] == "app.main:current_active_user"
    library = routes["/auth/jwt"]
    assert (library.kind, library.handler) == (
        "include",
        "fastapi_users.get_auth_router(auth_backend)",
    )
    assert "not analysed" in library.notes[0]

    options = {"auth": {"auth-dependencies": ["app.main.current_active_user"]}}
    root = write_project(tmp_path / "q", files, options)
    routes = {r.path: r for r in analyze([root]).routes}
    assert routes["/authenticated-route"].auth == "required"


RAISES = """\
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

scheme = OAuth2PasswordBearer(tokenUrl="/token", auto_error=False)
credentials_exception = HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)


class AuthError(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=401, detail="not authenticated")


def make_401() -> HTTPException:
    return HTTPException(status_code=401)


def check(token: str | None) -> None:
    if token is None:
        raise HTTPException(status_code=403)


def by_instance(token: str | None = Depends(scheme)) -> str:
    if token is None:
        raise credentials_exception
    return token


def by_factory(token: str | None = Depends(scheme)) -> str:
    if token is None:
        raise make_401()
    return token


def by_subclass(token: str | None = Depends(scheme)) -> str:
    if token is None:
        raise AuthError()
    return token


def by_helper(token: str | None = Depends(scheme)) -> str:
    check(token)
    return token or ""


def not_enforced(token: str | None = Depends(scheme)) -> str | None:
    return token


app = FastAPI()


@app.get("/a", dependencies=[Depends(by_instance)])
@app.get("/b", dependencies=[Depends(by_factory)])
@app.get("/c", dependencies=[Depends(by_subclass)])
@app.get("/d", dependencies=[Depends(by_helper)])
@app.get("/e", dependencies=[Depends(not_enforced)])
def route() -> str:
    return "ok"
"""


def test_optional_scheme_enforced_by_raising_401_in_common_idioms(tmp_path: Path) -> None:
    """auto_error=False plus a 401/403 raised by a module-level exception, a factory, a
    subclass of HTTPException or a helper function is required authentication."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": RAISES})
    auth = {r.path: r.auth for r in analyze([root]).routes}
    assert auth == {
        "/a": "required",
        "/b": "required",
        "/c": "required",
        "/d": "required",
        "/e": "optional",
    }


def test_routes_command_warns_about_unparsable_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Routes declared in a file that does not parse are missing: the command says so."""
    from backendkit.commands import run_routes

    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "app/items.py": "def oops(:\n",
        },
    )
    assert run_routes([root], "json", None) == 0
    err = capsys.readouterr().err
    assert "1 file(s) could not be analysed" in err
    assert "app/items.py" in err


def test_wildcard_cors_is_an_error_only_with_credentials(tmp_path: Path) -> None:
    """A public API may allow every origin without cookies: that is a warning, not an error."""
    main = (
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
        "app = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=['*'])\n"
        "app.add_middleware(CORSMiddleware, allow_origins=['*'], allow_credentials=True)\n"
    )
    root = write_project(tmp_path / "p", {"main.py": main}, select=["BK103"])
    severities = [(f.line, f.severity.value) for f in analyze([root]).findings]
    assert severities == [(5, "warning"), (6, "error")]
