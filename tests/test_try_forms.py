"""The other ways Python drops or lets through a dependency's 401/403, checked against FastAPI:

- ``with contextlib.suppress(HTTPException):`` around the raise drops it (the route is open);
  ``suppress(KeyError)``, or a ``suppress`` block that ended before the raise, does not;
- a ``return`` in the ``finally:`` of the ``try`` drops whatever was raised before it, in the
  body or in a handler; a ``finally:`` without one does not;
- ``except* HTTPException:`` catches a lone 401 as ``except`` does (swallowed when the handler
  ends quietly; re-raised, the group is a 500: nobody gets in);
- a project helper that rejects, called in a ``try`` whose handlers do not catch its 401
  (``except ValueError``), still rejects: it counted as no check at all before;
- a guard annotated ``-> None`` that ends in ``return await handle_auth_error(e)`` returns
  nothing: it was read as handing on an optional user; one that returns anything before its
  check (``if token is None: return await audit(request)``) lets callers through;
- a key read by a loop over literal header names is a credential read when every name is a
  credential's;
- review: a ``raise`` in the ``finally:`` before its ``return``, a ``return`` under a nested
  ``try`` in the ``finally:`` and a generator with a bare ``yield`` still reject; a 401 turned
  into another error that an outer ``try`` swallows is dropped, one handed on unchanged
  (``raise error``) is not; a guard returning what a rejecting helper returns (``return await
  verify_bearer(token)``) or returning early for a CORS preflight (``if request.method ==
  "OPTIONS": return None``: a GET route never sees one) still checks; returning what a helper
  returns that hands back ``None`` before it rejects (``verify_optional(None)``) lets callers in.
"""

from __future__ import annotations

import sys
from pathlib import Path

import libcst as cst
import pytest

from backendkit import analyze
from backendkit.summary.collector import build_summary
from helpers import guarded_routes, write_project
from truth import anonymous_statuses

MAIN = """\
import contextlib
import os
from contextlib import suppress
from contextlib import suppress as ignore

from fastapi import Depends, FastAPI, HTTPException, Request

KEYS = [k for k in os.environ.get("BK_KEYS", "").split(",") if k]
HEADERS = ("X-API-Key", "X-Auth-Token")
TRACED = ("X-Request-Id", "X-API-Key")


def check(request: Request) -> None:
    if request.headers.get("X-API-Key") not in KEYS:
        raise HTTPException(status_code=401)


def suppressed(request: Request) -> None:
    with contextlib.suppress(HTTPException):
        if request.headers.get("X-API-Key") not in KEYS:
            raise HTTPException(status_code=401)


def suppressed_alias(request: Request) -> None:
    with ignore(HTTPException):
        check(request)


def suppressed_helper(request: Request) -> None:
    with suppress(HTTPException):
        check(request)


def final_return(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in KEYS:
            raise HTTPException(status_code=401)
    finally:
        return None


def final_after_handler(request: Request) -> None:
    try:
        key = request.headers.get("X-API-Key")
        if key not in KEYS:
            raise ValueError(key)
    except ValueError:
        raise HTTPException(status_code=401)
    finally:
        return None


def suppress_other(request: Request) -> None:
    with suppress(KeyError):
        if request.headers.get("X-API-Key") not in KEYS:
            raise HTTPException(status_code=401)


def suppress_before(request: Request) -> None:
    with suppress(HTTPException):
        with open(__file__) as handle:
            handle.read()
    if request.headers.get("X-API-Key") not in KEYS:
        raise HTTPException(status_code=401)


def final_no_return(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in KEYS:
            raise HTTPException(status_code=401)
    finally:
        print("checked")


def helper_other_error(request: Request) -> None:
    try:
        check(request)
    except ValueError:
        return None


async def helper_tuple(request: Request) -> None:
    try:
        check(request)
    except (KeyError, ValueError) as error:
        print(error)


async def handle_auth_error(error: Exception) -> None:
    raise HTTPException(status_code=401) from error


async def handed_guard(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in KEYS:
            raise HTTPException(status_code=401)
    except HTTPException as error:
        return await handle_auth_error(error)


def header_loop(request: Request) -> str:
    for header in HEADERS:
        value = request.headers.get(header)
        if value in KEYS:
            return value
    raise HTTPException(status_code=401, detail="missing key")


def translated(request: Request) -> None:
    try:
        try:
            check(request)
        except HTTPException:
            raise ValueError("rejected")
    except ValueError:
        return None


def raise_in_finally(request: Request) -> None:
    try:
        key = request.headers.get("X-API-Key")
    finally:
        if key not in KEYS:
            raise HTTPException(status_code=401)
        return None


def cleanup_return(request: Request) -> None:
    try:
        check(request)
    finally:
        try:
            print("closing")
        except Exception:
            return None


def yielding(request: Request):
    try:
        check(request)
        yield
    finally:
        return


async def audit(request: Request) -> None:
    print("anonymous", request.url)


async def audited_guard(request: Request) -> None:
    token = request.headers.get("X-API-Key")
    if token is None:
        return await audit(request)
    if token not in KEYS:
        raise HTTPException(status_code=401)


async def verify_bearer(token: str | None) -> None:
    if token not in KEYS:
        raise HTTPException(status_code=401)


async def verify_optional(token: str | None) -> None:
    if token is None:
        return None
    if token not in KEYS:
        raise HTTPException(status_code=401)


async def optional_return_guard(request: Request) -> None:
    token = request.headers.get("Authorization")
    if token is None:
        return await verify_optional(token)
    if token not in KEYS:
        raise HTTPException(status_code=401)


async def dispatch_guard(request: Request) -> None:
    token = request.headers.get("Authorization")
    if token and token.startswith("Basic "):
        return await verify_bearer(token[6:])
    return await verify_bearer(token)


async def preflight_guard(request: Request) -> None:
    if request.method == "OPTIONS":
        return None
    await verify_bearer(request.headers.get("Authorization"))


def nested_reraise(request: Request) -> None:
    try:
        try:
            check(request)
        except HTTPException as error:
            raise error
    except ValueError:
        pass


def request_id_loop(request: Request) -> None:
    for header in TRACED:
        if request.headers.get(header):
            return
    raise HTTPException(status_code=401)


app = FastAPI()
"""

