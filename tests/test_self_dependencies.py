"""A dependency that is an attribute of the instance a method builds the app in
(``Depends(self.counter)``, ``Security(self.auth, ...)`` with ``self.auth = TokenAuth(...)``
in ``__init__``) is read as the same instance at module level is (trial 6 repro 10): an open
route of a class-based server is reported, a protected one is ``required``."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
from fastapi import Depends, FastAPI, HTTPException, Request, Security
from fastapi.security import SecurityScopes


class TokenAuth:
    # checks the bearer token (a callable instance used as a dependency)

    def __init__(self, secret: str) -> None:
        self.secret = secret

    def __call__(self, security_scopes: SecurityScopes, request: Request) -> str:
        token = request.headers.get("Authorization")
        if token != f"Bearer {self.secret}":
            raise HTTPException(status_code=401, detail="bad token")
        return token


class RequestCounter:
    # counts requests; authenticates nobody

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, request: Request) -> None:
        self.count += 1


class Server:
    def __init__(self) -> None:
        self.app = FastAPI()
        self.auth = TokenAuth("s3cret")
        self.counter = RequestCounter()

    def setup(self) -> FastAPI:
        @self.app.get("/v1/models", dependencies=[Security(self.auth, scopes=["models:list"])])
        async def list_models() -> list[str]:
            return []

        @self.app.delete("/v1/models/{uid}", dependencies=[Depends(self.counter)])
        async def delete_model(uid: str) -> None:
            return None

        return self.app


# the same instances at module level are understood:
auth = TokenAuth("s3cret")
counter = RequestCounter()
app2 = FastAPI()


@app2.get("/v2/models", dependencies=[Security(auth, scopes=["models:list"])])
async def list_models_v2() -> list[str]:
    return []


@app2.delete("/v2/models/{uid}", dependencies=[Depends(counter)])
async def delete_model_v2(uid: str) -> None:
    return None
"""


def test_instance_attribute_dependencies(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = analyze([root], use_cache=False)
    auth = {(route.methods[0], route.path): route.auth for route in result.routes}
    assert auth == {
        ("GET", "/v1/models"): "required",
        ("DELETE", "/v1/models/{uid}"): "none",
        ("GET", "/v2/models"): "required",
        ("DELETE", "/v2/models/{uid}"): "none",
    }
    chain = next(r.auth_chain for r in result.routes if r.path == "/v1/models")
    assert chain[-1] == "app.main:Server.self.auth (checks header authorization)"
    lines = sorted(f.line for f in result.findings if f.code == "BK101")
    assert lines == sorted(r.line for r in result.routes if r.auth == "none")
