"""A dependency that lets a request through when its path is in an allow-list the operator
configures (lightrag's ``if respect_whitelist and path_is_whitelisted(request.scope):
return``), then returns when nothing is configured, is two configuration switches: one BK102
finding at the first, not one per route; a test of the path against the project's own list
stays a per-route matter (``test_cred3_checks``)."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

UTILS = """\
import os
from typing import Any, Mapping, Optional

from fastapi import HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

WHITELIST = [p.strip() for p in os.getenv("WHITELIST_PATHS", "/health").split(",")]


def path_is_whitelisted(scope: Mapping[str, Any]) -> bool:
    return scope.get("path", "") in WHITELIST


def get_combined_auth_dependency(api_key: Optional[str] = None, respect_whitelist: bool = True):
    auth_configured = bool(os.getenv("AUTH_ACCOUNTS"))
    api_key_configured = bool(api_key)
    oauth2_scheme = OAuth2PasswordBearer(tokenUrl="login", auto_error=False)
    api_key_header = None
    if api_key_configured:
        api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)

    async def combined_dependency(
        request: Request,
        token: str = Security(oauth2_scheme),
        api_key_header_value: Optional[str] = None
        if api_key_header is None
        else Security(api_key_header),
    ):
        if respect_whitelist and path_is_whitelisted(request.scope):
            return
        if token:
            if token != os.environ["TOKEN"]:
                raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)
            return
        if not auth_configured and not api_key_configured:
            return
        if api_key_configured and api_key_header_value in (api_key,):
            return
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="API Key required")

    return combined_dependency
"""

MAIN = """\
import os

from fastapi import APIRouter, Depends, FastAPI

from app.utils import get_combined_auth_dependency

app = FastAPI()
combined_auth = get_combined_auth_dependency(os.getenv("API_KEY"))
router = APIRouter(dependencies=[Depends(combined_auth)])


@router.get("/documents")
async def documents() -> list:
    return []


@router.post("/documents/scan")
async def scan() -> dict:
    return {}


app.include_router(router)
"""


def test_a_configured_path_allow_list_is_one_switch(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p", {"app/__init__.py": "", "app/utils.py": UTILS, "app/main.py": MAIN}
    )
    result = analyze([root], use_cache=False)
    found = [(f.code, f.path, f.line) for f in result.findings if f.code in ("BK101", "BK102")]
    assert found == [("BK102", "app/utils.py", 30)]
    message = next(f.message for f in result.findings if f.code == "BK102")
    assert message.startswith(
        "Configuration switch: selecting combined_dependency's early return on "
        "respect_whitelist, path_is_whitelisted, request.scope"
    )
    assert "GET /documents, POST /documents/scan" in message
