"""A dependency whose 401/403 is caught by its own ``try`` (``except Exception: return None``,
``except HTTPException: pass``) rejects no one: FastAPI runs the route. Such a dependency was
``required`` because it raises a 401 at all. The first handler that catches the error decides
(``project/caught.py``): one that re-raises, raises another error or hands the error to a call
(``return handle_error(error)``) still rejects; one that only logs it does not; one that does
not catch it (``except KeyError``) leaves it to the caller. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from backendkit import analyze
from backendkit.summary.collector import build_summary
from helpers import write_project
from truth import anonymous_statuses

MAIN = """\
import logging
import os

from fastapi import Depends, FastAPI, HTTPException, Request

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
"""

OPEN = ["swallowed", "passed", "in_tuple", "nested", "subclass_caught", "helper_caught", "logged"]
CHECKED = ["reraised", "other_error", "wrapped", "subclass_other", "handed_on"]


def _main() -> str:
    routes = [
        f'\n\n@app.get("/{name}", dependencies=[Depends({name})])\n'
        f"def route_{name}() -> str:\n    return 'ok'\n"
        for name in OPEN + CHECKED
    ]
    return MAIN + "".join(routes)


def _files() -> dict[str, str]:
    return {"app/__init__.py": "", "app/main.py": _main()}


@pytest.mark.parametrize("keys", ["", "secret"])
def test_fastapi_behaviour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: str) -> None:
    monkeypatch.setenv("BK_KEYS", keys)
    root = write_project(tmp_path / "p", _files())
    statuses = anonymous_statuses(root, [f"/{name}" for name in OPEN + CHECKED])
    assert {path for path, status in statuses.items() if status == 200} == {
        f"/{name}" for name in OPEN
    }
    assert {statuses[f"/{name}"] for name in CHECKED} == {401}


def test_a_rejection_the_dependency_catches_itself_checks_nothing(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", _files(), select=["BK101", "BK102"])
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {f"/{name}": "none" for name in OPEN} | {
        f"/{name}": "required" for name in CHECKED
    }
    lines = _main().splitlines()
    flagged = sorted(f.line for f in result.findings if f.code == "BK101")
    assert flagged == sorted(
        lines.index(f'@app.get("/{name}", dependencies=[Depends({name})])') + 1 for name in OPEN
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
        report(error.args)
    except OSError:
        handle(None)
"""


def test_handlers_record_whether_they_hand_their_error_on() -> None:
    summary = build_summary("m.py", "m", False, cst.parse_module(HANDLERS))
    (block,) = summary.scope.functions["f"].scope.tries
    assert [handler.hands for handler in block.handlers] == [False, True, True, False]
    assert not any(handler.raises for handler in block.handlers)
