"""A dependency that authenticates only when a key is configured (``if not API_KEY:
return`` before the 401: fastchat's, hayhooks', docling-serve's idiom) is a configuration
switch: one finding at that return for the routes it guards (BK101, or BK102 when a lenient
scheme is left), not "no authentication dependency" route by route. An early return on the
request (``if request.url.path in OPEN: return``) is no configuration. Checked against
FastAPI with and without a key."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

AUTH = """\
import os
import secrets
from typing import Optional

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

API_KEY = os.environ.get("BK_API_KEY", "")
OPEN = ("/api/v1/status",)
bearer = HTTPBearer(auto_error=False)


def check_header_key(request: Request) -> None:
    if not API_KEY:
        return
    if not secrets.compare_digest(request.headers.get("X-API-Key", ""), API_KEY):
        raise HTTPException(status_code=401, detail="invalid api key")


async def check_bearer(auth: Optional[HTTPAuthorizationCredentials] = Depends(bearer)) -> None:
    if not os.environ.get("BK_API_KEY"):
        return None
    if auth is None or auth.credentials != API_KEY:
        raise HTTPException(status_code=401, detail="invalid api key")


def allow_listed(request: Request) -> None:
    if request.url.path in OPEN:
        return
    if request.headers.get("X-API-Key") != "k":
        raise HTTPException(status_code=401)
"""

MAIN = """\
from fastapi import Depends, FastAPI

from app.auth import allow_listed, check_bearer, check_header_key

app = FastAPI()


@app.get("/api/v1/items", dependencies=[Depends(check_header_key)])
def items() -> list[str]:
    return []


@app.get("/api/v1/orders", dependencies=[Depends(check_header_key)])
def orders() -> list[str]:
    return []


@app.get("/api/v1/models", dependencies=[Depends(check_bearer)])
def models() -> list[str]:
    return []


@app.get("/api/v1/status", dependencies=[Depends(allow_listed)])
def status() -> str:
    return "ok"
"""

FILES = {"app/__init__.py": "", "app/auth.py": AUTH, "app/main.py": MAIN}
PATHS = ["/api/v1/items", "/api/v1/orders", "/api/v1/models", "/api/v1/status"]
HEADER_SWITCH = AUTH.splitlines().index("        return") + 1
BEARER_SWITCH = AUTH.splitlines().index("        return None") + 1
STATUS_LINE = MAIN.splitlines().index(
    '@app.get("/api/v1/status", dependencies=[Depends(allow_listed)])'
)


@pytest.mark.parametrize(
    ("key", "expected"),
    [("", dict.fromkeys(PATHS, 200)),
     ("secret", {"/api/v1/items": 401, "/api/v1/orders": 401, "/api/v1/models": 401,
                 "/api/v1/status": 200})],
)  # fmt: skip
def test_fastapi_behaviour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, expected: dict[str, int]
) -> None:
    monkeypatch.setenv("BK_API_KEY", key)
    root = write_project(tmp_path / "p", FILES)
    assert anonymous_statuses(root, PATHS) == expected


def test_a_key_checked_only_when_configured_is_one_switch(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES, select=["BK101", "BK102"])
    result = analyze([root], use_cache=False)
    routes = {r.path: r for r in result.routes}
    assert {path: r.auth for path, r in routes.items()} == {
        "/api/v1/items": "none",
        "/api/v1/orders": "none",
        "/api/v1/models": "optional",
        "/api/v1/status": "none",
    }
    found = [(f.code, f.path, f.line) for f in result.findings]
    assert found == [
        ("BK101", "app/auth.py", HEADER_SWITCH),
        ("BK102", "app/auth.py", BEARER_SWITCH),
        ("BK101", "app/main.py", STATUS_LINE + 1),  # the allow list reads the request
    ]
    header = result.findings[0]
    assert "selecting check_header_key's early return on API_KEY turns authentication off" in (
        header.message
    )
    assert header.extra["routes"] == ["GET /api/v1/items", "GET /api/v1/orders"]
    assert "check_header_key (checks header x-api-key)" in header.message
    chain = routes["/api/v1/items"].auth_chain
    assert chain[-1].startswith("app.auth:check_header_key (when check_header_key's early")
