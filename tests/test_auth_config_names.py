"""BK005 for ``auth-dependencies`` names that point into the project at nothing: a typo there
would leave the routes it guards reported as open, with the user sure they configured it."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project

FILES = {
    "shop/__init__.py": "",
    "shop/api/__init__.py": "",
    "shop/api/deps.py": (
        "from fastapi import Header, HTTPException\n\n\n"
        "def verify_api_key(x_key: str = Header()) -> None:\n"
        "    if x_key != 'k':\n        raise HTTPException(401)\n"
    ),
    "shop/main.py": (
        "from fastapi import APIRouter, Depends, FastAPI\n\n"
        "from shop.api.deps import verify_api_key\n\n"
        "router = APIRouter(dependencies=[Depends(verify_api_key)])\n\n\n"
        "@router.get('/items')\ndef items() -> list[int]:\n    return []\n\n\n"
        "app = FastAPI()\napp.include_router(router)\n"
    ),
}


def _codes(tmp_path: Path, name: str) -> list[tuple[str, str, int, str]]:
    options = {"auth": {"auth-dependencies": [name]}}
    root = write_project(tmp_path / "p", FILES, options, select=["BK101"])
    found = [(f.code, f.path, f.line, f.message) for f in analyze([root]).findings]
    return sorted(found, key=lambda item: item[0], reverse=True)  # BK101 first


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("shop.api.deps.verify_api_kye", "shop.api.deps has no verify_api_kye"),
        ("shop.api.deps:verify_api_kye", "shop.api.deps has no verify_api_kye"),
        ("shop.api.dep.verify_api_key", "the project has no module shop.api.dep"),
    ],
)
def test_a_typo_is_reported_at_its_line(tmp_path: Path, name: str, problem: str) -> None:
    found = _codes(tmp_path, name)
    assert [(code, path) for code, path, _line, _m in found] == [
        ("BK101", "shop/main.py"),
        ("BK005", "pyproject.toml"),
    ]
    _code, _path, line, message = found[1]
    lines = (tmp_path / "p" / "pyproject.toml").read_text(encoding="utf-8").splitlines()
    assert name in lines[line - 1]
    assert problem in message


@pytest.mark.parametrize(
    "name",
    ["shop.api.deps.verify_api_key", "shop.api.deps:verify_api_key", "verify_api_key"],
)
def test_a_right_name_protects_the_route(tmp_path: Path, name: str) -> None:
    assert _codes(tmp_path, name) == []


def test_names_outside_the_project_cannot_be_checked(tmp_path: Path) -> None:
    """A library's dependency, or a bare name: nothing to compare with, nothing reported but
    the open route."""
    for name in ("fastapi_users.current_active_user", "current_active_user"):
        assert [code for code, *_rest in _codes(tmp_path / name, name)] == ["BK101"]
