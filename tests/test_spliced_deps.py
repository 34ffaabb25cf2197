"""``dependencies=`` assembled from shared pieces: ``(Depends(a), *AUTHENTICATED)``,
``[*COMMON]`` and ``COMMON + [...]`` are the lists FastAPI iterates (trial 6, litellm's
``_OTLP_AUTHENTICATED``): a piece that authenticates makes the route ``required``, and a list
with none stays open and is reported, instead of ``unknown``."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPBearer

bearer = HTTPBearer()
app = FastAPI()


def skip_body(request: Request) -> None:
    return None


AUTHENTICATED = (Depends(bearer),)
COMMON = [Depends(skip_body)]
OTLP_AUTHENTICATED = (Depends(skip_body), *AUTHENTICATED)


@app.post("/v1/traces", dependencies=OTLP_AUTHENTICATED)
def traces() -> dict:
    return {}


@app.delete("/v1/items/{item_id}", dependencies=[*COMMON])
def delete_item(item_id: int) -> None:
    return None


@app.delete("/v1/things/{thing_id}", dependencies=COMMON + [Depends(skip_body)])
def delete_thing(thing_id: int) -> None:
    return None


@app.delete("/v1/users/{user_id}", dependencies=COMMON + list(AUTHENTICATED))
def delete_user(user_id: int) -> None:
    return None


@app.delete("/v1/roles/{role_id}", dependencies=[*COMMON, *AUTHENTICATED])
def delete_role(role_id: int) -> None:
    return None
"""


def test_spliced_and_added_lists(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {
        "/v1/traces": "required",
        "/v1/items/{item_id}": "none",
        "/v1/things/{thing_id}": "none",
        "/v1/users/{user_id}": "unknown",  # list(...) of a tuple is not followed: not guessed
        "/v1/roles/{role_id}": "required",
    }
    chain = next(r.auth_chain for r in result.routes if r.path == "/v1/traces")
    assert chain[-1] == "app.main:bearer (HTTPBearer)"
    assert [f.line for f in result.findings if f.code == "BK101"] == [22, 27]
