"""lightrag's ``combined_dependency`` as written: a whitelist switch, a token validated by a
project helper whose result is kept (``token_info = auth_handler.validate_token(token)``), a
"nothing configured" switch, a return for a matching API key (``if configured and key and key
== api_key: return``), then conditional 401/403s. Anonymous callers are rejected in every
configuration but the two switches (checked against FastAPI): one BK102, at the first switch.

The holes stay reported route by route: a return for any key at all, for a key that differs
(also written ``not key == api_key``), ``key == API_KEY`` alone (a missing key passes while
none is configured), and a validation an unrelated ``if`` (or a ``try``'s ``else:``) may skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses, imported_app

AUTH = """\
import os

from fastapi import HTTPException


class AuthHandler:
    def __init__(self):
        self.accounts = {}
        raw = os.getenv("AUTH_ACCOUNTS")
        if raw:
            for account in raw.split(","):
                name, _, password = account.partition(":")
                self.accounts[name] = password

    def validate_token(self, token: str) -> dict:
        username, _, role = token.partition(":")
        if username not in self.accounts:
            raise HTTPException(status_code=401, detail="Invalid token")
        return {"username": username, "role": role or "user"}


auth_handler = AuthHandler()
"""

UTILS = """\
import os
from typing import Optional

from fastapi import HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from app.auth import auth_handler

WHITELIST = [p.strip() for p in os.getenv("WHITELIST_PATHS", "/health").split(",")]
auth_configured = bool(auth_handler.accounts)


def path_is_whitelisted(scope) -> bool:
    return scope.get("path", "") in WHITELIST


def get_combined_auth_dependency(api_key: Optional[str] = None):
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
        if path_is_whitelisted(request.scope):
            return
        token_info = None
        if token:
            try:
                token_info = auth_handler.validate_token(token)
                if not auth_configured and token_info.get("role") == "guest":
                    if not api_key_configured:
                        return
                elif auth_configured and token_info.get("role") != "guest":
                    return
                else:
                    raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)
            except HTTPException as e:
                if e.status_code == status.HTTP_401_UNAUTHORIZED:
                    raise
        if not auth_configured and not api_key_configured:
            return
        if api_key_configured and api_key_header_value and {key_test}:
            return
        if auth_configured and not token:
            raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)
        if api_key_header_value:
            raise HTTPException(status_code=403, detail="Invalid API Key")
        raise HTTPException(status_code=403, detail="API Key required")

    return combined_dependency
"""

MAIN = """\
import os

from fastapi import APIRouter, Depends, FastAPI

from app.utils import get_combined_auth_dependency


class OllamaAPI:
    def __init__(self, api_key):
        self.api_key = api_key
        self.router = APIRouter()
        self.setup_routes()

    def setup_routes(self):
        combined_auth = get_combined_auth_dependency(self.api_key)

        @self.router.get("/api/tags", dependencies=[Depends(combined_auth)])
        async def tags() -> list:
            return []


def create_document_routes(api_key=None):
    router = APIRouter()
    combined_auth = get_combined_auth_dependency(api_key)

    @router.get("/documents", dependencies=[Depends(combined_auth)])
    async def documents() -> list:
        return []

    return router


