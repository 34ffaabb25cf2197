"""Fast checks of the Copier template: questions, validation and the rendered tree."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tplkit import REPO_ROOT, render

MAX_LINES = 500


def test_copier_yml_shape() -> None:
    config = yaml.safe_load((REPO_ROOT / "copier.yml").read_text(encoding="utf-8"))
    assert config["_subdirectory"] == "copier-template"
    assert "_tasks" not in config  # nothing is executed on the user's machine
    expected = {
        "project_name",
        "project_slug",
        "description",
        "author",
        "python_version",
        "database",
        "mcp",
        "rate_limiting",
        "docker",
        "github_actions",
        "cors_origins",
    }
    assert expected <= config.keys()
    assert not any("secret" in key.lower() or "password" in key.lower() for key in config)


def test_default_render(projects: dict[str, Path]) -> None:
    project = projects["default"]
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["project_slug"] == "my_api"
    assert answers["database"] == "sqlite"
    assert answers["cors_origins"] == ["http://localhost:5173"]
    assert "_commit" in answers
    assert "_src_path" in answers
    for name in [
        "app/api/deps.py",
        "app/mcp_server.py",
        "app/core/ratelimit.py",
        "Dockerfile",
        "compose.yaml",
        ".github/workflows/ci.yml",
        ".env.example",
        "migrations/versions/0001_initial.py",
        ".pre-commit-config.yaml",
    ]:
        assert (project / name).is_file(), name
    assert not (project / ".env").exists()
    assert ".env" in (project / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_minimal_render_drops_optional_parts(projects: dict[str, Path]) -> None:
    project = projects["minimal"]
    for name in [
        "app/mcp_server.py",
        "app/core/ratelimit.py",
        "tests/test_mcp.py",
        "Dockerfile",
        "compose.yaml",
        ".dockerignore",
        ".github/workflows/ci.yml",
    ]:
        assert not (project / name).exists(), name
    pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert '"mcp' not in pyproject
    assert "mcp_server" not in pyproject  # nor in the layers contract (a third trial)
    errors = (project / "app/services/errors.py").read_text(encoding="utf-8")
    assert "MCP" not in errors
    assert "rate_limit" not in (project / ".env.example").read_text(encoding="utf-8").lower()


def test_postgres_render(projects: dict[str, Path]) -> None:
    project = projects["postgres"]
    assert "asyncpg" in (project / "pyproject.toml").read_text(encoding="utf-8")
    env_example = (project / ".env.example").read_text(encoding="utf-8")
    assert "DATABASE_URL=postgresql+asyncpg://pg_shop@localhost:5432/pg_shop" in env_example
    assert "services:\n      postgres:" in (project / ".github/workflows/ci.yml").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("name", ["default", "postgres", "minimal"])
def test_python_files_are_small_valid_and_documented(projects: dict[str, Path], name: str) -> None:
    for path in (projects[name]).rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert len(source.splitlines()) < MAX_LINES, path
        tree = ast.parse(source, filename=str(path))
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(tree):
            public = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not (
                node.name.startswith("_") or node.col_offset
            )
            if public:
                assert ast.get_docstring(node), f"{path}:{node.lineno} {node.name}"


def documented_variables(env_example: Path) -> set[str]:
    """Variable names assigned in an ``.env.example``."""
    lines = env_example.read_text(encoding="utf-8").splitlines()
    return {line.split("=", 1)[0] for line in lines if "=" in line and not line.startswith("#")}


def settings_fields(config_py: Path) -> set[str]:
    """Upper-cased field names of the ``Settings`` class in a generated config module."""
    tree = ast.parse(config_py.read_text(encoding="utf-8"))
    settings = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Settings")
    targets = [n.target for n in settings.body if isinstance(n, ast.AnnAssign)]
    return {t.id.upper() for t in targets if isinstance(t, ast.Name)}


@pytest.mark.parametrize("name", ["default", "postgres", "minimal"])
def test_env_example_documents_every_setting(projects: dict[str, Path], name: str) -> None:
    project = projects[name]
    fields = settings_fields(project / "app/core/config.py")
    assert "SECRET_KEY" in fields
    assert fields - {"MODEL_CONFIG", "PROJECT_NAME"} <= documented_variables(
        project / ".env.example"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"project_slug": "1bad"}, "project_slug"),
        ({"project_slug": "has-dash"}, "project_slug"),
        ({"cors_origins": ["*"]}, "never"),
        ({"cors_origins": ["https://*.example.com"]}, "never"),
        ({"cors_origins": "http://localhost:3000"}, "list"),
        ({"cors_origins": ["http://localhost:3000/path"]}, "http(s)://host"),
        ({"project_name": "  "}, "project_name"),
        ({"project_name": 'My "Best" API'}, "double quotes"),
        ({"project_name": "Tools\\"}, "backslashes"),
    ],
)
def test_invalid_answers_are_refused(
    template_repo: Path, tmp_path: Path, data: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match="Validation error") as excinfo:
        render(template_repo, tmp_path / "out", data)
    assert message in str(excinfo.value)


def test_slug_is_derived_from_name(template_repo: Path, tmp_path: Path) -> None:
    project = render(template_repo, tmp_path / "out", {"project_name": "Acme Shop API!"})
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["project_slug"] == "acme_shop_api"


@pytest.mark.parametrize("name", ["default", "postgres", "minimal"])
def test_yaml_files_parse(projects: dict[str, Path], name: str) -> None:
    for path in [*projects[name].rglob("*.yml"), *projects[name].rglob("*.yaml")]:
        assert yaml.safe_load(path.read_text(encoding="utf-8")) is not None, path


@pytest.mark.parametrize("version", ["3.12", "3.13"])
def test_newer_python_targets_lint_clean(template_repo: Path, tmp_path: Path, version: str) -> None:
    project = render(template_repo, tmp_path / "out", {"python_version": version})
    pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert f'requires-python = ">={version}"' in pyproject
    assert f"FROM python:{version}-slim" in (project / "Dockerfile").read_text(encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


ORIGINS = [
    "https://app.example.com",
    "http://localhost:3000",
    "https://admin.example.com",
    "https://staging.example.com",
]


@pytest.mark.parametrize("count", [1, 2, 4])
def test_any_origin_list_renders_ruff_formatted(
    template_repo: Path, tmp_path: Path, count: int
) -> None:
    """One line, a wrapped call or one origin per line: whatever fits, as ruff formats it."""
    data = {"cors_origins": ORIGINS[:count], "project_name": "Bob's API"}
    project = render(template_repo, tmp_path / "out", data)
    config = project / "app" / "core" / "config.py"
    assert all(origin in config.read_text(encoding="utf-8") for origin in ORIGINS[:count])
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", str(config)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
