"""Auth shapes from real applications (lightrag, arize-phoenix, hayhooks), checked against
FastAPI:

- a parameter whose default is a scheme in one branch of a conditional (``None if header is
  None else Security(header)``, lightrag's API key) holds a credential: testing it is a check,
  not a return that lets callers through (the route was ``optional``, BK102);
- a flag on the application's state (``request.app.state.authentication_enabled``) is a
  setting, not an identity: a 403 under its test checks nobody (the route was ``required``);
- a ``return`` in the body of an ``if``/``elif`` that requires an attribute of the request's
  state (``elif getattr(request.state, "operator", False) is True: return``) lets through only
  requests something upstream vouched for: no anonymous caller, and no configuration switch
  (hayhooks' tracing routes were reported as switched off); ``if not ...: return`` does let
  anonymous callers through;
- an endpoint that reads a credential and rejects without it (``if request.headers.get(...)
  not in KEYS: raise 401``) authenticates its route (it was ``none``, BK101), unless it returns
  before the check for callers it picks.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from backendkit import analyze
from backendkit.summary.flow import test_presence as presence_of
from helpers import guarded_routes, write_project
from truth import anonymous_statuses

MAIN = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

KEYS = [k for k in os.environ.get("BK_KEYS", "").split(",") if k]
API_KEY = os.environ.get("BK_API_KEY")
oauth2 = OAuth2PasswordBearer(tokenUrl="login", auto_error=False)
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False) if API_KEY else None


async def conditional_scheme(
    token: Optional[str] = Security(oauth2),
    key: Optional[str] = None if api_key_header is None else Security(api_key_header),
):
    if token and token in KEYS:
        return
    if API_KEY and key == API_KEY:
        return
    raise HTTPException(status_code=403)


def app_state_flag(request: Request) -> None:
    if not request.app.state.authentication_enabled:
        raise HTTPException(status_code=403)


def operator_pass(request: Request) -> None:
    if API_KEY:
        token = API_KEY
    elif getattr(request.state, "operator", False) is True:
        return
    else:
        token = getattr(request.app.state, "dashboard_token", None)
    if not token:
        raise HTTPException(status_code=403)
    if request.headers.get("Authorization") != token:
        raise HTTPException(status_code=401)


def user_pass(request: Request) -> None:
    if getattr(request.state, "user", None) is not None:
        return
    if request.headers.get("X-API-Key") not in KEYS:
        raise HTTPException(status_code=401)


def anonymous_pass(request: Request) -> None:
    if not getattr(request.state, "user", None):
        return
    if request.headers.get("X-API-Key") not in KEYS:
        raise HTTPException(status_code=401)


app = FastAPI()
app.state.authentication_enabled = True


@app.get("/endpoint_check")
def endpoint_check(request: Request) -> str:
    if request.headers.get("X-API-Key") not in KEYS:
        raise HTTPException(status_code=401)
    return "ok"


@app.get("/endpoint_open_first")
def endpoint_open_first(request: Request) -> str:
    if request.url.path.endswith("first"):
        return "open"
    if request.headers.get("X-API-Key") not in KEYS:
        raise HTTPException(status_code=401)
    return "ok"
"""

OPEN = ["app_state_flag", "anonymous_pass"]
CHECKED = ["conditional_scheme", "operator_pass", "user_pass"]
PATHS = [f"/{name}" for name in OPEN + CHECKED] + ["/endpoint_check", "/endpoint_open_first"]


def _files() -> dict[str, str]:
    return {"app/__init__.py": "", "app/main.py": guarded_routes(MAIN, OPEN + CHECKED)}


@pytest.mark.parametrize("api_key", ["", "configured"])
def test_fastapi_behaviour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api_key: str) -> None:
    monkeypatch.setenv("BK_KEYS", "secret")
    monkeypatch.setenv("BK_API_KEY", api_key)
    root = write_project(tmp_path / "p", _files())
    statuses = anonymous_statuses(root, PATHS)
    assert statuses == {
        "/app_state_flag": 200,
        "/anonymous_pass": 200,
        "/conditional_scheme": 403,
        "/operator_pass": 401 if api_key else 403,
        "/user_pass": 401,
        "/endpoint_check": 401,
        "/endpoint_open_first": 200,
    }


