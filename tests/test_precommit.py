"""The pre-commit hook (``.pre-commit-hooks.yaml``), exercised with ``pre-commit try-repo``.

``try-repo`` needs the hook repository to be a git repository with the hook file committed, so
the test copies what the wheel build needs into a temporary repository. pre-commit then builds
a virtualenv and installs backendkit and its dependencies into it, which takes about a minute.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import write_project

REPO = Path(__file__).resolve().parents[1]
HOOKS_FILE = REPO / ".pre-commit-hooks.yaml"
#: What ``pip install`` of the hook repository needs (hatch force-includes the last three).
BUILD_INPUTS = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src", "rules",
                "copier.yml", "copier-template")  # fmt: skip

DEPS = """\
from typing import Annotated

from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/login")


async def get_current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> str:
    return token


CurrentUser = Annotated[str, Depends(get_current_user)]
"""

ITEMS = """\
from fastapi import APIRouter

from app.deps import CurrentUser

router = APIRouter(prefix="/items")


@router.get("/")
async def list_items(user: CurrentUser, limit: int = 20) -> list[str]:
    return []
"""

NEW_ROUTE = """

@router.delete("/{item_id}", status_code=204)
async def delete_item(item_id: int) -> None:
    return None
"""

MAIN = """\
from fastapi import FastAPI

from app import items

app = FastAPI()
app.include_router(items.router)
"""


def test_hook_definition() -> None:
    hooks = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    (hook,) = hooks
    assert hook["id"] == "backendkit-lint"
    assert hook["name"] == "backendkit lint"
    assert hook["entry"] == "backendkit lint"
    assert hook["language"] == "python"
    assert hook["types"] == ["python"]
    assert hook["require_serial"] is True
    assert 0 < len(hook["description"]) <= 200


def git(cwd: Path, *args: str) -> None:
    """Run a git command in ``cwd`` with a fixed identity, failing the test on error."""
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env=git_env(),
    )


def git_env() -> dict[str, str]:
    """The environment for git and pre-commit: fixed identity, no user/system git config."""
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME="backendkit tests",
        GIT_AUTHOR_EMAIL="tests@example.com",
        GIT_COMMITTER_NAME="backendkit tests",
        GIT_COMMITTER_EMAIL="tests@example.com",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    return env


def hook_repository(dest: Path) -> Path:
    """A git repository holding a committed copy of this project's build inputs."""
    dest.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".backendkit_cache")
    for name in BUILD_INPUTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=ignore)
        else:
            shutil.copy2(source, dest / name)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "hook repository")
    return dest


def try_repo(project: Path, hook_repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """``pre-commit try-repo HOOK_REPO backendkit-lint`` on the staged files of ``project``."""
    env = git_env()
    env["PRE_COMMIT_HOME"] = str(home)
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "backendkit-lint",
         "--color", "never"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_try_repo_blocks_a_route_without_auth(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hook_repo = hook_repository(tmp_path / "hook-repo")
    project = write_project(
        tmp_path / "project",
        {"app/__init__.py": "", "app/deps.py": DEPS, "app/items.py": ITEMS, "app/main.py": MAIN},
    )
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "clean project")
    home = tmp_path / "pre-commit-home"

    items = project / "app" / "items.py"
    items.write_text(ITEMS + NEW_ROUTE, encoding="utf-8")
    git(project, "add", "app/items.py")
    failing = try_repo(project, hook_repo, home)
    output = failing.stdout + failing.stderr
    assert failing.returncode == 1, output
    assert "backendkit lint" in output
    assert "BK101" in output
    assert "app/items.py:13:1" in output
    assert "Traceback" not in output

    fixed = NEW_ROUTE.replace("item_id: int)", "item_id: int, user: CurrentUser)")
    items.write_text(ITEMS + fixed, encoding="utf-8")
    git(project, "add", "app/items.py")
    passing = try_repo(project, hook_repo, home)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "BK101" not in passing.stdout


def test_pinned_revisions_are_this_version() -> None:
    """The README's remote hook pins a commit until a release is published (a trial's
    ``rev: v0.1.0`` failed: no tag exists yet), naming the tag this version will have. A
    generated project runs the ``backendkit`` on PATH instead (a local hook: it works before
    any release is published, offline; ``tests/template`` runs it), so its config pins no
    revision."""
    from backendkit import __version__

    revs = [line.strip() for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines()]
    pinned = [rev for rev in revs if rev.startswith("rev:")]
    assert len(pinned) == 1
    assert pinned[0].startswith("rev: <commit>")
    assert f"(v{__version__})" in pinned[0]
    template = REPO / "copier-template" / ".pre-commit-config.yaml.jinja"
    text = template.read_text(encoding="utf-8")
    assert "rev:" not in text
    assert "entry: backendkit lint" in text
