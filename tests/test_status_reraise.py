"""A handler that raises the caught error again only for some statuses (``except
HTTPException as e: if e.status_code == 401: raise``) swallows the others: a helper's 403
caught there rejects nobody, its 401 still does (checked against FastAPI). A key compared
with a second value the caller sends (``key == other``) is no check either, and helpers that
keep each other's results under ``if token:`` are read without recursing forever."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import imported_app

RERAISE = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Security
from fastapi.security import APIKeyHeader

KEYS = {os.getenv("API_KEY", "k3y")}
header = APIKeyHeader(name="X-API-Key", auto_error=False)


def check_key(key: Optional[str]) -> str:
    if key not in KEYS:
        raise HTTPException(status_code={status})
    return key


async def require_key(key: Optional[str] = Security(header)) -> Optional[str]:
    try:
        check_key(key)
    except HTTPException as error:
        if error.status_code == 401:
            raise
    return key


app = FastAPI()


@app.get("/items", dependencies=[Depends(require_key)])
async def items() -> list:
    return []
"""


def _findings(root: Path) -> list[tuple[str, str, int]]:
    result = analyze([root], use_cache=False)
    return [(f.code, f.path, f.line) for f in result.findings if f.code.startswith("BK")]


def _auth_findings(root: Path) -> list[tuple[str, str, int]]:
    return [found for found in _findings(root) if found[0] in ("BK101", "BK102")]


def _status(root: Path, headers: dict[str, str]) -> int:
    with imported_app(root, "app.main:app") as application:
        from fastapi.testclient import TestClient

        return TestClient(application).get("/items", headers=headers).status_code


@pytest.mark.parametrize(("status", "junk", "reported"), [(401, 401, False), (403, 200, True)])
def test_a_handler_raising_again_for_one_status_swallows_the_others(
    tmp_path: Path, status: int, junk: int, reported: bool
) -> None:
    main = RERAISE.replace("{status}", str(status))
    root = write_project(tmp_path / "reraise", {"app/__init__.py": "", "app/main.py": main})
    assert _status(root, {"X-API-Key": "junk"}) == junk
    assert _status(root, {"X-API-Key": "k3y"}) == 200
    assert bool(_auth_findings(root)) is reported


SECOND = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Security
from fastapi.security import APIKeyHeader

API_KEY = os.getenv("API_KEY")
header = APIKeyHeader(name="X-API-Key", auto_error=False)


def read_key(x_api_key: Optional[str] = Header(API_KEY)) -> Optional[str]:
    return x_api_key


async def check(
    key: Optional[str] = Security(header),
    sub: Optional[str] = Depends(read_key),
    other: Optional[str] = Header(None),
    alt: Optional[str] = Header(API_KEY),
) -> None:
{pre}    if {test}:
        return
    if API_KEY:
        raise HTTPException(status_code=401)
    raise HTTPException(status_code=403)


app = FastAPI()


@app.get("/items", dependencies=[Depends(check)])
async def items() -> list:
    return []
"""


MATCHES = {
    "key and key == API_KEY": False,
    "key and key == other": True,  # a second header: the caller sends both
    "key and (key == API_KEY) is False": True,  # a key that differs
    "key and not key == API_KEY": True,
    "key and (key == API_KEY or key)": True,
}


@pytest.mark.parametrize("test", list(MATCHES))
def test_a_key_equal_to_a_value_the_caller_cannot_send_is_a_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, test: str
) -> None:
    reported = MATCHES[test]
    main = SECOND.replace("{test}", test).replace("{pre}", "")
    root = write_project(tmp_path / "second", {"app/__init__.py": "", "app/main.py": main})
    monkeypatch.setenv("API_KEY", "k3y")
    both = {"X-API-Key": "junk", "other": "junk"}
    assert _status(root, both) == (200 if reported else 401)
    assert _status(root, {}) == 401
    if not reported:
        assert _status(root, {"X-API-Key": "k3y"}) == 200
    assert bool(_auth_findings(root)) is reported


@pytest.mark.parametrize(
    ("pre", "test"),
    [
        ("    key = key or API_KEY\n", "key and key == API_KEY"),
        ("", "alt and alt == API_KEY"),
        ("", "sub and sub == API_KEY"),  # a dependency that gives a default key
    ],
)
def test_a_key_that_defaults_to_the_expected_one_is_no_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pre: str, test: str
) -> None:
    main = SECOND.replace("{test}", test).replace("{pre}", pre)
    root = write_project(tmp_path / "default", {"app/__init__.py": "", "app/main.py": main})
    monkeypatch.setenv("API_KEY", "k3y")
    assert _status(root, {}) == 200  # an anonymous caller gets the expected key
    assert _auth_findings(root)


CYCLE = """\
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Security
from fastapi.security import APIKeyHeader

header = APIKeyHeader(name="X-API-Key", auto_error=False)


class Gate:
    def __init__(self, other: "Gate | None" = None):
        self.other = other

    def __call__(self, key: Optional[str] = Security(header)) -> str:
        if key:
            info = self.other(key) if self.other else None
            checked = self.verify(key)
            if checked:
                return checked
        raise HTTPException(status_code=401)

    def verify(self, key: str) -> Optional[str]:
        if key:
            again = self(key)
            if again:
                return again
        raise HTTPException(status_code=401)


gate = Gate()
app = FastAPI()


@app.get("/items", dependencies=[Depends(gate)])
async def items() -> list:
    return []
"""


def test_helpers_keeping_each_others_results_are_read_once(tmp_path: Path) -> None:
    root = write_project(tmp_path / "cycle", {"app/__init__.py": "", "app/main.py": CYCLE})
    assert not [found for found in _findings(root) if found[0] == "BK002"]