def test_routes_and_findings_agree_with_fastapi(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", _files(), select=["BK101", "BK102"])
    result = analyze([root], use_cache=False)
    routes = {route.path: route for route in result.routes}
    auth = {path: route.auth for path, route in routes.items()}
    assert auth == {
        "/app_state_flag": "none",
        "/anonymous_pass": "none",
        "/conditional_scheme": "required",
        "/operator_pass": "required",
        "/user_pass": "required",
        "/endpoint_check": "required",
        "/endpoint_open_first": "none",
    }
    assert routes["/endpoint_check"].auth_chain == (
        "app.main:endpoint_check",
        "its own body (checks header x-api-key)",
    )
    reported = {f.message.split()[2] for f in result.findings if f.code == "BK101"}
    assert reported == {"/app_state_flag", "/anonymous_pass", "/endpoint_open_first"}
    assert not [f for f in result.findings if f.code == "BK102"]


@pytest.mark.parametrize(
    ("test", "present"),
    [
        ('getattr(request.state, "operator", False) is True', ("request.state.operator",)),
        ('getattr(request.state, "user", None) is not None', ("request.state.user",)),
        ("flag == True and token", ("flag", "token")),
        ("getattr(request.state, name)", ()),
        ('not getattr(request.state, "user", None)', ()),
        ("flag is False", ()),
    ],
)
def test_what_a_test_requires_present(test: str, present: tuple[str, ...]) -> None:
    """``IfBlock.present`` reads ``getattr`` with a literal name as the attribute chain, and
    ``x is True`` as ``x``."""
    assert presence_of(cst.parse_expression(test)) == present


REVIEW = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Request

KEYS = [k for k in os.environ.get("BK_KEYS", "").split(",") if k]
DOCS = {1: {"private": False, "token": "t"}}
app = FastAPI()


@app.middleware("http")
async def mark(request: Request, call_next):
    request.state.is_public = request.url.path == "/is_public"
    request.state.auth_checked = True
    request.state.user = None
    return await call_next(request)


def is_public(request: Request) -> None:
    if request.state.is_public:
        return
    if request.headers.get("X-API-Key") not in KEYS:
        raise HTTPException(status_code=401)


def checked_no_user(request: Request) -> None:
    if request.state.auth_checked and request.state.user is None:
        return
    if request.headers.get("X-API-Key") not in KEYS:
        raise HTTPException(status_code=401)


def nested_path(request: Request) -> None:
    if request.state.auth_checked:
        if request.url.path == "/nested_path":
            return
    if request.headers.get("X-API-Key") not in KEYS:
        raise HTTPException(status_code=401)


async def verify_falloff(token: Optional[str]) -> None:
    if token is not None and token not in KEYS:
        raise HTTPException(status_code=401)


async def verify_passback(token: Optional[str]) -> Optional[str]:
    if token and token not in KEYS:
        raise HTTPException(status_code=401)
    return token


async def falloff_guard(request: Request) -> None:
    token = request.headers.get("Authorization")
    if token is None:
        return await verify_falloff(token)
    if token not in KEYS:
        raise HTTPException(status_code=401)


async def passback_guard(request: Request) -> None:
    token = request.headers.get("Authorization")
    if token is None:
        return await verify_passback(token)
    if token not in KEYS:
        raise HTTPException(status_code=401)


@app.get("/public_first")
def public_first(authorization: Optional[str] = Header(None)) -> dict:
    if authorization is None:
        return {"items": ["public"]}
    if authorization not in KEYS:
        raise HTTPException(status_code=401)
    return {"items": []}


@app.get("/share/{doc_id}")
def share(doc_id: int, x_share_token: Optional[str] = Header(None)) -> dict:
    doc = DOCS[doc_id]
    if doc["private"] and x_share_token != doc["token"]:
        raise HTTPException(status_code=403)
    return doc


@app.get("/late_only")
def late_only(request: Request) -> dict:
    if request.query_params.get("full"):
        if request.headers.get("X-API-Key") not in KEYS:
            raise HTTPException(status_code=401)
    return {}


@app.api_route("/methods", methods=["GET", "POST"])
def methods(request: Request) -> dict:
    if request.method != "GET" and request.headers.get("X-API-Key") not in KEYS:
        raise HTTPException(status_code=401)
    return {}
"""
#: the review's cases (a8d5e88, d0ee641): all open to anonymous callers, none read as required
REVIEWED = ["is_public", "checked_no_user", "nested_path", "falloff_guard", "passback_guard"]
ENDPOINTS = ["/public_first", "/share/1", "/late_only", "/methods"]


def test_reviewed_shapes_are_open_as_fastapi_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BK_KEYS", "secret")
    main = guarded_routes(REVIEW, REVIEWED)
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": main})
    paths = [f"/{name}" for name in REVIEWED] + ENDPOINTS
    assert anonymous_statuses(root, paths) == dict.fromkeys(paths, 200)
    auth = {route.path: route.auth for route in analyze([root], use_cache=False).routes}
    assert auth == {path.replace("/1", "/{doc_id}"): "none" for path in paths}


PLAIN = """\
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Security
from fastapi.security import APIKeyHeader

API_KEY = "k"
header = APIKeyHeader(name="X-API-Key", auto_error=False)
app = FastAPI()


async def guard(key: Optional[str] = Security(header)) -> None:
    if key is None:
        return
    if key != API_KEY:
        raise HTTPException(status_code=403)


@app.get("/plain", dependencies=[Depends(guard)])
def plain() -> dict:
    return {}
"""


def test_a_guard_returning_for_a_missing_key_enforces_nothing(tmp_path: Path) -> None:
    """Its 403 is for a wrong key only: the lenient scheme below it stays optional (BK102); it
    was read as making the scheme required."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": PLAIN})
    assert anonymous_statuses(root, ["/plain"]) == {"/plain": 200}
    result = analyze([root], use_cache=False)
    assert [route.auth for route in result.routes] == ["optional"]
    assert [f.code for f in result.findings if f.code.startswith("BK10")] == ["BK102"]


