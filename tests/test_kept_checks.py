"""A dependency that, under ``if token:``, keeps what a project helper returns after it
validated the token has rejected a bad token before the returns that follow: lightrag's
``token_info = auth_handler.validate_token(token)``. Each case is checked against FastAPI: a
junk token is refused (401) when the check holds, and answered 200 when something skips the
helper or swallows its 401, which the analysis must then report."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import imported_app

MAIN = """\
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Security
from fastapi.security import OAuth2PasswordBearer

scheme = OAuth2PasswordBearer(tokenUrl="login", auto_error=False)
USERS = {"ann": "user"}
DEV_TOKEN = "ann:dev"


class Quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *error: object) -> bool:
        return True


{helper}


async def require_user(token: Optional[str] = Security(scheme)) -> None:
    info = None
    if token:
{body}
    if not token:
        raise HTTPException(status_code=401)


app = FastAPI()


@app.get("/items", dependencies=[Depends(require_user)])
async def items() -> list:
    return []
"""

VALIDATE = """\
def validate(token: str) -> dict:
    name, _, role = token.partition(":")
    if name not in USERS:
        raise HTTPException(status_code=401)
    return {"name": name, "role": role}
"""
PRESENCE = """\
def validate(token: str) -> dict:
    if not token:
        raise HTTPException(status_code=401)
    return {"name": token}
"""
ASYNC = VALIDATE.replace("def validate", "async def validate")
SPLIT = """\
def validate(token: str) -> dict:
    name, role = token.split(":")
    if name not in USERS:
        raise HTTPException(status_code=401)
    return {"name": name, "role": role}
"""
DEFAULTED = """\
def validate(token: str) -> dict:
    try:
        name, role = token.split(":")
    except ValueError:
        return {"name": "guest"}
    if name not in USERS:
        raise HTTPException(status_code=401)
    return {"name": name, "role": role}
"""
ROLE = """\
def validate(token: str, role: str | None = None) -> dict:
    name, _, given = token.partition(":")
    if role is not None and (name not in USERS or given != role):
        raise HTTPException(status_code=403)
    return {"name": name}
"""
LOGGED = (
    """\
def logged(func):
    def wrapper(*args):
        try:
            return func(*args)
        except HTTPException:
            return {"name": "guest"}

    return wrapper


@logged
"""
    + VALIDATE
)
SHAPE_403 = VALIDATE.replace(
    '    name, _, role = token.partition(":")\n',
    '    if ":" not in token:\n        raise HTTPException(status_code=403)\n'
    '    name, _, role = token.partition(":")\n',
)
LOOPED = """\
CHECKS: list = []


def validate(token: str) -> dict:
    for check in CHECKS:
        if not check(token):
            raise HTTPException(status_code=401)
    return {"name": token}
"""
TRY = "        try:\n{inner}        except {handler}\n        return\n"
KEPT = "        info = validate(token)\n        if info:\n            return\n"
CASES = {
    "a kept validation": (VALIDATE, KEPT, 401),
    "an awaited validation": (ASYNC, KEPT.replace("= validate", "= await validate"), 401),
    "a 401 raised again for its status": (
        VALIDATE,
        "        try:\n            info = validate(token)\n"
        "        except HTTPException as error:\n            if error.status_code == 401:\n"
        "                raise\n        return\n",
        401,
    ),
    "a handler raising everything again": (
        VALIDATE,
        TRY.format(
            inner="            info = validate(token)\n",
            handler="HTTPException as error:\n            print(error)\n            raise",
        ),
        401,
    ),
    "a project context manager closed before": (
        VALIDATE,
        "        with Quiet():\n            pass\n" + KEPT,
        401,
    ),
    "a timing finally": (
        VALIDATE,
        "        try:\n            info = validate(token)\n        finally:\n"
        "            print('checked')\n        return\n",
        401,
    ),
    "a helper that tests presence only": (PRESENCE, KEPT, 200),
    "a value handed besides the token": (
        VALIDATE,
        "        info = validate(DEV_TOKEN or token)\n        if info:\n            return\n",
        200,
    ),
    "a helper whose check is in a loop": (LOOPED, KEPT, 200),
    "a statement before it that the handler swallows": (
        VALIDATE,
        TRY.format(
            inner='            name, role = token.split(":")\n            info = validate(token)\n',
            handler="ValueError:\n            return",
        ),
        200,
    ),
    "a handler that ends the helper's own failure": (
        SPLIT,
        TRY.format(
            inner="            info = validate(token)\n", handler="ValueError:\n            pass"
        ),
        200,
    ),
    "a 403 of the helper the handler swallows": (
        SHAPE_403,
        TRY.format(
            inner="            info = validate(token)\n",
            handler="HTTPException as error:\n            if error.status_code == 401:\n"
            "                raise",
        ),
        200,
    ),
    "a finally that returns": (
        VALIDATE,
        "        try:\n            info = validate(token)\n        finally:\n"
        "            if token:\n                return\n",
        200,
    ),
    "a suppress held in a variable": (
        VALIDATE,
        "        import contextlib\n\n        quiet = contextlib.suppress(HTTPException)\n"
        "        with quiet:\n            info = validate(token)\n        return\n",
        200,
    ),
    "a helper that returns a default first": (DEFAULTED, KEPT, 200),
    "a helper checking only when the caller asks": (ROLE, KEPT, 200),
    "a helper a project decorator wraps": (LOGGED, KEPT, 200),
    "an async helper never awaited": (ASYNC, KEPT, 200),
    "an if that skips the validation, with an exit": (
        VALIDATE,
        '        if not token.startswith("dev-"):\n            info = validate(token)\n'
        "            if not info:\n                raise HTTPException(status_code=403)\n"
        "        return\n",
        200,
    ),
    "a handler raising other statuses again": (
        VALIDATE,
        "        try:\n            info = validate(token)\n"
        "        except HTTPException as error:\n            if error.status_code != 401:\n"
        "                raise\n        return\n",
        200,
    ),
    "a project context manager that swallows it": (
        VALIDATE,
        "        with Quiet():\n            info = validate(token)\n        return\n",
        200,
    ),
}


@pytest.mark.filterwarnings("ignore:coroutine 'validate' was never awaited")
@pytest.mark.parametrize("case", list(CASES))
def test_a_kept_check_counts_only_when_nothing_skips_or_swallows_it(
    tmp_path: Path, case: str
) -> None:
    helper, body, junk = CASES[case]
    main = MAIN.replace("{helper}", helper.rstrip()).replace("{body}", body.rstrip("\n"))
    root = write_project(tmp_path / "kept", {"app/__init__.py": "", "app/main.py": main})
    with imported_app(root, "app.main:app") as application:
        from fastapi.testclient import TestClient

        client = TestClient(application)
        statuses = {
            token: client.get("/items", headers={"Authorization": f"Bearer {token}"}).status_code
            for token in ("junk", "dev-eve", "ann:user")
        }
        assert client.get("/items").status_code == 401
    assert statuses["ann:user"] == 200
    hole = 200 in (statuses["junk"], statuses["dev-eve"])
    assert hole is (junk == 200)
    found = {f.code for f in analyze([root], use_cache=False).findings}
    assert bool(found & {"BK101", "BK102"}) is hole
