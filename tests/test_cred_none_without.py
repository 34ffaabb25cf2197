"""A helper that answers ``None`` without a credential (arize-phoenix's ``_get_cookie_user``:
``if not request.cookies.get(TOKEN): return None``, then the identity a middleware found):
a route that rejects its ``None`` with a 401/403 checks that credential itself (BK101 quiet);
one that does not reject, or a helper that returns something before its ``None``, or whose
``None`` comes when the credential is there, checks nothing (BK101 reported)."""

from __future__ import annotations

import libcst as cst
import pytest

from backendkit import analyze
from backendkit.summary.flow import call_absence
from helpers import write_project

HELPERS = """\
from typing import Optional

from fastapi import Request

TOKEN = "access_token"


class User:
    name: str


def cookie_user(request: Request) -> Optional[User]:
    if not request.cookies.get(TOKEN):
        return None
    user = request.user
    if not isinstance(user, User):
        return None
    return user


def header_user(request: Request) -> Optional[User]:
    key = request.headers.get("X-API-Key")
    if key is None:
        return None
    return request.state.user


def open_first(request: Request) -> Optional[User]:
    if request.url.path == "/status":
        return User()
    if not request.cookies.get(TOKEN):
        return None
    return request.user


def backwards(request: Request) -> Optional[User]:
    if request.cookies.get(TOKEN):
        return None
    return request.user


def fallback_user(request: Request) -> Optional[User]:
    token = request.cookies.get(TOKEN)
    if not token:
        user_id = request.query_params.get("user_id")
        if not user_id:
            return None
        return User()
    return request.user


def demo_user(request: Request) -> Optional[User]:
    token = request.cookies.get(TOKEN)
    if not token:
        if not DEMO:
            return None
        return User()
    return request.user


def elif_user(request: Request) -> Optional[User]:
    token = request.cookies.get(TOKEN)
    if request.url.path.startswith("/open"):
        user = User()
    elif not token:
        return None
    else:
        user = request.user
    return user


def tenant_user(request: Request) -> Optional[User]:
    print(request.cookies.get("session"))
    if not request.cookies.get("tenant"):
        return None
    return request.user


async def async_user(request: Request) -> Optional[User]:
    if not request.cookies.get(TOKEN):
        return None
    return request.user


def generated_user(request: Request):
    if not request.cookies.get(TOKEN):
        return None
    yield request.user


DEMO = False
"""

MAIN = """\
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request

from app.auth import (
    User,
    async_user,
    backwards,
    cookie_user,
    demo_user,
    elif_user,
    fallback_user,
    generated_user,
    header_user,
    open_first,
    tenant_user,
)

app = FastAPI()


def current_user(user: Optional[User] = Depends(cookie_user)) -> User:
    if user is None:
        raise HTTPException(status_code=401)
    return user


@app.get("/me")
def me(user: User = Depends(current_user)) -> dict:
    return {}


@app.get("/banned")
def banned(request: Request) -> dict:
    user = cookie_user(request)
    role = user.role if user else "anonymous"
    if role == "banned":
        raise HTTPException(status_code=403)
    return {}


@app.get("/awaited")
async def awaited(request: Request) -> dict:
    user = await async_user(request)
    if user is None:
        raise HTTPException(status_code=401)
    return {}


@app.get("/not-awaited")
async def not_awaited(request: Request) -> dict:
    if async_user(request) is None:
        raise HTTPException(status_code=401)
    return {}


@app.get("/generated")
def generated(request: Request) -> dict:
    if generated_user(request) is None:
        raise HTTPException(status_code=401)
    return {}


@app.post("/decision")
async def decision(request: Request) -> dict:
    user = cookie_user(request)
    if user is None:
        raise HTTPException(status_code=401, detail="Invalid token")
    return {"ok": True}


@app.get("/keyed")
def keyed(request: Request) -> dict:
    user = header_user(request)
    if not user:
        raise HTTPException(status_code=403)
    return {}


@app.get("/greeting")
def greeting(request: Request) -> dict:
    user = cookie_user(request)
    return {"name": user.name if user else "guest"}


@app.get("/open-first")
def open_first_route(request: Request) -> dict:
    if open_first(request) is None:
        raise HTTPException(status_code=401)
    return {}


@app.get("/backwards")
def backwards_route(request: Request) -> dict:
    if backwards(request) is None:
        raise HTTPException(status_code=401)
    return {}


@app.get("/fallback")
def fallback_route(request: Request) -> dict:
    if fallback_user(request) is None:
        raise HTTPException(status_code=401)
    return {}


@app.get("/demo")
def demo_route(request: Request) -> dict:
    if demo_user(request) is None:
        raise HTTPException(status_code=401)
    return {}


@app.get("/elif")
def elif_route(request: Request) -> dict:
    if elif_user(request) is None:
        raise HTTPException(status_code=401)
    return {}


@app.get("/tenant")
def tenant_route(request: Request) -> dict:
    if tenant_user(request) is None:
        raise HTTPException(status_code=401)
    return {}
"""


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, bool]]:
    root = tmp_path_factory.mktemp("nonewithout") / "p"
    files = {"app/__init__.py": "", "app/auth.py": HELPERS, "app/main.py": MAIN}
    result = analyze([write_project(root, files, select=["BK101"])])
    reported = {f.line for f in result.findings if f.code == "BK101"}
    return {r.path: (r.auth, r.line in reported) for r in result.routes}