SWITCHED_HELPER = """\
import os

from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import OAuth2PasswordBearer

oauth = OAuth2PasswordBearer(tokenUrl="/login", auto_error=False)


def require_login() -> bool:
    return bool(os.environ.get("BK_REQUIRE_LOGIN"))


async def authenticate_user(token: str = Depends(oauth)) -> dict:
    if not token or token != os.environ.get("BK_TOKEN"):
        raise HTTPException(status_code=401)
    return {"user": "u"}


async def get_current_user(token: str = Depends(oauth)):
    if not require_login():
        return None
    return await authenticate_user(token)


app = FastAPI()


@app.get("/items")
async def items(user=Depends(get_current_user)) -> list[str]:
    return []
"""


@pytest.mark.parametrize(("login", "status"), [("", 200), ("1", 401)])
def test_a_switch_before_a_rejecting_helper_is_a_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, login: str, status: int
) -> None:
    """chainlit's ``get_current_user``: ``if not require_login(): return None`` before the
    helper that raises the 401 is a configuration switch (BK102 at the return), not
    ``required``."""
    monkeypatch.setenv("BK_REQUIRE_LOGIN", login)
    files = {"app/__init__.py": "", "app/main.py": SWITCHED_HELPER}
    root = write_project(tmp_path / "p", files)
    assert anonymous_statuses(root, ["/items"]) == {"/items": status}
    result = analyze([root], use_cache=False)
    assert [route.auth for route in result.routes] == ["optional"]
    found = [(f.code, f.line) for f in result.findings if f.code.startswith("BK10")]
    assert found == [("BK102", 21)]


OPTIONAL_USER = """\
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Request

app = FastAPI()
SESSIONS: dict = {}
API_KEYS: dict = {}


def optional_user(request: Request) -> Optional[str]:
    token = request.cookies.get("access-token")
    return SESSIONS.get(token)


def require_user(user: Optional[str] = Depends(optional_user)) -> str:
    if user is None:
        raise HTTPException(status_code=401)
    return user


def optional_key_user(x_api_key: Optional[str] = Header(None)) -> Optional[str]:
    return API_KEYS.get(x_api_key)


def require_key_user(user: Optional[str] = Depends(optional_key_user)) -> str:
    if user is None:
        raise HTTPException(status_code=401)
    return user


@app.get("/config")
def config(user: str = Depends(require_user)) -> dict:
    return {"user": user}


@app.get("/keys", dependencies=[Depends(require_key_user)])
def keys() -> dict:
    return {}


@app.get("/thread")
def thread(user: Optional[str] = Depends(optional_user)) -> dict:
    if not user:
        raise HTTPException(status_code=401)
    return {}


@app.get("/feed")
def feed(user: Optional[str] = Depends(optional_user)) -> dict:
    return {"personal": user is not None}
"""


