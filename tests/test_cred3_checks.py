"""A dependency that lets some callers through before its check (``if request.url.path in
OPEN: return``: lightrag's whitelist) is no check; ``raise to_http(e)`` where the project
helper returns a 503, 403 or 401 ``HTTPException`` rejects (langflow's MCP routes); a
credential read in the dependency and handed to a project function that rejects it is checked
(langflow's project MCP routes); a 401 for want of the identity a middleware put on
``request.state`` is a check (agno's admin router); a check two calls deep, or in a method of
the object a project factory returns, is followed. Each status is checked against FastAPI
itself with an anonymous request."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.engine import build_project
from backendkit.project.symbols import Ctx, FuncSym
from helpers import write_project
from truth import imported_app

MAIN = """\
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from starlette.middleware.base import BaseHTTPMiddleware

KEY = "secret"
OPEN = {"/open_header", "/open_scheme", "/open_config"}
AUTH_DISABLED = True
api_key_header = APIKeyHeader(name="x-api-key", auto_error=False)


class JWTMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        auth = request.headers.get("authorization", "")
        request.state.authenticated = auth == "Bearer good"
        request.state.user = "alice" if request.state.authenticated else None
        return await call_next(request)


app = FastAPI()
app.add_middleware(JWTMiddleware)


def open_header(request: Request) -> None:
    if request.url.path in OPEN:
        return
    token = request.headers.get("x-api-key")
    if token != KEY:
        raise HTTPException(status_code=403)


def open_config(request: Request) -> str:
    if AUTH_DISABLED:
        return "admin"
    token = request.headers.get("x-api-key")
    if token != KEY:
        raise HTTPException(status_code=403)
    return token


def decided(request: Request) -> str:
    token = request.headers.get("x-api-key")
    if token == KEY:
        return token
    raise HTTPException(status_code=401)


def open_scheme(request: Request, key: str = Security(api_key_header)) -> None:
    if request.url.path in OPEN:
        return
    if key != KEY:
        raise HTTPException(status_code=403)


def to_http(error: Exception) -> HTTPException:
    if isinstance(error, RuntimeError):
        return HTTPException(status_code=503, detail="auth backend down")
    if isinstance(error, KeyError):
        return HTTPException(status_code=403, detail="missing")
    return HTTPException(status_code=401, detail="invalid")


def to_server_error(error: Exception) -> HTTPException:
    if isinstance(error, RuntimeError):
        return HTTPException(status_code=503)
    return HTTPException(status_code=500)


def verify(key: str | None) -> str:
    if not key:
        raise KeyError("missing")
    if key != KEY:
        raise ValueError("bad")
    return "user"


def mapped(key: Annotated[str | None, Security(api_key_header)]) -> str:
    try:
        return verify(key)
    except Exception as e:
        raise to_http(e) from e


def mapped_500(key: Annotated[str | None, Security(api_key_header)]) -> str:
    try:
        return verify(key)
    except Exception as e:
        raise to_server_error(e) from e


def check_token(token: str, db: object) -> str:
    if not token:
        raise HTTPException(status_code=403, detail="missing")
    return "u"


def handed(request: Request) -> str:
    token = request.headers.get("authorization")
    user = check_token(token=token or "", db=None)
    return user


def check_flag(flag: str) -> str:
    if flag == "DELETE":
        raise HTTPException(status_code=403)
    return flag


def handed_other(request: Request) -> str:
    token = request.headers.get("authorization")
    method = request.method
    check_flag(method)
    return token or ""


def state_flag(request: Request) -> str:
    if not getattr(request.state, "authenticated", False):
        raise HTTPException(status_code=401, detail="Not authenticated")
    return "ok"


def state_user(request: Request) -> str:
    if request.state.user is None:
        raise HTTPException(status_code=401)
    return request.state.user


def state_other(request: Request) -> None:
    if getattr(request.state, "maintenance", False):
        raise HTTPException(status_code=403)


class AuthService:
    def api_key_security(self, header_param: str | None) -> str:
        return self._impl(header_param)

    def _impl(self, header_param: str | None) -> str:
        if not header_param:
            raise HTTPException(status_code=403, detail="An API key must be passed")
        return "user"


_service = AuthService()


def get_auth_service() -> AuthService:
    return _service


def check_key(header_param: str | None) -> str:
    if header_param != KEY:
        raise HTTPException(status_code=403)
    return "user"


def authenticate(header_param: str | None) -> str:
    return check_key(header_param)


