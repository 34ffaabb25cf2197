"""A dependency whose 401/403 is caught by its own ``try`` (``except Exception: return None``,
``except HTTPException: pass``) rejects no one: FastAPI runs the route. Such a dependency was
``required`` because it raises a 401 at all. The first handler that catches the error decides
(``project/caught.py``): one that re-raises, raises another error, hands the error to a call
(``return handle_error(error)``) or stores it (raised later) still rejects; one that only logs
it does not; one that does not catch it (``except KeyError``, or FastAPI's ``HTTPException``
around Starlette's) leaves it to the caller. A generator that cannot yield once its handler ran
rejects too (FastAPI answers 500). The same rule decides whether a scheme subclass swallows
its parent's 401 (the API-key schemes raise Starlette's ``HTTPException``). Checked against
FastAPI."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from backendkit import analyze
from backendkit.summary.collector import build_summary
from helpers import guarded_routes, write_project
from truth import anonymous_statuses

MAIN = """\
import logging
import os

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

API_KEYS = [k for k in os.environ.get("BK_KEYS", "").split(",") if k]
SWALLOW = (ValueError, HTTPException)
logger = logging.getLogger(__name__)


class AuthError(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=401, detail="bad key")


def swallowed(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
    except Exception:
        return None


def passed(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
    except HTTPException:
        pass


def in_tuple(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
    except SWALLOW:
        return None


def nested(request: Request) -> None:
    try:
        try:
            if request.headers.get("X-API-Key") not in API_KEYS:
                raise HTTPException(status_code=401)
        except HTTPException:
            raise
    except Exception:
        return None


def subclass_caught(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise AuthError()
    except AuthError:
        return None


def check_key(request: Request) -> None:
    if request.headers.get("X-API-Key") not in API_KEYS:
        raise HTTPException(status_code=401)


def helper_caught(request: Request) -> None:
    try:
        check_key(request)
    except HTTPException:
        return None


def logged(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
    except HTTPException as error:
        logger.warning("rejected: %s", error.detail)
        return None


def handle_error(error: Exception) -> str:
    raise HTTPException(status_code=401, detail=str(error))


def handed_on(request: Request) -> str:
    try:
        key = request.headers.get("X-API-Key", "")
        if key not in API_KEYS:
            raise HTTPException(status_code=401)
        return key
    except Exception as error:
        return handle_error(error=error)


def tracked(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
    except HTTPException as error:
        logging.getLogger(__name__).warning(error)
        return None


def starlette_raised(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise StarletteHTTPException(status_code=401)
    except HTTPException:
        return None


def stored(request: Request) -> None:
    error = None
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
    except HTTPException as exc:
        error = exc
    if error is not None:
        raise error


def session_after_check(request: Request):
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
        yield "session"
    except Exception:
        pass


class OptionalKey(APIKeyHeader):
    async def __call__(self, request: Request):
        try:
            return await super().__call__(request)
        except HTTPException:  # FastAPI's: the API-key schemes raise Starlette's
            return None


class SoftBearer(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            return await super().__call__(request)
        except HTTPException as error:
            logging.getLogger(__name__).info("no bearer token: %s", error)
            return None


def log_error(error: Exception) -> None:
    logger.info("rejected: %s", error)


def reported(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
    except HTTPException as error:
        log_error(error)


def rethrow() -> None:
    raise


def rethrown(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
    except HTTPException:
        logger.info("rejected")
        rethrow()


def unauthorized(detail: str) -> None:
    raise HTTPException(status_code=401, detail=detail)


def on_failure(error: Exception) -> None:
    logger.info("failed: %s", error)
    unauthorized(str(error))


def delegated(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
    except HTTPException as error:
        on_failure(error)


def error(detail: str) -> None:  # a project function named like a logging method
    raise HTTPException(status_code=401, detail=detail)


def named_error(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
    except HTTPException:
        error("bad key")


FAILURES = {"count": 0}


def count_failure(request: Request) -> None:
    FAILURES["count"] += 1
    if FAILURES["count"] > 1000:
        raise RuntimeError("too many failed requests")


def counted(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
    except HTTPException:
        count_failure(request)


PENDING = []


def deferred(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
    except HTTPException:
        PENDING.append(lambda: rethrow())


def reraised(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
    except HTTPException:
        raise
    except Exception:
        return None


def other_error(request: Request) -> None:
    try:
        key = request.headers["X-API-Key"]
        if key not in API_KEYS:
            raise HTTPException(status_code=403)
    except KeyError:
        raise HTTPException(status_code=401)


def wrapped(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise HTTPException(status_code=401)
    except Exception as error:
        raise HTTPException(status_code=401) from error


def subclass_other(request: Request) -> None:
    try:
        if request.headers.get("X-API-Key") not in API_KEYS:
            raise AuthError()
    except ValueError:
        return None


app = FastAPI()


@app.get("/key-scheme")
def key_scheme(key: str = Depends(OptionalKey(name="X-API-Key"))) -> str:
    return key


@app.get("/soft-bearer")
def soft_bearer(token=Depends(SoftBearer())) -> str:
    return "ok"
"""

OPEN = [
    *("swallowed", "passed", "in_tuple", "nested", "subclass_caught", "helper_caught"),
    *("logged", "tracked", "reported", "counted", "deferred"),
]
CHECKED = [
    *("reraised", "other_error", "wrapped", "subclass_other", "handed_on"),
    *("starlette_raised", "stored", "session_after_check", "rethrown", "delegated"),
    "named_error",
]


def _main() -> str:
    return guarded_routes(MAIN, OPEN + CHECKED)


def _files() -> dict[str, str]:
    return {"app/__init__.py": "", "app/main.py": _main()}


@pytest.mark.parametrize("keys", ["", "secret"])
def test_fastapi_behaviour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: str) -> None:
    monkeypatch.setenv("BK_KEYS", keys)
    root = write_project(tmp_path / "p", _files())
    paths = [f"/{name}" for name in OPEN + CHECKED] + ["/key-scheme", "/soft-bearer"]
    statuses = anonymous_statuses(root, paths)
    assert {path for path, status in statuses.items() if status == 200} == {
        *(f"/{name}" for name in OPEN),
        "/soft-bearer",
    }
    assert statuses.pop("/session_after_check") == 500  # the generator never yields
    assert statuses["/key-scheme"] == 401
    assert {status for path, status in statuses.items() if path[1:] in CHECKED} == {401}


def test_a_rejection_the_dependency_catches_itself_checks_nothing(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", _files(), select=["BK101", "BK102"])
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {f"/{name}": "none" for name in OPEN} | {
        f"/{name}": "required" for name in CHECKED
    } | {"/key-scheme": "required", "/soft-bearer": "optional"}
    lines = _main().splitlines()
    flagged = sorted(f.line for f in result.findings if f.code == "BK101")
    assert flagged == sorted(
        lines.index(f'@app.get("/{name}", dependencies=[Depends({name})])') + 1 for name in OPEN
    )


def test_the_route_and_the_finding_say_which_dependency_catches_its_own_401(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path / "p", _files(), select=["BK101"])
    result = analyze([root], use_cache=False)
    notes = {route.path: route.notes for route in result.routes if route.notes}
    raise_line = _main().splitlines().index("            raise HTTPException(status_code=401)")
    assert notes["/swallowed"] == (
        f"swallowed catches the 401/403 it raises on line {raise_line + 1} itself",
    )
    assert set(notes) == {f"/{name}" for name in OPEN if name != "helper_caught"}
    (finding,) = [f for f in result.findings if f.extra["route"]["path"] == "/swallowed"]
    assert f"swallowed catches the 401/403 it raises on line {raise_line + 1} itself" in (
        finding.message
    )


HANDLERS = """\
def f():
    try:
        a()
    except ValueError as error:
        logger.exception("failed: %s", error)
        return {"detail": str(error), "kind": type(error).__name__}
    except KeyError as error:
        return handle(error=error)
    except TypeError as error:
        return JSONResponse(status_code=error.status_code, content=error.args)
    except OSError:
        handle(None)
    except LookupError as error:
        saved = error
    except RuntimeError as error:
        sentry_sdk.capture_exception(error)
        logging.getLogger(__name__).warning(error)
"""


def test_handlers_record_what_they_do_with_their_error() -> None:
    """A handler keeps its calls of names, each with whether it is handed the error itself
    (not an attribute of it; ``caught.py`` reads which of them may raise it again); storing
    the error, or handing it to a call that is not a name, hands it on unless that call only
    reports it (``getLogger(...).warning``)."""
    summary = build_summary("m.py", "m", False, cst.parse_module(HANDLERS))
    (block,) = summary.scope.functions["f"].scope.tries
    assert [(h.hands, h.calls) for h in block.handlers] == [
        (False, (("logger.exception", True), ("str", True), ("type", True))),
        (False, (("handle", True),)),
        (False, (("JSONResponse", False),)),
        (False, (("handle", False),)),
        (True, ()),
        (False, (("sentry_sdk.capture_exception", True), ("logging.getLogger", False))),
    ]
    assert not any(handler.raises for handler in block.handlers)
