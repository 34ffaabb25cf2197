"""Session fixtures for the template tests: one git copy of the template, rendered
projects per answer set and cached virtualenvs (built once per requirement set)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Make the helper module importable under any --import-mode.
sys.path.insert(0, str(Path(__file__).resolve().parent))

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
def postgres_dsn() -> Iterator[str]:
    """A database of its own on the loopback PostgreSQL server from scripts/postgres.sh.

    Skips (with the script's error) only when the server cannot be started.
    """
    if shutil.which("bash") is None:
        pytest.skip("bash is needed for scripts/postgres.sh")
    database = f"backendkit_test_{os.getpid()}"
    try:
        result = subprocess.run(
            ["bash", str(POSTGRES_SCRIPT)],
            env={**os.environ, "BACKENDKIT_PG_DB": database},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("scripts/postgres.sh timed out starting PostgreSQL")
    if result.returncode != 0:
        pytest.skip(f"scripts/postgres.sh failed, no PostgreSQL: {result.stderr.strip()[-500:]}")
    dsn = result.stdout.strip().splitlines()[-1]
    yield dsn
    psql = shutil.which("psql")
    if psql:
        admin_dsn = dsn.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(
            [psql, admin_dsn, "-c", f'DROP DATABASE IF EXISTS "{database}"'],
            capture_output=True,
            check=False,
            timeout=60,
        )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker for tests that need the analyser engine (harmless if duplicated)."""
    config.addinivalue_line(
        "markers", "needs_engine: needs backendkit's lint/routes engine (being built)"
    )
