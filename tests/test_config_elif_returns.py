"""A configuration test whose branch returns a user before an ``elif``/``else`` that rejects a
missing credential (litellm's no-master-key mode: ``if master_key is None: return
UserAPIKeyAuth(...) elif api_key is None: raise 401``) lets everyone in when nothing is
configured: one switch (BK102 where the lenient scheme is left, BK101 otherwise), not
``required``. The return may build its value (a literal, a
constant, a constructor call); a return that calls a project function that rejects is a check
of its own. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

from helpers import write_project
from truth import agrees_with_fastapi

MAIN = """\
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Security
from fastapi.security import APIKeyHeader

api_key_header = APIKeyHeader(name="Authorization", auto_error=False)
MASTER_KEY: Optional[str] = None


class User:
    def __init__(self, role: str = "user") -> None:
        self.role = role


ANON = User("anon")


def verify_remote(api_key: Optional[str]) -> User:
    if api_key is None:
        raise HTTPException(status_code=401, detail="no key")
    return User("remote")


async def elif_literal(api_key: Optional[str] = Security(api_key_header)) -> object:
    if MASTER_KEY is None:
        return "anonymous"
    elif api_key is None:
        raise HTTPException(status_code=401, detail="no key")
    return "admin"


async def elif_constant(api_key: Optional[str] = Security(api_key_header)) -> object:
    if MASTER_KEY is None:
        return ANON
    elif api_key is None:
        raise HTTPException(status_code=401, detail="no key")
    return User("admin")


async def elif_ctor(api_key: Optional[str] = Security(api_key_header)) -> object:
    if MASTER_KEY is None:
        return User("anon")
    elif api_key is None:
        raise HTTPException(status_code=401, detail="no key")
    return User("admin")


async def else_ctor(api_key: Optional[str] = Security(api_key_header)) -> object:
    if MASTER_KEY is None:
        return User("anon")
    else:
        if api_key is None:
            raise HTTPException(status_code=401, detail="no key")
    return User("admin")


async def elif_header(x_api_key: Optional[str] = Header(None)) -> object:
    if MASTER_KEY is None:
        return ANON
    elif x_api_key != MASTER_KEY:
        raise HTTPException(status_code=401, detail="bad key")
    return User("admin")


async def elif_checked(api_key: Optional[str] = Security(api_key_header)) -> object:
    if MASTER_KEY is None:
        return verify_remote(api_key)
    elif api_key != MASTER_KEY:
        raise HTTPException(status_code=401, detail="bad key")
    return User("admin")


app = FastAPI()


@app.get("/elif_literal", dependencies=[Depends(elif_literal)])
def r1() -> dict:
    return {"ok": True}


@app.get("/elif_constant", dependencies=[Depends(elif_constant)])
def r2() -> dict:
    return {"ok": True}


@app.get("/elif_ctor", dependencies=[Depends(elif_ctor)])
def r3() -> dict:
    return {"ok": True}


@app.get("/else_ctor", dependencies=[Depends(else_ctor)])
def r4() -> dict:
    return {"ok": True}


@app.get("/elif_header", dependencies=[Depends(elif_header)])
def r6() -> dict:
    return {"ok": True}


@app.get("/elif_checked", dependencies=[Depends(elif_checked)])
def r5() -> dict:
    return {"ok": True}
"""

EXPECTED = {
    "/elif_literal": (200, "optional"),
    "/elif_constant": (200, "optional"),
    "/elif_ctor": (200, "optional"),
    "/else_ctor": (200, "optional"),
    "/elif_header": (200, "none"),
    "/elif_checked": (401, "required"),
}


def test_a_configuration_branch_returning_a_user_before_the_check_is_a_switch(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = agrees_with_fastapi(root, EXPECTED)
    codes = sorted(f.code for f in result.findings if f.code in ("BK101", "BK102"))
    assert codes == ["BK101", "BK102", "BK102", "BK102", "BK102"]
    switches = [f for f in result.findings if f.code in ("BK101", "BK102")]
    assert all("Configuration switch" in f.message for f in switches)
