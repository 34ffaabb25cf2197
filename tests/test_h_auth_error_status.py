"""The status of an ``HTTPException`` subclass is followed through its ``__init__``: the
arguments of the ``raise`` are bound to its parameters (positionally, by keyword, or their
defaults) and passed on to ``super().__init__(status_code=...)`` or ``Base.__init__(self, ...)``
along the project bases (dstack's ``ProxyError("...", 403)``). Each route's status is checked
against FastAPI itself: an anonymous request answered 401/403 means required."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

MAIN = """\
from typing import Annotated, Optional

from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

bearer = HTTPBearer(auto_error=False)
Cred = Annotated[Optional[HTTPAuthorizationCredentials], Depends(bearer)]


class ProxyError(HTTPException):
    def __init__(self, detail: str, code: int = 400) -> None:
        super().__init__(status_code=code, detail=detail)


class Forbidden(ProxyError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, code=status.HTTP_403_FORBIDDEN)


class Explicit(HTTPException):
    def __init__(self, code: int, detail: str = "") -> None:
        HTTPException.__init__(self, code, detail)


class Plain(HTTPException):
    pass


def positional(cred: Cred) -> None:
    if cred is None:
        raise ProxyError("Unauthenticated", 403)


def keyword(cred: Cred) -> None:
    if cred is None:
        raise ProxyError(detail="Unauthenticated", code=401)


def default(cred: Cred) -> None:
    if cred is None:
        raise ProxyError("Bad request")


def not_auth(cred: Cred) -> None:
    if cred is None:
        raise ProxyError("Missing", 404)


def two_levels(cred: Cred) -> None:
    if cred is None:
        raise Forbidden("No")


def explicit(cred: Cred) -> None:
    if cred is None:
        raise Explicit(401)


def plain(cred: Cred) -> None:
    if cred is None:
        raise Plain(401)


app = FastAPI()
"""

ROUTE = """

@app.get("/{name}", dependencies=[Depends({name})])
async def {name}_route() -> int:
    return 1
"""

EXPECTED = {
    "/positional": "required",
    "/keyword": "required",
    "/default": "optional",
    "/not_auth": "optional",
    "/two_levels": "required",
    "/explicit": "required",
    "/plain": "required",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One route per way of raising."""
    main = MAIN + "".join(ROUTE.format(name=path[1:]) for path in EXPECTED)
    root = tmp_path_factory.mktemp("errstatus") / "p"
    return write_project(root, {"app/__init__.py": "", "app/main.py": main}, select=["BK102"])


def test_statuses_match_fastapi(project: Path) -> None:
    with imported_app(project, "app.main:app") as application:
        client = TestClient(application, raise_server_exceptions=False)
        real = {
            path: "required" if client.get(path).status_code in (401, 403) else "optional"
            for path in EXPECTED
        }
    assert real == EXPECTED


def test_subclass_status_through_init(project: Path) -> None:
    result = analyze([project])
    assert {r.path: r.auth for r in result.routes} == EXPECTED
    optional = sorted(r.line for r in result.routes if r.auth == "optional")
    assert sorted(f.line for f in result.findings if f.code == "BK102") == optional
    assert len(optional) == 2