OPEN = [
    *("suppressed", "suppressed_helper", "final_return", "final_after_handler", "translated"),
    "suppressed_alias",
    "audited_guard",
    "optional_return_guard",
]
CHECKED = [
    *("suppress_other", "suppress_before", "final_no_return"),
    *("helper_other_error", "helper_tuple", "handed_guard", "header_loop"),
    *("raise_in_finally", "cleanup_return", "yielding"),
    *("dispatch_guard", "preflight_guard", "nested_reraise"),
]
#: FastAPI rejects an anonymous caller (401), but sending any ``X-Request-Id`` (which proxies
#: add) gets in: a loop over header names reads a credential only if every name is one
UNREAD = ["request_id_loop"]


def _main() -> str:
    return guarded_routes(MAIN, OPEN + CHECKED + UNREAD)


def _files() -> dict[str, str]:
    return {"app/__init__.py": "", "app/main.py": _main()}


@pytest.mark.parametrize("keys", ["", "secret"])
def test_fastapi_behaviour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: str) -> None:
    monkeypatch.setenv("BK_KEYS", keys)
    root = write_project(tmp_path / "p", _files())
    statuses = anonymous_statuses(root, [f"/{name}" for name in OPEN + CHECKED + UNREAD])
    assert statuses.pop("/yielding") == 500  # the generator never yields
    assert statuses == {f"/{name}": 200 for name in OPEN} | {
        f"/{name}": 401 for name in CHECKED + UNREAD if name != "yielding"
    }


def test_routes_and_findings_agree_with_fastapi(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", _files(), select=["BK101", "BK102"])
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {f"/{name}": "none" for name in OPEN + UNREAD} | {
        f"/{name}": "required" for name in CHECKED
    }
    lines = _main().splitlines()
    assert sorted(f.line for f in result.findings if f.code == "BK101") == sorted(
        lines.index(f'@app.get("/{name}", dependencies=[Depends({name})])') + 1
        for name in OPEN + UNREAD
    )
    assert not [f for f in result.findings if f.code == "BK102"]


STAR = """\
import os

from fastapi import Depends, FastAPI, HTTPException, Request

KEYS = [k for k in os.environ.get("BK_KEYS", "").split(",") if k]


def star_swallowed(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in KEYS:
            raise HTTPException(status_code=401)
    except* HTTPException:
        pass


def star_reraised(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in KEYS:
            raise HTTPException(status_code=401)
    except* HTTPException:
        raise


app = FastAPI()


@app.get("/star_swallowed", dependencies=[Depends(star_swallowed)])
def swallowed() -> str:
    return "ok"


@app.get("/star_reraised", dependencies=[Depends(star_reraised)])
def reraised() -> str:
    return "ok"
"""


def test_except_star_is_read_as_except(tmp_path: Path) -> None:
    """The analysis reads ``except*`` on any Python (libcst parses it); FastAPI is asked only
    where the syntax runs."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": STAR})
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {"/star_swallowed": "none", "/star_reraised": "required"}
    if sys.version_info >= (3, 11):
        statuses = anonymous_statuses(root, ["/star_swallowed", "/star_reraised"])
        assert statuses == {"/star_swallowed": 200, "/star_reraised": 500}  # a group: no 401


BLOCKS = """\
def f():
    with suppress(KeyError, ValueError):
        a()
    with open(path) as handle:
        b()
    try:
        c()
    finally:
        return None


def g():
    try:
        d()
    except* OSError:
        pass
    try:
        e()
    finally:
        cleanup()
"""


def test_the_summary_records_suppress_blocks_final_returns_and_except_star() -> None:
    summary = build_summary("m.py", "m", False, cst.parse_module(BLOCKS))
    functions = summary.scope.functions
    suppress, final = functions["f"].scope.tries
    assert (suppress.first, suppress.end, suppress.final) == (2, 4, 0)
    assert suppress.manager is not None
    assert [h.raises for h in suppress.handlers] == [False]
    assert (final.first, final.handlers, final.final, final.manager) == (6, (), 8, None)
    assert functions["f"].scope.in_try(3)
    assert functions["f"].scope.in_try(7)
    assert not functions["f"].scope.in_try(5)
    assert not functions["f"].scope.in_try(9)  # the ``finally:`` itself drops nothing
    (star,) = functions["g"].scope.tries  # a ``finally:`` without ``return`` is no ``try``
    assert (star.first, len(star.handlers), star.final) == (13, 1, 0)
