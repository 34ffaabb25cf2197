"""A project function an endpoint calls gets its parameters from that call, never from the
request: FastAPI fills only an endpoint's and a dependency's. A helper ``get_share(token: str,
*, request=None)`` that an endpoint hands its ``request`` and a path parameter was read as
checking a query ``token`` whenever an endpoint or a dependency somewhere in the project had
the same name (open-webui's ``verify_mfa_challenge``): the route showed ``required`` although
anonymous callers get its data. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

SHARES = """\
from fastapi import HTTPException

SHARES = {"abc": {"title": "shared chat"}}


async def get_share(token: str, *, request=None) -> dict:
    share = SHARES.get(token)
    if share is None:
        raise HTTPException(403, "unknown share")
    return share
"""

MAIN = """\
from fastapi import FastAPI, Request

from app import shares

app = FastAPI()


@app.get("/shares/{share_id}")
async def get_share(request: Request, share_id: str) -> dict:
    return await shares.get_share(share_id, request=request)


@app.get("/other/{share_id}")
async def read_share(request: Request, share_id: str) -> dict:
    return await shares.get_share(share_id, request=request)


@app.get("/keyed")
async def keyed(request: Request, token: str) -> dict:
    return await shares.get_share(token, request=request)
"""

EXPECTED = {
    "/shares/abc": (200, "none"),
    "/other/abc": (200, "none"),
    "/keyed": (422, "required"),
}


def test_a_helper_s_parameters_are_what_the_endpoint_passes(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/shares.py": SHARES, "app/main.py": MAIN}
    root = write_project(tmp_path / "p", files)
    expected = {path.replace("/abc", "/{share_id}"): value for path, value in EXPECTED.items()}
    result = agrees_with_fastapi_paths(root, EXPECTED, expected)
    chains = {route.path: route.auth_chain for route in result.routes}
    assert any("checks query token" in link for link in chains["/keyed"])


def agrees_with_fastapi_paths(
    root: Path, requested: dict[str, tuple[int, str]], routes: dict[str, tuple[int, str]]
) -> object:
    """``agrees_with_fastapi`` for routes with path parameters: FastAPI is asked at the
    ``requested`` paths, backendkit's routes are compared by their templates (``routes``)."""
    statuses = anonymous_statuses(root, list(requested))
    assert statuses == {path: status for path, (status, _auth) in requested.items()}
    result = analyze([root], use_cache=False)
    assert {route.path: route.auth for route in result.routes} == {
        path: auth for path, (_status, auth) in routes.items()
    }
    return result