api_key = os.getenv("LIGHTRAG_API_KEY")
app = FastAPI()
app.include_router(create_document_routes(api_key))
app.include_router(OllamaAPI(api_key).router)
"""

PATHS = ["/documents", "/api/tags"]


def _project(tmp_path: Path, key_test: str) -> Path:
    files = {
        "app/__init__.py": "",
        "app/auth.py": AUTH,
        "app/utils.py": UTILS.replace("{key_test}", key_test),
        "app/main.py": MAIN,
    }
    return write_project(tmp_path / "lightrag", files)


def _auth_findings(root: Path) -> list[tuple[str, str, int]]:
    result = analyze([root], use_cache=False)
    return [(f.code, f.path, f.line) for f in result.findings if f.code in ("BK101", "BK102")]


def test_a_matching_key_and_a_validated_token_authenticate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, "api_key_header_value == api_key")
    assert anonymous_statuses(root, PATHS) == dict.fromkeys(PATHS, 200)  # nothing configured
    monkeypatch.setenv("LIGHTRAG_API_KEY", "k3y")
    monkeypatch.setenv("AUTH_ACCOUNTS", "ann:pw")
    assert anonymous_statuses(root, PATHS) == dict.fromkeys(PATHS, 401)
    with imported_app(root, "app.main:app") as application:
        from fastapi.testclient import TestClient

        client = TestClient(application)
        assert client.get("/documents", headers={"X-API-Key": "k3y"}).status_code == 200
        junk = {"X-API-Key": "junk"}
        assert client.get("/documents", headers=junk).status_code == 401  # no token either
        bearer = {"Authorization": "Bearer ann:user"}
        assert client.get("/documents", headers=bearer).status_code == 200
        forged = {"Authorization": "Bearer eve:user"}
        assert client.get("/documents", headers=forged).status_code == 401
    assert _auth_findings(root) == [("BK102", "app/utils.py", 32)]  # the whitelist switch


@pytest.mark.parametrize(
    "key_test",
    ["api_key_header_value != api_key", "True", "not api_key_header_value == api_key"],
)
def test_a_return_for_any_or_a_wrong_key_is_still_a_hole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key_test: str
) -> None:
    root = _project(tmp_path, key_test)
    monkeypatch.setenv("LIGHTRAG_API_KEY", "k3y")
    with imported_app(root, "app.main:app") as application:
        from fastapi.testclient import TestClient

        client = TestClient(application)
        assert client.get("/documents", headers={"X-API-Key": "junk"}).status_code == 200
    found = _auth_findings(root)
    assert ("BK102", "app/main.py", 26) in found
    assert ("BK102", "app/main.py", 17) in found


VALIDATE = "                token_info = auth_handler.validate_token(token)\n"
#: the validation, skipped for tokens an unrelated test picks: ``token_info`` keeps the value
#: it starts with and the role check after it returns for them
SKIPPED = {
    "an if without an exit": (
        '                if not token.startswith("dev-"):\n'
        "                    token_info = auth_handler.validate_token(token)\n"
    ),
    "the else of a try": (
        "                try:\n"
        '                    int("x" if token.startswith("dev-") else "1")\n'
        "                except ValueError:\n"
        "                    pass\n"
        "                else:\n"
        "                    token_info = auth_handler.validate_token(token)\n"
    ),
}


@pytest.mark.parametrize("skipped", sorted(SKIPPED))
def test_a_validation_an_unrelated_test_may_skip_is_no_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, skipped: str
) -> None:
    root = _project(tmp_path, "api_key_header_value == api_key")
    utils = root / "app" / "utils.py"
    text = utils.read_text().replace(VALIDATE, SKIPPED[skipped])
    utils.write_text(text.replace("token_info = None", 'token_info = {"role": "user"}'))
    monkeypatch.setenv("AUTH_ACCOUNTS", "ann:pw")
    with imported_app(root, "app.main:app") as application:
        from fastapi.testclient import TestClient

        client = TestClient(application)
        assert client.get("/documents").status_code == 401
        dev = {"Authorization": "Bearer dev-eve"}
        assert client.get("/documents", headers=dev).status_code == 200  # never validated
    found = _auth_findings(root)
    assert ("BK102", "app/main.py", 26) in found
    assert ("BK102", "app/main.py", 17) in found


BARE_MATCH = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Security
from fastapi.security import APIKeyHeader

API_KEY = os.getenv("API_KEY")
header = APIKeyHeader(name="X-API-Key", auto_error=False)


async def check(key: Optional[str] = Security(header)) -> None:
    if key == API_KEY:
        return
    if API_KEY:
        raise HTTPException(status_code=401)
    raise HTTPException(status_code=403)


app = FastAPI()


@app.get("/items", dependencies=[Depends(check)])
async def items() -> list:
    return []
"""


def test_an_equal_key_without_its_presence_lets_a_missing_key_through(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bare", {"app/__init__.py": "", "app/main.py": BARE_MATCH})
    assert anonymous_statuses(root, ["/items"]) == {"/items": 200}  # None == None: no key set
    found = _auth_findings(root)
    assert found == [("BK102", "app/main.py", 22)]
