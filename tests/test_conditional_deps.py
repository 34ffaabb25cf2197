"""``dependencies=[Depends(auth)] if cfg else []``: a dependency list chosen by a conditional
expression gives each branch its own status, and the route gets the weakest, as a name bound in
either branch of an ``if`` does: a configuration that turns authentication off is reported,
once, at the switch."""

from __future__ import annotations

import sys
from pathlib import Path

from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project

MAIN = """\
import os

from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import HTTPBearer

AUTH = os.environ.get("BK_TEST_AUTH") == "1"
bearer = HTTPBearer()

guarded = APIRouter(dependencies=[Depends(bearer)] if AUTH else [])
always = APIRouter(dependencies=[Depends(bearer)] if AUTH else [Depends(bearer)])


@guarded.delete("/items/{item_id}")
def delete_item(item_id: int) -> int:
    return item_id


@always.delete("/users/{user_id}")
def delete_user(user_id: int) -> int:
    return user_id


app = FastAPI()
app.include_router(guarded)
app.include_router(always)
"""


def test_each_branch_counts_and_the_weakest_wins(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {"/items/{item_id}": "none", "/users/{user_id}": "required"}
    # one finding at the switch (the conditional list), naming the route it opens
    found = [f for f in result.findings if f.code == "BK101"]
    assert [(f.code, f.line) for f in found] == [("BK101", 9)]
    assert "DELETE /items/{item_id}" in found[0].message
    sys.path.insert(0, str(root))
    try:
        from app.main import app  # type: ignore[import-not-found]

        client = TestClient(app)
        assert client.delete("/items/1").status_code == 200  # AUTH is off: anyone may delete
        assert client.delete("/users/1").status_code in (401, 403)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
            del sys.modules[name]