def test_an_optional_user_rejected_above_is_a_check(tmp_path: Path) -> None:
    """gradio's and chainlit's shape: a dependency reads a cookie or header and returns the
    user or None; the dependency above it, or the endpoint, rejects None (it was ``none``
    with a false BK101). Used alone it authenticates nobody."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": OPTIONAL_USER})
    paths = ["/config", "/keys", "/thread", "/feed"]
    assert anonymous_statuses(root, paths) == {"/config": 401, "/keys": 401, "/thread": 401} | {
        "/feed": 200
    }
    routes = {route.path: route for route in analyze([root], use_cache=False).routes}
    assert {path: routes[path].auth for path in paths} == {
        "/config": "required",
        "/keys": "required",
        "/thread": "required",
        "/feed": "none",
    }
    assert routes["/config"].auth_chain[-1] == "app.main:require_user (checks cookie access-token)"


SESSION = """\
from fastapi import Depends, FastAPI, HTTPException, Request

app = FastAPI()


class EmptySession:
    \"\"\"Starlette's SessionMiddleware, for a caller without a session cookie.\"\"\"

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            scope["session"] = {}
        await self.app(scope, receive, send)


app.add_middleware(EmptySession)


def require_token(request: Request) -> str:
    token = request.session.get("access_token")
    if not token:
        raise HTTPException(status_code=401)
    return token


@app.get("/buckets")
def buckets(token: str = Depends(require_token)) -> list[str]:
    return []
"""


def test_a_key_of_the_signed_session_is_a_credential(tmp_path: Path) -> None:
    """gradio's run-history token: ``request.session.get("access_token")`` (it was ``none``)."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": SESSION})
    assert anonymous_statuses(root, ["/buckets"]) == {"/buckets": 401}
    routes = analyze([root], use_cache=False).routes
    assert [(r.auth, r.auth_chain[-1]) for r in routes] == [
        ("required", "app.main:require_token (checks session access_token)")
    ]


TRUSTED_STATE = """\
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer

KEYS = {"secret"}
TRUSTED = object()
oauth = OAuth2PasswordBearer(tokenUrl="/token", auto_error=False)
app = FastAPI()


async def resolve(token: Optional[str]) -> str:
    if not token or token not in KEYS:
        raise HTTPException(status_code=401)
    return token


async def get_user(request: Request, _token: Optional[str] = Depends(oauth)) -> str:
    user = getattr(request.state, "user", None)
    marker = getattr(request.state, "via", None)
    if user and marker is TRUSTED:
        return user
    return await resolve(request.cookies.get("jwt"))


@app.get("/dags")
def dags(user: str = Depends(get_user)) -> list[str]:
    return []
"""


def test_a_request_state_return_before_a_rejecting_helper_is_no_switch(tmp_path: Path) -> None:
    """airflow's ``get_user``: the user a trusted middleware left on the request, else the
    cookie's, which the helper rejects without: ``required``; only a return on configuration
    before the helper's call is a switch."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": TRUSTED_STATE})
    assert anonymous_statuses(root, ["/dags"]) == {"/dags": 401}
    result = analyze([root], use_cache=False)
    assert [route.auth for route in result.routes] == ["required"]
    assert not [f for f in result.findings if f.code in ("BK101", "BK102")]


QUERY = """\
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Query, Request

KEY = "k"
app = FastAPI()


def check_query(request: Request) -> None:
    token = request.query_params.get("token")
    if not token or token != KEY:
        raise HTTPException(status_code=401)


def check_query_param(api_key: Optional[str] = Query(None)) -> None:
    if not api_key or api_key != KEY:
        raise HTTPException(status_code=401)


def check_page(page_token: Optional[str] = Query(None)) -> None:
    if page_token is not None and page_token != KEY:
        raise HTTPException(status_code=401)


@app.get("/q", dependencies=[Depends(check_query)])
def q() -> dict:
    return {}


@app.get("/qp", dependencies=[Depends(check_query_param)])
def qp() -> dict:
    return {}


@app.get("/page", dependencies=[Depends(check_page)])
def page() -> dict:
    return {}
"""


def test_a_query_parameter_named_as_a_credential_is_one(tmp_path: Path) -> None:
    """``request.query_params.get("token")`` and ``api_key: str = Query(...)`` carry a
    credential (a WebSocket's usual way); a ``page_token`` does not."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": QUERY})
    statuses = anonymous_statuses(root, ["/q", "/qp", "/page"])
    assert statuses == {"/q": 401, "/qp": 401, "/page": 200}
    routes = {r.path: r for r in analyze([root], use_cache=False).routes}
    assert {path: r.auth for path, r in routes.items()} == {
        "/q": "required",
        "/qp": "required",
        "/page": "none",
    }
    assert routes["/qp"].auth_chain[-1] == "app.main:check_query_param (checks query api_key)"
