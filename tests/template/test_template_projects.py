"""Each generated project installs from PyPI and passes its own tests, ruff, mypy and
migrations (slow: one virtualenv per requirement set, cached for the session)."""

from __future__ import annotations

import json
import shutil
import sys
import uuid
from pathlib import Path

import pytest
from tplkit import VenvCache, explain, run

pytestmark = pytest.mark.slow
NAMES = ["default", "postgres", "minimal"]


def asyncpg_url(dsn: str, database: str | None = None) -> str:
    """Turn the libpq DSN from scripts/postgres.sh into an asyncpg SQLAlchemy URL."""
    url = dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    if database:
        url = url.rsplit("/", 1)[0] + f"/{database}"
    return url


@pytest.fixture(scope="module")
def pg_dsn(request: pytest.FixtureRequest) -> str:
    """The PostgreSQL DSN, resolved lazily so sqlite-only runs never start a server."""
    return str(request.getfixturevalue("postgres_dsn"))


def project_python(projects: dict[str, Path], venvs: VenvCache, name: str) -> tuple[Path, Path]:
    """The project directory and a python with its requirements installed."""
    project = projects[name]
    return project, venvs.python_for(project)


@pytest.mark.parametrize("name", NAMES)
def test_project_test_suite_passes(
    projects: dict[str, Path], venvs: VenvCache, name: str, request: pytest.FixtureRequest
) -> None:
    project, python = project_python(projects, venvs, name)
    env = {}
    if name == "postgres":
        env["TEST_DATABASE_URL"] = asyncpg_url(request.getfixturevalue("pg_dsn"))
    result = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, **env)
    assert result.returncode == 0, explain(result)
    assert "Required test coverage of 90% reached" in result.stdout


@pytest.mark.parametrize("name", NAMES)
def test_project_passes_ruff(projects: dict[str, Path], venvs: VenvCache, name: str) -> None:
    project, python = project_python(projects, venvs, name)
    check = run([str(python), "-m", "ruff", "check", "--no-cache", "."], project)
    assert check.returncode == 0, explain(check)
    fmt = run([str(python), "-m", "ruff", "format", "--check", "--no-cache", "."], project)
    assert fmt.returncode == 0, explain(fmt)


@pytest.mark.parametrize("name", NAMES)
def test_project_passes_mypy(projects: dict[str, Path], venvs: VenvCache, name: str) -> None:
    project, python = project_python(projects, venvs, name)
    result = run([str(python), "-m", "mypy", "app", "tests"], project)
    assert result.returncode == 0, explain(result)


@pytest.mark.parametrize("name", ["default", "minimal"])
def test_alembic_upgrade_on_fresh_sqlite(
    projects: dict[str, Path], venvs: VenvCache, name: str, tmp_path: Path
) -> None:
    project, python = project_python(projects, venvs, name)
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    result = run([str(python), "-m", "alembic", "upgrade", "head"], project, DATABASE_URL=url)
    assert result.returncode == 0, explain(result)
    assert "Running upgrade  -> 0001" in result.stderr


def test_alembic_upgrade_on_fresh_postgres(
    projects: dict[str, Path], venvs: VenvCache, pg_dsn: str
) -> None:
    project, python = project_python(projects, venvs, "postgres")
    psql = shutil.which("psql")
    if psql is None:
        pytest.skip("psql is not installed")
    database = f"migrate_{uuid.uuid4().hex[:8]}"
    created = run([psql, pg_dsn, "-c", f'CREATE DATABASE "{database}"'], project)
    assert created.returncode == 0, explain(created)
    try:
        url = asyncpg_url(pg_dsn, database)
        result = run([str(python), "-m", "alembic", "upgrade", "head"], project, DATABASE_URL=url)
        assert result.returncode == 0, explain(result)
        down = run([str(python), "-m", "alembic", "downgrade", "base"], project, DATABASE_URL=url)
        assert down.returncode == 0, explain(down)
    finally:
        run([psql, pg_dsn, "-c", f'DROP DATABASE IF EXISTS "{database}"'], project)


def test_production_refuses_to_start_without_secret(
    projects: dict[str, Path], venvs: VenvCache
) -> None:
    project, python = project_python(projects, venvs, "default")
    for secret in (None, "change-me"):
        env = {"ENVIRONMENT": "production"}
        if secret:
            env["SECRET_KEY"] = secret
        result = run([str(python), "-c", "import app.main"], project, **env)
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr


