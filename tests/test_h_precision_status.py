"""BK201/BK202 when the status is not the default: a ``status_code=`` the analysis cannot
evaluate (prefect's ``status`` shim object with ``__getattr__``) is an explicit status, unknown
statically, not the default 200; a handler taking a ``Response`` parameter can set its status
in the body (``response.status_code = 201``, prefect's upserts), so its status is unknown too,
unless the handler only hands it on or calls its methods (litellm's header helpers). The
routes that keep the default stay reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project

COMPAT = """\
from starlette import status as _starlette_status


class _StatusCompatibility:
    def __getattr__(self, name: str) -> int:
        return getattr(_starlette_status, name)


status = _StatusCompatibility()
"""

MAIN = """\
from fastapi import FastAPI, Response
from starlette.responses import Response as StarletteResponse

from app.compat import status

app = FastAPI()


@app.delete("/limits/{name}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_limit(name: str) -> None:
    return None


@app.post("/limits", status_code=status.HTTP_201_CREATED)
async def create_limit(name: str) -> dict:
    return {"name": name}


@app.post("/artifacts/")
async def create_artifact(name: str, response: Response) -> dict:
    if name != "existing":
        response.status_code = 201
    return {"name": name}


@app.delete("/artifacts/{name}")
async def delete_artifact(name: str, response: StarletteResponse) -> None:
    response.status_code = 204


@app.post("/plain")
async def create_plain(name: str) -> dict:
    return {"name": name}


@app.delete("/plain/{name}")
async def delete_plain(name: str) -> None:
    return None


app.add_api_route("/added", create_plain, methods=["POST"], status_code=status.HTTP_201_CREATED)


def add_headers(response: Response) -> None:
    response.headers["x-served-by"] = "proxy"


@app.post("/files")
async def create_file(name: str, fastapi_response: Response) -> dict:
    add_headers(response=fastapi_response)
    return {"name": name}


@app.post("/cookies")
async def create_session(name: str, response: Response) -> dict:
    response.set_cookie("session", name)
    return {"name": name}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project, checked for BK201 and BK202."""
    root = tmp_path_factory.mktemp("status") / "p"
    files = {"app/__init__.py": "", "app/compat.py": COMPAT, "app/main.py": MAIN}
    return write_project(root, files, select=["BK201", "BK202"])


def test_unknown_or_body_set_status_is_not_the_default(project: Path) -> None:
    found = sorted((f.code, f.line) for f in analyze([project]).findings)
    # create_plain and delete_plain keep the default 200; so do the handlers that hand their
    # Response to a header helper or only set a cookie on it
    assert found == [("BK201", 31), ("BK201", 48), ("BK201", 54), ("BK202", 36)]


def test_unevaluable_status_stays_unknown_in_the_inventory(project: Path) -> None:
    codes = {r.path: r.status_code for r in analyze([project]).routes}
    assert codes["/limits"] is None
    assert codes["/plain"] is None
