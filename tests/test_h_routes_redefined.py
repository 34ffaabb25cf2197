"""A handler name used twice in a module: each decorator registers its route when its ``def``
runs, so FastAPI serves both. The per-file summary keeps the earlier definition
(``Scope.shadowed``) and the app model registers its route too."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import engine_triples, fastapi_truth

MAIN = """\
from fastapi import APIRouter, FastAPI

router = APIRouter(prefix="/api/v1/files")


@router.get("/{id}/content")
async def get_file_content_by_id(id: str) -> bytes:
    return b""


@router.get("/{id}/content/{file_name}")
async def get_file_content_by_id(id: str, file_name: str) -> bytes:  # noqa: F811
    return b""


app = FastAPI()
app.include_router(router)
"""


def test_both_definitions_register_their_route(tmp_path: Path) -> None:
    """Both routes, as FastAPI serves them, each with its own BK101."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = analyze([root])
    engine = engine_triples(result.routes, "app.main:app")
    assert engine == fastapi_truth(root, "app.main:app")
    assert engine == {
        ("GET", "/api/v1/files/{id}/content", False),
        ("GET", "/api/v1/files/{id}/content/{file_name}", False),
    }
    assert sorted(f.line for f in result.findings if f.code == "BK101") == [6, 11]
