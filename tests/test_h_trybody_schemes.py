"""A scheme subclass whose ``__call__`` catches the ``HTTPException`` of ``super().__call__``
and does not raise again makes authentication optional, as ``auto_error=False`` does; one that
re-raises, raises its own error, catches something else, or calls ``super().__call__`` outside
the ``try`` keeps it required. Each status is checked against FastAPI itself (an anonymous
request: 401/403 means required, 200 optional), and the summary's ``try`` records directly."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from backendkit.summary.blocks import Handler, TryBlock
from backendkit.summary.collector import build_summary
from backendkit.summary.model import Name, Seq, Unknown
from helpers import write_project
from truth import imported_app

SCHEMES = """\
import fastapi
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

AUTH_ERRORS = (ValueError, HTTPException)


class Swallowing(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            return await super().__call__(request)
        except HTTPException:
            return None


class Bare(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            return await super().__call__(request)
        except:  # noqa: E722
            return None


class Broad(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            creds = await super().__call__(request)
        except Exception as exc:
            print(exc)
            return None
        return creds


class Grouped(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            return await super(Grouped, self).__call__(request)
        except (KeyError, StarletteHTTPException):
            return None


class Named(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            return await super().__call__(request)
        except AUTH_ERRORS:
            return None


class Nested(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            try:
                return await super().__call__(request)
            except fastapi.HTTPException:
                raise
        except BaseException:
            return None


class Inherited(Swallowing):
    async def __call__(self, request: Request):
        return await super().__call__(request)


class Reraising(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            return await super().__call__(request)
        except HTTPException:
            print("rejected")
            raise


class Unrelated(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            return await super().__call__(request)
        except ValueError:
            return None


class Outside(HTTPBearer):
    async def __call__(self, request: Request):
        creds = await super().__call__(request)
        try:
            int("not a number")
        except Exception:
            return None
        return creds


class OwnError(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            return await super().__call__(request)
        except HTTPException:
            raise HTTPException(status_code=401, detail="Bad token")


class FirstHandlerWins(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            return await super().__call__(request)
        except HTTPException:
            raise
        except Exception:
            return None


class TokenError(HTTPException):
    pass


class Narrower(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            return await super().__call__(request)
        except TokenError:
            return None


class Deferred(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            async def later():
                return await super(Deferred, self).__call__(request)
        except HTTPException:
            return None
        return await later()


app = FastAPI()
SCHEMES = (
    Swallowing, Bare, Broad, Grouped, Named, Nested, Inherited,
    Reraising, Unrelated, Outside, OwnError, FirstHandlerWins, Narrower, Deferred,
)
"""

ROUTE = """

{name}_scheme = {name}()


@app.get("/{name}")
async def {name}_route(creds=Depends({name}_scheme)) -> dict:
    return {{"signed_in": creds is not None}}
"""

EXPECTED = {
    "/Swallowing": "optional",
    "/Bare": "optional",
    "/Broad": "optional",
    "/Grouped": "optional",
    "/Named": "optional",
    "/Nested": "optional",
    "/Inherited": "optional",
    "/Reraising": "required",
    "/Unrelated": "required",
    "/Outside": "required",
    "/OwnError": "required",
    "/FirstHandlerWins": "required",
    "/Narrower": "required",
    "/Deferred": "required",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One route per scheme subclass."""
    main = SCHEMES + "".join(ROUTE.format(name=path[1:]) for path in EXPECTED)
    root = tmp_path_factory.mktemp("trybody") / "p"
    files = {"app/__init__.py": "", "app/main.py": main}
    return write_project(root, files, select=["BK102"])


def test_statuses_match_fastapi(project: Path) -> None:
    with imported_app(project, "app.main:app") as application:
        client = TestClient(application, raise_server_exceptions=False)
        real = {
            path: "required" if client.get(path).status_code in (401, 403) else "optional"
            for path in EXPECTED
        }
    assert real == EXPECTED


def test_call_override_statuses(project: Path) -> None:
    result = analyze([project])
    assert {r.path: r.auth for r in result.routes} == EXPECTED
    optional = {r.line for r in result.routes if r.auth == "optional"}
    assert sorted(f.line for f in result.findings if f.code == "BK102") == sorted(optional)


TRIES = """\
def f():
    try:
        a()
    except (ValueError, KeyError):
        pass
    except Exception as exc:
        if exc:
            raise
    except:
        def inner():
            raise RuntimeError
    try:
        b()
    finally:
        c()
    try: d()
    except E: raise E2 from None
"""


def test_summary_records_try_bodies_and_handlers() -> None:
    summary = build_summary("m.py", "m", False, cst.parse_module(TRIES))
    f = summary.scope.functions["f"]
    assert f.scope.tries == (
        TryBlock(
            2,
            4,
            (
                Handler(Seq((Name("ValueError"), Name("KeyError")), "tuple"), False),
                Handler(Name("Exception"), True),
                Handler(None, False),
            ),
        ),
        TryBlock(16, 17, (Handler(Name("E"), True, changes=True),)),  # raises E2, not E
    )
    assert f.scope.caught == {"exc": Name("Exception")}
    assert summary.scope.tries == ()
    assert f.scope.functions["inner"].scope.tries == ()
    assert not isinstance(f.scope.caught["exc"], Unknown)
