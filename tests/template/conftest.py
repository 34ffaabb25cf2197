"""Session fixtures for the template tests: one git copy of the template, rendered
projects per answer set and cached virtualenvs (built once per requirement set)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tplkit import ANSWER_SETS, REPO_ROOT, VenvCache, make_template_repo, render

POSTGRES_SCRIPT = REPO_ROOT / "scripts" / "postgres.sh"


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The current template (committed working tree) in a throwaway git repository."""
    return make_template_repo(tmp_path_factory.mktemp("template") / "repo")


@pytest.fixture(scope="session")
def venvs(tmp_path_factory: pytest.TempPathFactory) -> VenvCache:
    """Virtualenvs shared by every project that declares the same requirements."""
    return VenvCache(tmp_path_factory.mktemp("venvs"))


@pytest.fixture(scope="session")
def projects(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each answer set rendered once per session."""
    root = tmp_path_factory.mktemp("projects")
    return {name: render(template_repo, root / name, data) for name, data in ANSWER_SETS.items()}


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    """A loopback PostgreSQL server from scripts/postgres.sh (skip if it cannot start)."""
    if shutil.which("bash") is None:
        pytest.skip("bash is needed for scripts/postgres.sh")
    try:
        result = subprocess.run(
            ["bash", str(POSTGRES_SCRIPT)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("scripts/postgres.sh timed out starting PostgreSQL")
    if result.returncode != 0:
        pytest.skip(f"scripts/postgres.sh failed, no PostgreSQL: {result.stderr.strip()[-500:]}")
    return result.stdout.strip().splitlines()[-1]


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker for tests that need the analyser engine (harmless if duplicated)."""
    config.addinivalue_line(
        "markers", "needs_engine: needs backendkit's lint/routes engine (being built)"
    )
