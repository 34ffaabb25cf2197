"""Projects inside projects: a uv workspace or monorepo root analyses each member as a project
of its own (its own module names and configuration), and reports paths from the root."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

DEPS = """\
from typing import Annotated

from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token")


def get_user(token: Annotated[str, Depends(oauth2)]) -> str:
    return token


CurrentUser = Annotated[str, Depends(get_user)]
"""

MAIN = """\
from fastapi import APIRouter, FastAPI

from app.deps import CurrentUser

router = APIRouter(prefix="/items")


@router.get("/{item_id}")
def read_item(item_id: int, user: CurrentUser) -> int:
    return item_id


@router.delete("/{item_id}", status_code=204)
def delete_item(item_id: int) -> None:
    return None


app = FastAPI()
app.include_router(router, prefix="/api/v1")
"""


def _workspace(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "ws", {"README.md": "workspace\n"})
    (root / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["backend"]\n')
    write_project(
        root / "backend", {"app/__init__.py": "", "app/deps.py": DEPS, "app/main.py": MAIN}
    )
    return root


def test_workspace_root_analyses_members_as_projects(tmp_path: Path) -> None:
    """From the workspace root: member module names resolve, paths are relative to the root."""
    root = _workspace(tmp_path)
    result = analyze([root])
    assert [(f.code, f.path) for f in result.findings] == [("BK101", "backend/app/main.py")]
    routes = sorted((r.methods[0], r.path, r.auth) for r in result.routes)
    assert routes == [
        ("DELETE", "/api/v1/items/{item_id}", "none"),
        ("GET", "/api/v1/items/{item_id}", "required"),
    ]
    assert {r.file for r in result.routes} == {"backend/app/main.py"}


def test_member_directory_and_member_file_agree(tmp_path: Path) -> None:
    """Linting the member, or one of its files, gives the same finding as from the root."""
    root = _workspace(tmp_path)
    member = analyze([root / "backend"])
    single = analyze([root / "backend" / "app" / "main.py"])
    assert [(f.code, f.path, f.line) for f in member.findings] == [("BK101", "app/main.py", 13)]
    assert [(f.code, f.line) for f in single.findings] == [("BK101", 13)]


def test_excluded_nested_project_is_not_analysed(tmp_path: Path) -> None:
    """A nested project the parent excludes stays out."""
    root = _workspace(tmp_path)
    (root / "pyproject.toml").write_text('[tool.backendkit]\nextend-exclude = ["backend"]\n')
    assert analyze([root]).findings == []
