"""Helpers for the template tests: git copies of the template, rendering, venvs, commands."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import copier

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_FILES = ("copier.yml", "copier-template")
PIP_FLAGS = ("-q", "--disable-pip-version-check")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "backendkit-tests",
    "GIT_AUTHOR_EMAIL": "tests@backendkit.invalid",
    "GIT_COMMITTER_NAME": "backendkit-tests",
    "GIT_COMMITTER_EMAIL": "tests@backendkit.invalid",
}

ANSWER_SETS: dict[str, dict[str, object]] = {
    "default": {},
    "postgres": {"database": "postgresql", "mcp": False, "project_name": "Pg Shop"},
    "minimal": {
        "mcp": False,
        "rate_limiting": False,
        "docker": False,
        "github_actions": False,
        "project_name": "Tiny",
    },
}


def git(cwd: Path, *args: str) -> str:
    """Run git quietly in ``cwd`` with a fixed identity; return stdout."""
    env = {**os.environ, **GIT_ENV}
    result = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def make_template_repo(dest: Path, tag: str | None = None) -> Path:
    """Copy the template into a fresh git repo at ``dest`` and commit (and tag) it."""
    dest.mkdir(parents=True)
    for name in TEMPLATE_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, dest / name)
    git(dest, "init", "-q")
    commit_all(dest, "template", tag)
    return dest


def commit_all(repo: Path, message: str, tag: str | None = None) -> None:
    """Commit everything in ``repo``; optionally tag the commit."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    if tag:
        git(repo, "tag", tag)


def render(template: Path, dest: Path, data: dict[str, object], vcs_ref: str = "HEAD") -> Path:
    """Render ``template`` with ``data`` (defaults for the rest) into ``dest``."""
    copier.run_copy(
        str(template), dest, data=data, defaults=True, unsafe=True, vcs_ref=vcs_ref, quiet=True
    )
    return dest


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for commands in a generated project (no leaking venv or settings)."""
    drop = {"VIRTUAL_ENV", "PYTHONPATH", "DATABASE_URL", "TEST_DATABASE_URL", "SECRET_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PYTEST")}
    env.update(extra)
    return env


def run(
    cmd: list[str], cwd: Path, timeout: float = 600, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing output; never raises on a non-zero exit."""
    return subprocess.run(
        cmd,
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def explain(result: subprocess.CompletedProcess[str]) -> str:
    """A compact failure message: the command and the tail of its output."""
    tail = (result.stdout + "\n" + result.stderr)[-6000:]
    return f"{' '.join(map(str, result.args))} exited {result.returncode}\n{tail}"


def project_requirements(project: Path) -> list[str]:
    """The runtime and dev requirements declared by a generated project's pyproject."""
    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    meta = data["project"]
    return sorted({*meta["dependencies"], *meta["optional-dependencies"]["dev"]})


def uv_command() -> list[str] | None:
    """How to call uv (much faster than pip) if it is installed, else None."""
    if os.environ.get("BACKENDKIT_TEMPLATE_INSTALLER") == "pip":
        return None
    found = shutil.which("uv")
    if found:
        return [found]
    probe = subprocess.run(
        [sys.executable, "-m", "uv", "--version"], capture_output=True, check=False
    )
    return [sys.executable, "-m", "uv"] if probe.returncode == 0 else None


@dataclass
class VenvCache:
    """Session cache of virtualenvs keyed by the requirement set they were built for."""

    root: Path

    def python_for(self, project: Path) -> Path:
        """Return a venv python with ``project``'s declared requirements installed."""
        requirements = project_requirements(project)
        key = hashlib.sha256("\n".join(requirements).encode()).hexdigest()[:12]
        venv = self.root / key
        python = venv / "bin" / "python"
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            self._build(venv, requirements)
            (venv / ".complete").write_text("\n".join(requirements), encoding="utf-8")
        return python

    @staticmethod
    def _build(venv: Path, requirements: list[str]) -> None:
        """Create ``venv`` and install ``requirements`` from PyPI (uv if present, else pip)."""
        uv = uv_command()
        python = str(venv / "bin" / "python")
        if uv:
            steps = [
                [*uv, "venv", "-q", "--python", sys.executable, str(venv)],
                [*uv, "pip", "install", "-q", "--python", python, *requirements],
            ]
        else:
            steps = [
                [sys.executable, "-m", "venv", str(venv)],
                [python, "-m", "pip", "install", *PIP_FLAGS, *requirements],
            ]
        for step in steps:
            result = run(step, cwd=venv.parent, timeout=900)
            if result.returncode != 0:
                raise RuntimeError(explain(result))
