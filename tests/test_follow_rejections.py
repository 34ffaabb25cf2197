"""Which dependencies reject an anonymous request, checked against FastAPI itself.

A dependency "always rejects" only when nothing can return before its 401/403: a bare
``return`` ahead of it (``if DEBUG: return``) lets requests through. A dependency that checks a
credential rejects under an ``if`` testing the credential, or after an ``if`` testing it that
returns (``if token == KEY: return token``; ``raise ...``); a bare ``return`` under an ``if``
testing the credential before a conditional rejection (``if header is None: return``) lets a
missing credential through: no authentication. A ``for`` or ``match`` body may not run, as an
``if`` body may not: a raise in it is not unconditional, nor is a call in it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import route_per_name
from truth import anonymous_statuses

MAIN = """\
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Request

app = FastAPI()
KEY = "secret"
DEBUG = True
MODE = "open"
CHECKS: list = []
HOOKS: list = []


def optional_key(request: Request):
    header = request.headers.get("Authorization")
    if header is None:
        return  # anonymous callers are let through
    if header != f"Bearer {KEY}":
        raise HTTPException(status_code=401)


def only_in_debug():
    if DEBUG:
        return
    raise HTTPException(status_code=403, detail="feature disabled")


def always_forbidden():
    raise HTTPException(status_code=403)


def required_key(request: Request):
    header = request.headers.get("Authorization")
    if header != f"Bearer {KEY}":
        raise HTTPException(status_code=401)


def accept_value(request: Request) -> str:
    token = request.headers.get("X-API-Key")
    if token == KEY:
        return token
    raise HTTPException(status_code=403)


def accept_bare(x_api_key: Optional[str] = Header(None)) -> None:
    if x_api_key == KEY:
        return
    raise HTTPException(status_code=403)


def accept_unrelated(request: Request) -> None:
    token = request.headers.get("X-API-Key")
    if DEBUG:
        return
    raise HTTPException(status_code=403, detail=token)


def param_unrelated(x_api_key: Optional[str] = Header(None)) -> None:
    if MODE == "closed":
        raise HTTPException(status_code=401)


def raise_in_loop():
    for _ in CHECKS:
        raise HTTPException(status_code=403)


def raise_in_match():
    match MODE:
        case "closed":
            raise HTTPException(status_code=403)


def check_in_loop(request: Request) -> None:
    for _ in HOOKS:
        required_key(request)


def check_called(request: Request) -> None:
    required_key(request)
"""

ROUTE = """

@app.get("/{name}", dependencies=[Depends({name})])
def {name}_route() -> int:
    return 1
"""

EXPECTED = {
    "/optional_key": "none",
    "/only_in_debug": "none",
    "/always_forbidden": "required",
    "/required_key": "required",
    "/accept_value": "required",
    "/accept_bare": "required",
    "/accept_unrelated": "none",
    "/param_unrelated": "none",
    "/raise_in_loop": "none",
    "/raise_in_match": "none",
    "/check_in_loop": "none",
    "/check_called": "required",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One route per dependency."""
    root = tmp_path_factory.mktemp("rejects") / "p"
    return route_per_name(root, MAIN, ROUTE, (path[1:] for path in EXPECTED))


def test_statuses_match_fastapi(project: Path) -> None:
    codes = anonymous_statuses(project, EXPECTED)
    real = {path: "required" if codes[path] in (401, 403) else "none" for path in EXPECTED}
    assert real == EXPECTED


def test_auth_statuses(project: Path) -> None:
    result = analyze([project])
    assert {r.path: r.auth for r in result.routes} == EXPECTED
    chains = {r.path: r.auth_chain[-1] for r in result.routes if r.auth_chain}
    assert chains["/always_forbidden"] == "app.main:always_forbidden (always rejects)"
    assert chains["/accept_value"] == "app.main:accept_value (checks header x-api-key)"
    assert chains["/accept_bare"] == "app.main:accept_bare (checks header x-api-key)"
    assert chains["/check_called"].endswith("(checks header authorization)")
    reported = sorted(f.line for f in result.findings if f.code == "BK101")
    # ``if DEBUG: return`` before the 403 is a configuration switch: open with DEBUG set,
    # rejecting otherwise; reported once at that return, not at the route (``configauth``)
    switched = {"/only_in_debug", "/accept_unrelated"}
    lines = MAIN.splitlines()
    switches = [n for n, text in enumerate(lines, 1) if text == "        return" and
                lines[n - 2] == "    if DEBUG:"]  # fmt: skip
    assert len(switches) == len(switched)
    routes = [r.line for r in result.routes if r.auth == "none" and r.path not in switched]
    assert reported == sorted([*routes, *switches])
