"""A dependency that sends anonymous callers to the login page by raising an
``HTTPException`` with a 3xx status and a ``Location`` header rejects them as a 401 would
(fief's admin dashboard): the route is ``required``. A 3xx without a ``Location`` is no
redirect, and a redirect response *returned* by the handler rejects nobody. Checked against
FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

MAIN = """\
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.security import APIKeyCookie

cookie_scheme = APIKeyCookie(name="admin_session", auto_error=False)


async def get_admin_session(
    request: Request, token: Optional[str] = Depends(cookie_scheme)
) -> str:
    if token is None:
        raise HTTPException(
            status_code=status.HTTP_307_TEMPORARY_REDIRECT,
            headers={"Location": "/admin/login"},
        )
    return token


async def see_other(token: Optional[str] = Depends(cookie_scheme)) -> str:
    if token is None:
        raise HTTPException(303, headers={"location": "/login"})
    return token


async def no_location(token: Optional[str] = Depends(cookie_scheme)) -> Optional[str]:
    if token is None:
        raise HTTPException(status_code=304)
    return token


app = FastAPI()


@app.delete("/admin/users/{user_id}")
async def delete_user(user_id: int, session: str = Depends(get_admin_session)) -> None: ...


@app.get("/dashboard")
async def dashboard(session: str = Depends(see_other)) -> None: ...


@app.get("/cached")
async def cached(session: Optional[str] = Depends(no_location)) -> None: ...
"""

EXPECTED = {
    "/admin/users/{user_id}": "required",
    "/dashboard": "required",
    "/cached": "optional",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Dependencies raising a 307 and a 303 redirect, and a 304 with no Location."""
    root = tmp_path_factory.mktemp("redirects") / "p"
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    return write_project(root, files, select=["BK101", "BK102"])


def test_anonymous_callers_are_redirected(project: Path) -> None:
    with imported_app(project, "app.main:app") as application:
        client = TestClient(application, follow_redirects=False)
        answer = client.delete("/admin/users/1")
        assert (answer.status_code, answer.headers["location"]) == (307, "/admin/login")
        client.cookies.set("admin_session", "x")
        assert client.delete("/admin/users/1").status_code == 200
        client.cookies.clear()
        assert client.get("/dashboard").status_code == 303
        assert client.get("/cached").status_code == 304


def test_redirect_raise_counts_as_rejection(project: Path) -> None:
    result = analyze([project])
    assert {r.path: r.auth for r in result.routes} == EXPECTED
    assert [f.code for f in result.findings] == ["BK102"]
