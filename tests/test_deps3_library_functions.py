"""A library *function* as a dependency runs code the analysis cannot see: like an instance of
a library class, it is opaque (``unknown``) only when its module or name has a word naming
authentication (``extauth.current_user``); ``somelib.config.get_settings`` or a database
session provider is not authentication. "session" alone is ambiguous (a login session, a
database session): a function named so is opaque unless the dependency is declared with a
database library's type (langflow's ``DbSession = Annotated[AsyncSession,
Depends(injectable_session_scope)]``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

SESSIONS = """\
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession


async def injectable_session_scope() -> AsyncIterator[AsyncSession]:
    yield AsyncSession()
"""

CONFIG = """\
def get_settings() -> dict:
    return {}
"""

EXTAUTH = """\
from fastapi import HTTPException, Request


def current_user(request: Request) -> str:
    if "Authorization" not in request.headers:
        raise HTTPException(status_code=401)
    return request.headers["Authorization"]
"""

COOKIES = """\
from fastapi import HTTPException, Request


def verify_session(request: Request) -> str:
    if "session" not in request.cookies:
        raise HTTPException(status_code=401)
    return request.cookies["session"]
"""

MAIN = """\
from typing import Annotated

from fastapi import Depends, FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from extauth import current_user
from libdeps.cookies import verify_session
from libdeps.services.deps import injectable_session_scope
from libdeps import config

DbSession = Annotated[AsyncSession, Depends(injectable_session_scope)]
app = FastAPI()


@app.delete("/items/{item_id}")
async def delete_item(item_id: int, session: DbSession) -> None:
    return None


@app.get("/settings")
async def settings(conf: dict = Depends(config.get_settings)) -> dict:
    return conf


@app.get("/me")
async def me(session: DbSession, user: str = Depends(current_user)) -> str:
    return user


@app.get("/cookie")
async def cookie(user: Annotated[str, Depends(verify_session)]) -> str:
    return user
"""

EXPECTED = {
    ("DELETE", "/items/1"): ("none", 200),
    ("GET", "/settings"): ("none", 200),
    ("GET", "/me"): ("unknown", 401),
    ("GET", "/cookie"): ("unknown", 401),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose dependencies are functions of libraries outside it."""
    base = tmp_path_factory.mktemp("libfuncs")
    lib = {
        "libdeps/__init__.py": "",
        "libdeps/config.py": CONFIG,
        "libdeps/cookies.py": COOKIES,
        "libdeps/services/__init__.py": "",
        "libdeps/services/deps.py": SESSIONS,
        "extauth.py": EXTAUTH,
    }
    for rel, text in lib.items():
        (base / "lib" / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / "lib" / rel).write_text(text, encoding="utf-8")
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    return write_project(base / "p", files, select=["BK101"])


def test_library_functions_for_real(project: Path) -> None:
    sys.path.insert(0, str(project.parent / "lib"))
    try:
        with imported_app(project, "app.main:app") as application:
            client = TestClient(application)
            codes = {key: client.request(*key).status_code for key in EXPECTED}
    finally:
        sys.path.remove(str(project.parent / "lib"))
        for name in [n for n in sys.modules if n.startswith(("extauth", "libdeps"))]:
            sys.modules.pop(name)
    assert codes == {key: code for key, (_status, code) in EXPECTED.items()}


def test_library_functions_named_for_auth_are_unknown(project: Path) -> None:
    result = analyze([project])
    found = {(r.methods[0], r.path.replace("{item_id}", "1")): r.auth for r in result.routes}
    assert found == {key: status for key, (status, _code) in EXPECTED.items()}
    chains = {r.path: r.auth_chain for r in result.routes}
    assert chains["/me"] == ("app.main:me", "extauth.current_user")
    assert chains["/cookie"] == ("app.main:cookie", "libdeps.cookies.verify_session")
    reported = sorted(f.line for f in result.findings if f.code == "BK101")
    assert reported == sorted(r.line for r in result.routes if r.auth == "none")
    assert len(reported) == 2