def test_default_project_builds_a_wheel(projects: dict[str, Path], tmp_path: Path) -> None:
    project = projects["default"]
    copy = tmp_path / "src"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".*cache*", "__pycache__"))
    result = run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), "."], copy
    )
    assert result.returncode == 0, explain(result)
    assert list(tmp_path.glob("my_api-0.1.0-*.whl"))


@pytest.mark.needs_engine
@pytest.mark.parametrize("name", NAMES)
def test_backendkit_lint_is_clean(projects: dict[str, Path], name: str) -> None:
    result = run([sys.executable, "-m", "backendkit", "lint", str(projects[name])], projects[name])
    assert result.returncode == 0, explain(result)


@pytest.mark.needs_engine
def test_architecture_contracts_guard_the_generated_layers(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    """The contracts in the generated pyproject.toml hold, and catch a model importing the API
    layer and a service importing FastAPI."""
    project = tmp_path / "p"
    shutil.copytree(projects["default"], project, ignore=shutil.ignore_patterns(".*cache*"))
    model = project / "app" / "models" / "item.py"
    model.write_text("from app.api import deps  # noqa: F401\n" + model.read_text())
    service = project / "app" / "services" / "items.py"
    service.write_text("import fastapi  # noqa: F401\n" + service.read_text())
    result = run(
        [sys.executable, "-m", "backendkit", "lint", str(project), "--select", "BK502,BK503"],
        project,
    )
    assert result.returncode == 1, explain(result)
    found = sorted(
        line.split(" ")[1] + " " + line.split(":")[0]
        for line in result.stdout.splitlines()
        if " BK50" in line
    )
    assert found == [
        "BK502 app/models/item.py",
        "BK503 app/models/item.py",
        "BK503 app/services/items.py",
    ], result.stdout


def unauthenticated_private_routes(routes: list[dict[str, object]]) -> list[dict[str, object]]:
    """Non-public HTTP routes without required auth.

    Mounted ASGI apps are opaque to static analysis; the only one, /mcp, enforces the same
    JWTs through the MCP SDK's bearer middleware (its 401 is checked in test_template_live).
    """
    return [
        route
        for route in routes
        if route.get("kind") != "mount" and not route["public"] and route["auth"] != "required"
    ]


@pytest.mark.needs_engine
@pytest.mark.parametrize("name", NAMES)
def test_every_private_route_is_authenticated(projects: dict[str, Path], name: str) -> None:
    project = projects[name]
    result = run(
        [sys.executable, "-m", "backendkit", "routes", str(project), "--format", "json"], project
    )
    assert result.returncode == 0, explain(result)
    routes = json.loads(result.stdout)
    paths = {route["path"] for route in routes}
    assert {"/api/v1/items", "/api/v1/users/me", "/api/v1/auth/login", "/health"} <= paths
    assert unauthenticated_private_routes(routes) == []
    mounts = {route["path"] for route in routes if route.get("kind") == "mount"}
    assert mounts <= {"/mcp"}
    assert "/api/v1/items" not in {route["path"] for route in routes if route["public"]}


@pytest.mark.needs_engine
def test_pre_commit_hooks_run_offline(
    projects: dict[str, Path], venvs: VenvCache, tmp_path: Path
) -> None:
    """The generated pre-commit config installs nothing (every hook is the venv's or PATH's
    tool), passes on the fresh project, and its backendkit hook fails a staged wildcard CORS."""
    project = tmp_path / "project"
    shutil.copytree(projects["default"], project)
    python = venvs.python_for(projects["default"])
    path = f"{python.parent}:{Path(sys.executable).parent}:/usr/bin:/bin"
    env = {"PATH": path, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    assert run(["git", "init", "-q"], project).returncode == 0
    assert run(["git", "add", "-A"], project).returncode == 0
    pre_commit = [str(python.parent / "pre-commit"), "run"]
    result = run([*pre_commit, "--all-files"], project, **env)
    assert result.returncode == 0, explain(result)
    assert "backendkit lint" in result.stdout
    bad = project / "app" / "cors_bad.py"
    bad.write_text(
        "from fastapi import FastAPI\n"
        "from fastapi.middleware.cors import CORSMiddleware\n\n"
        "extra = FastAPI()\n"
        'extra.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n',
        encoding="utf-8",
    )
    assert run(["git", "add", "-A"], project).returncode == 0
    result = run([*pre_commit, "backendkit-lint", "--files", "app/cors_bad.py"], project, **env)
    assert result.returncode == 1, explain(result)
    assert "BK103" in result.stdout
