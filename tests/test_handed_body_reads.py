"""An endpoint that reads a credential from its request in its body and hands it to the
project's auth function (``user_api_key_auth(request=request, api_key=key)``, litellm's
Gemini routes) checks it, as when its parameter takes the credential; handing it to a function
that does not check it, after an early response, or in a call whose rejection is caught, does
not."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

MAIN = """\
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import APIKeyHeader

app = FastAPI()
api_key_header = APIKeyHeader(name="Authorization", auto_error=False)
KEYS = {"Bearer k1"}


async def user_api_key_auth(request: Request, api_key: str = Depends(api_key_header)) -> str:
    if api_key not in KEYS:
        raise HTTPException(status_code=401)
    return api_key


def log_key(key: str | None) -> str:
    return f"seen {key}"


@app.get("/private")
async def private(user: str = Depends(user_api_key_auth)) -> dict:
    return {"user": user}


@app.get("/plain")
async def plain(request: Request) -> dict:
    key = request.headers.get("x-goog-api-key")
    user = await user_api_key_auth(request=request, api_key=key)
    return {"user": user}


@app.get("/either")
async def either(request: Request) -> dict:
    key = request.query_params.get("key") or request.headers.get("x-goog-api-key")
    user = await user_api_key_auth(request=request, api_key=f"Bearer {key}")
    return {"user": user}


@app.get("/logged")
async def logged(request: Request) -> dict:
    key = request.headers.get("x-goog-api-key")
    return {"seen": log_key(key)}


@app.get("/early")
async def early(request: Request) -> dict:
    if request.query_params.get("preview"):
        return {"preview": True}
    key = request.headers.get("x-goog-api-key")
    return {"user": await user_api_key_auth(request=request, api_key=key)}


@app.get("/caught")
async def caught(request: Request) -> dict:
    key = request.headers.get("x-goog-api-key")
    try:
        user = await user_api_key_auth(request=request, api_key=key)
    except HTTPException:
        user = "anonymous"
    return {"user": user}
"""


def test_a_credential_read_in_the_body_and_handed_on_is_checked(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    paths = ["/private", "/plain", "/either", "/logged", "/early", "/early?preview=1", "/caught"]
    assert anonymous_statuses(root, paths) == {
        "/private": 401,
        "/plain": 401,
        "/either": 401,
        "/logged": 200,
        "/early": 401,
        "/early?preview=1": 200,
        "/caught": 200,
    }
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {
        "/private": "required",
        "/plain": "required",
        "/either": "required",
        "/logged": "none",
        "/early": "none",
        "/caught": "none",
    }
    reported = sorted(f.message.split()[2] for f in result.findings if f.code == "BK101")
    assert reported == ["/caught", "/early", "/logged"]
