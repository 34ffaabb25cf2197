"""A mount point computed at run time and ending in '/' (aim's ``app.mount(f"{base_path}/",
api_app)``): Starlette's ``Mount`` strips the trailing '/', so the mounted app's routes are
served at ``{base_path}/status``, not ``{base_path}//status``. A route's own trailing '/'
stays."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

MAIN = """\
import os

from fastapi import APIRouter, FastAPI

api_app = FastAPI()
router = APIRouter()


@router.get("/connect")
def connect() -> int:
    return 1


api_app.include_router(router, prefix="/client")


@api_app.get("/status")
@api_app.get("/status/")
def status() -> int:
    return 1


app = FastAPI()
base_path = os.environ.get("BASE_PATH", "")
app.mount(f"{base_path}/v2//", api_app)
app.mount(f"{base_path}/", api_app)
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The aim-like project."""
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    return write_project(tmp_path_factory.mktemp("slash") / "p", files)


def test_runtime_mount_point_loses_its_trailing_slash(project: Path) -> None:
    paths = sorted(r.path for r in analyze([project]).routes if r.app == "app.main:app")
    assert paths == [
        "{?base_path}/client/connect",
        "{?base_path}/status",
        "{?base_path}/status/",
        "{?base_path}/v2/client/connect",
        "{?base_path}/v2/status",
        "{?base_path}/v2/status/",
    ]


@pytest.mark.parametrize("base", ["", "/aim"])
def test_fastapi_serves_the_stripped_paths(
    project: Path, base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BASE_PATH", base)
    with imported_app(project, "app.main:app") as application:
        assert [r.path for r in application.routes[-2:]] == [f"{base}/v2", base]
        client = TestClient(application)
        assert client.get(f"{base}/status").status_code == 200
        assert client.get(f"{base}/client/connect").status_code == 200
        assert client.get(f"{base}/v2/status/").status_code == 200