def two_deep(key: Annotated[str | None, Security(api_key_header)]) -> str:
    return authenticate(key)


def service(key: Annotated[str | None, Security(api_key_header)]) -> str:
    return get_auth_service().api_key_security(key)


def header_service(request: Request) -> str:
    token = request.headers.get("x-api-key")
    return get_auth_service()._impl(token)
"""

ROUTE = """

@app.get("/{name}", dependencies=[Depends({name})])
async def {name}_route() -> int:
    return 1
"""

#: what backendkit says of each route
EXPECTED = {
    "/open_header": "none",
    "/open_config": "none",
    "/decided": "required",
    "/open_scheme": "optional",
    "/mapped": "required",
    "/mapped_500": "optional",
    "/handed": "required",
    "/handed_other": "none",
    "/state_flag": "required",
    "/state_user": "required",
    "/state_other": "none",
    "/two_deep": "required",
    "/service": "required",
    "/header_service": "required",
}
#: the routes whose status needs ``deps.py`` to consult ``helper_rejects`` / ``lets_through``
NEEDS_DEPS = ("/open_scheme", "/two_deep", "/service", "/header_service")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One route per dependency."""
    main = MAIN + "".join(ROUTE.format(name=path[1:]) for path in EXPECTED)
    root = tmp_path_factory.mktemp("cred3") / "p"
    files = {"app/__init__.py": "", "app/main.py": main}
    return write_project(root, files, select=["BK101", "BK102"])


def test_statuses_match_fastapi(project: Path) -> None:
    """An anonymous request gets 401/403 exactly where backendkit says ``required``."""
    with imported_app(project, "app.main:app") as application:
        client = TestClient(application, raise_server_exceptions=False)
        codes = {path: client.get(path).status_code for path in EXPECTED}
    assert codes["/open_header"] == codes["/open_scheme"] == codes["/open_config"] == 200
    assert codes["/mapped_500"] == 500
    real = {p: "required" if codes[p] in (401, 403) else "open" for p in EXPECTED}
    claimed = {p: "required" if s == "required" else "open" for p, s in EXPECTED.items()}
    assert real == claimed


def test_statuses(project: Path) -> None:
    """The statuses and proving chains that need only credentials.py and httperrors.py."""
    result = analyze([project])
    found = {r.path: r.auth for r in result.routes if r.path not in NEEDS_DEPS}
    assert found == {p: s for p, s in EXPECTED.items() if p not in NEEDS_DEPS}
    chains = {r.path: r.auth_chain[-1] for r in result.routes if r.auth_chain}
    assert chains["/handed"] == "app.main:handed (checks header authorization)"
    assert chains["/state_flag"] == "app.main:state_flag (checks request.state authenticated)"
    assert chains["/state_user"] == "app.main:state_user (checks request.state user)"
    assert chains["/mapped"] == "app.main:api_key_header (APIKeyHeader)"
    reported = {(f.code, f.line) for f in result.findings}
    lines = {r.path: r.line for r in result.routes}
    assert ("BK101", lines["/open_header"]) in reported
    assert ("BK102", lines["/mapped_500"]) in reported
    assert not any(line == lines["/mapped"] for _, line in reported)


def test_statuses_through_deps(project: Path) -> None:
    """The early return in front of a scheme's check, and checks two calls deep or in a
    factory's method, decide the route once deps.py asks ``CredentialChecks``."""
    result = analyze([project])
    assert {r.path: r.auth for r in result.routes if r.path in NEEDS_DEPS} == {
        p: EXPECTED[p] for p in NEEDS_DEPS
    }


def test_checks_api(project: Path) -> None:
    """``lets_through`` and ``helper_rejects`` answer what deps.py needs."""
    built, _files = build_project(project, load_config(project, load_catalogue()))
    summary = built.index.modules["app.main"]
    ctx = Ctx(summary, (summary.scope,))
    checks = built.resolver.credentials

    def func(name: str) -> FuncSym:
        return FuncSym(summary.scope.functions[name], ctx)

    assert checks.lets_through(func("open_scheme"))
    assert checks.lets_through(func("open_config"))
    assert not checks.lets_through(func("decided"))
    assert not checks.lets_through(func("mapped"))
    assert checks.helper_rejects(func("two_deep"))
    assert checks.helper_rejects(func("service"))
    assert not checks.helper_rejects(func("verify"))
    assert checks.dependency_check(func("header_service")) == "header x-api-key"
    assert checks.dependency_check(func("handed_other")) == ""
