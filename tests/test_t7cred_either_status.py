"""A rejection whose status may be 401 or 403 (every value it can take is one of them) is an
authentication rejection, as a single literal is: a middleware answering
``status_code=decision.error_status_code`` where the decision a helper returns carries 401 by
default and 403 on one branch (sglang's API-key middleware), or ``401 if ... else 403``
written in place, and a dependency raising ``HTTPException(status_code=401 if ... else
403)``. A status that may be something else (a rate limit's ``429 if key else 503``) is
not. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

HEAD = """\
from dataclasses import dataclass
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse

API_KEY = "secret"
LIMIT = 100
CALLS: dict = {}
app = FastAPI()

"""

ROUTE = """

@app.get("/v1/models")
async def models() -> dict:
    return {}
"""

MIDDLEWARE = """
@dataclass
class AuthDecision:
    allowed: bool
    error_status_code: int = 401


class ApiKeyMiddleware:
    def __init__(self, app, api_key: str):
        self.app = app
        self.api_key = api_key

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        decision = decide_request_auth(request.headers.get("Authorization"), self.api_key)
        if not decision.allowed:
            response = JSONResponse({"error": "no"}, status_code=decision.error_status_code)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


app.add_middleware(ApiKeyMiddleware, api_key=API_KEY)

"""

DECISION = """
def decide_request_auth(authorization_header: Optional[str], api_key: str) -> AuthDecision:
    if not api_key:
        return AuthDecision(allowed=False, error_status_code=403)
    if authorization_header != f"Bearer {api_key}":
        return AuthDecision(allowed=False)
    return AuthDecision(allowed=True)
"""

#: more different returns than the evaluator keeps for a call: each is read (sglang's
#: ``decide_request_auth``, 403 for a key without the admin's rights, 401 for none)
ROLES = """
def decide_request_auth(authorization_header: Optional[str], api_key: str) -> AuthDecision:
    if authorization_header is None:
        return AuthDecision(allowed=False)
    if authorization_header == "Bearer reader":
        return AuthDecision(allowed=False, error_status_code=403)
    if authorization_header == "Bearer writer":
        return AuthDecision(False, 403)
    if authorization_header == "Bearer guest":
        return AuthDecision(allowed=False, error_status_code=401)
    if authorization_header == "Bearer ops":
        return AuthDecision(allowed=True, error_status_code=403)
    if authorization_header == "Bearer root":
        return AuthDecision(True)
    if authorization_header == "Bearer admin":
        return AuthDecision(allowed=True, error_status_code=401)
    if authorization_header == "Bearer service":
        return AuthDecision(allowed=authorization_header.endswith("service"))
    if authorization_header != f"Bearer {api_key}":
        return AuthDecision(False)
    return AuthDecision(allowed=True)
"""

APPS = {
    "decision": MIDDLEWARE + DECISION,
    "roles": MIDDLEWARE + ROLES,
    "inline": """
@app.middleware("http")
async def check(request: Request, call_next):
    token = request.headers.get("Authorization")
    if token != f"Bearer {API_KEY}":
        return JSONResponse({"error": "no"}, status_code=401 if token is None else 403)
    return await call_next(request)
""",
    "raised": """
async def require_key(x_api_key: Optional[str] = Header(None)) -> str:
    if x_api_key != API_KEY:
        raise HTTPException(status_code=401 if x_api_key is None else 403, detail="no")
    return x_api_key


app = FastAPI(dependencies=[Depends(require_key)])
""",
    "limited": """
@app.middleware("http")
async def limit(request: Request, call_next):
    key = request.headers.get("X-API-Key")
    if CALLS.get(key, 0) > LIMIT:
        return JSONResponse({"error": "slow down"}, status_code=429 if key else 503)
    return await call_next(request)
""",
}

EXPECTED = {
    "decision": (
        "unknown",
        "app.decision:ApiKeyMiddleware (middleware, checks header authorization)",
    ),
    "roles": ("unknown", "app.roles:ApiKeyMiddleware (middleware, checks header authorization)"),
    "inline": ("unknown", "app.inline:check (middleware, checks header authorization)"),
    "raised": ("required", "app.raised:require_key (checks header x-api-key)"),
    "limited": ("none", ""),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One app per way of rejecting."""
    files = {"app/__init__.py": ""}
    files |= {f"app/{name}.py": HEAD + code + ROUTE for name, code in APPS.items()}
    root = tmp_path_factory.mktemp("either_status") / "p"
    return write_project(root, files, select=["BK101"])


def test_fastapi_behaviour(project: Path) -> None:
    for name, (status, _) in EXPECTED.items():
        with imported_app(project, f"app.{name}:app") as application:
            client = TestClient(application)
            anonymous = client.get("/v1/models").status_code
            headers = {"Authorization": "Bearer secret", "X-API-Key": "secret"}
            signed = client.get("/v1/models", headers=headers).status_code
        assert (anonymous in (401, 403)) == (status != "none"), name
        assert signed == 200, name


def test_a_401_or_403_status_rejects(project: Path) -> None:
    result = analyze([project], use_cache=False)
    found = {r.file.split("/")[-1][:-3]: r for r in result.routes}
    got = {
        name: (r.auth, r.auth_chain[-1] if r.auth != "none" else "") for name, r in found.items()
    }
    assert got == EXPECTED
    line = (HEAD + APPS["limited"] + ROUTE).splitlines().index('@app.get("/v1/models")') + 1
    assert [(f.code, f.path, f.line) for f in result.findings] == [
        ("BK101", "app/limited.py", line)
    ]
