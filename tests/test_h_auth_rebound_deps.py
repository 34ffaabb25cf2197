"""A dependency name bound several times in its scope (``if cfg: _auth = A() else: _auth =
B()``, ``try``/``except``) or to a conditional expression is evaluated for every binding: the
route is ``required`` only when every binding is, else it takes the weakest (dstack's
sshproxy router). A dependency that always raises 403 (``AlwaysForbidden``) rejects everyone,
so it is not "no authentication". Checked against FastAPI in every configuration of the
environment: a route is required when the anonymous request is refused in all of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

MAIN = """\
import os

from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

TOKEN = os.environ.get("TOKEN")


class ServiceAccount:
    def __init__(self, token: str) -> None:
        self._token = token

    async def __call__(self, cred: HTTPAuthorizationCredentials = Depends(HTTPBearer())) -> None:
        if cred.credentials != self._token:
            raise HTTPException(status_code=401)


class AlwaysForbidden:
    async def __call__(self) -> None:
        raise HTTPException(status_code=403)


async def no_auth() -> None:
    return None


if TOKEN is not None:
    _auth = ServiceAccount(TOKEN)
else:
    _auth = AlwaysForbidden()

if os.environ.get("DISABLE_AUTH"):
    _guard = no_auth
else:
    _guard = ServiceAccount(TOKEN or "")

try:
    _maybe = ServiceAccount(os.environ["TOKEN"])
except KeyError:
    _maybe = HTTPBearer(auto_error=False)

_pick = ServiceAccount("x") if TOKEN else no_auth

_later = None
_later = ServiceAccount("x")

app = FastAPI()


@app.get("/both", dependencies=[Depends(_auth)])
async def both() -> int:
    return 1


@app.get("/switch", dependencies=[Depends(_guard)])
async def switch() -> int:
    return 1


@app.get("/fallback", dependencies=[Depends(_maybe)])
async def fallback() -> int:
    return 1


@app.get("/pick", dependencies=[Depends(_pick)])
async def pick() -> int:
    return 1


@app.get("/placeholder", dependencies=[Depends(_later)])
async def placeholder() -> int:
    return 1


@app.get("/forbidden", dependencies=[Depends(AlwaysForbidden())])
async def forbidden() -> int:
    return 1


@app.get("/open", dependencies=[Depends(no_auth)])
async def open_route() -> int:
    return 1
"""

EXPECTED = {
    "/both": "required",
    "/switch": "none",
    "/fallback": "optional",
    "/pick": "none",
    "/placeholder": "required",
    "/forbidden": "required",
    "/open": "none",
}
CONFIGURATIONS = [{}, {"TOKEN": "t"}, {"DISABLE_AUTH": "1"}, {"TOKEN": "t", "DISABLE_AUTH": "1"}]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Dependencies bound under conditions."""
    root = tmp_path_factory.mktemp("rebound") / "p"
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    return write_project(root, files, select=["BK101", "BK102"])


def test_statuses_match_fastapi(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refused = dict.fromkeys(EXPECTED, True)
    for environment in CONFIGURATIONS:
        for name in ("TOKEN", "DISABLE_AUTH"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        with imported_app(project, "app.main:app") as application:
            client = TestClient(application, raise_server_exceptions=False)
            for path in EXPECTED:
                refused[path] &= client.get(path).status_code in (401, 403)
    assert {path for path, always in refused.items() if always} == {
        path for path, status in EXPECTED.items() if status == "required"
    }


def test_every_binding_counts(project: Path) -> None:
    result = analyze([project])
    routes = {r.path: r for r in result.routes}
    assert {path: r.auth for path, r in routes.items()} == EXPECTED
    assert routes["/both"].auth_chain[1:] == ("app.main:_auth (always rejects)",)
    assert routes["/forbidden"].auth_chain[-1] == "AlwaysForbidden() (always rejects)"
    assert routes["/fallback"].auth_chain[1:] == ("app.main:_maybe (HTTPBearer)",)
    codes = sorted((f.code, f.line) for f in result.findings)
    lines = {r.path: r.line for r in result.routes}
    source = (project / "app" / "main.py").read_text(encoding="utf-8").splitlines()
    switches = [
        n
        for n, text in enumerate(source, 1)
        if text.startswith(("    _guard = no_auth", "_pick ="))
    ]
    lenient = [n for n, text in enumerate(source, 1) if text.startswith("    _maybe = HTTPB")]
    # /switch and /pick are open in one configuration only, /fallback optional in one only:
    # reported once each, at the binding that selects the weaker value (the switch)
    assert codes == sorted(
        [
            *(("BK101", line) for line in switches),
            ("BK101", lines["/open"]),
            *(("BK102", line) for line in lenient),
        ]
    )
    assert len(lenient) == 1
    assert len(switches) == 2