def test_rejecting_the_none_of_a_helper_without_the_credential_checks_it(
    routes: dict[str, tuple[str, bool]],
) -> None:
    assert routes["/decision"] == ("required", False)  # cookie missing -> None -> 401
    assert routes["/keyed"] == ("required", False)  # header missing -> None -> 403
    assert routes["/me"] == ("required", False)  # a dependency rejecting the helper's None
    assert routes["/awaited"] == ("required", False)


def test_no_check_without_a_rejection_or_with_none_for_other_reasons(
    routes: dict[str, tuple[str, bool]],
) -> None:
    assert routes["/greeting"] == ("none", True)  # a guest gets an answer: nothing rejected
    assert routes["/open-first"] == ("none", True)  # a user is returned before the cookie test
    assert routes["/backwards"] == ("none", True)  # None when the cookie is there
    assert routes["/banned"] == ("none", True)  # the test cannot hold for a None
    assert routes["/not-awaited"] == ("none", True)  # a coroutine is never None
    assert routes["/generated"] == ("none", True)  # nor is a generator


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/fallback", "a query parameter stands in for the cookie: None only without both"),
        ("/demo", "a demo user is returned without the cookie"),
        ("/elif", "the None is in an elif: another branch runs first"),
        ("/tenant", "the None is for want of another cookie than the session one"),
    ],
)
def test_no_check_when_a_missing_credential_need_not_give_none(
    routes: dict[str, tuple[str, bool]], path: str, why: str
) -> None:
    assert routes[path] == ("none", True), why


@pytest.mark.parametrize(
    ("test", "absent"),
    [
        ("not request.cookies.get(TOKEN)", ("request.cookies.get",)),
        ('request.headers.get("X-API-Key") is None', ("request.headers.get",)),
        ("not (found := request.cookies.get(TOKEN))", ("request.cookies.get",)),
        ("await get_user(request) is None", ("get_user",)),
        ("not a.get(x) or not b.get(y)", ("a.get", "b.get")),
        ("not a.get(x) and settings.strict", ()),
        ("request.cookies.get(TOKEN)", ()),  # holds when the cookie is there
        ("not token", ()),  # a name: ``IfBlock.absent``, not a call
    ],
)
def test_the_calls_whose_missing_result_makes_a_test_hold(
    test: str, absent: tuple[str, ...]
) -> None:
    assert call_absence(cst.parse_expression(test)) == absent
