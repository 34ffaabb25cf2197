"""The app model on focused multi-file projects: what it resolves, and how it says what it
cannot resolve instead of guessing."""

from __future__ import annotations

from pathlib import Path

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
