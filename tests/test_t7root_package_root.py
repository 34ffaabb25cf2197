"""A package linted with no project marker (``pyproject.toml``, ``backendkit.toml``) at or
above it (a wheel's contents, a setup.py or requirements.txt project, ``backend/app/``): its
modules are named as Python imports them with the package's parent on ``sys.path``
(``mypkg.api.items``), so the package's absolute imports of itself resolve: routes keep their
app, prefix and include-level authentication (guardrails-api, chainlit). The package is the
project: the topmost package above the linted path is analysed whole, nothing beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from backendkit import analyze
from backendkit.cli import app as cli
from backendkit.config import CONFIG_FILES, find_project_root
from backendkit.discovery import module_name, root_package
from truth import imported_app

DEPS = """\
from fastapi import Depends, HTTPException
from fastapi.security import OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="token")


def current_user(token: str = Depends(oauth2)) -> str:
    if token != "ok":
        raise HTTPException(status_code=401)
    return token
"""

MAIN = """\
from fastapi import Depends, FastAPI

from mypkg.api.items import router
from mypkg.deps import current_user

app = FastAPI()
app.include_router(router, prefix="/api/v1", dependencies=[Depends(current_user)])


@app.get("/open")
def open_door() -> int:
    return 1
"""

ITEMS = """\
from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
def list_items() -> list[str]:
    return []
"""

FILES = {
    "mypkg/__init__.py": "",
    "mypkg/deps.py": DEPS,
    "mypkg/main.py": MAIN,
    "mypkg/api/__init__.py": "",
    "mypkg/api/items.py": ITEMS,
    "sibling/other.py": "from fastapi import FastAPI\n\nother = FastAPI()\n\n\n"
    '@other.get("/elsewhere")\ndef elsewhere() -> int:\n    return 1\n',
}
EXPECTED = [
    ("/api/v1/items", "mypkg.main:app", "mypkg.api.items:list_items", "required"),
    ("/open", "mypkg.main:app", "mypkg.main:open_door", "none"),
]


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """The directory holding ``mypkg/`` (and a sibling directory), with no marker above."""
    if any((d / name).is_file() for d in tmp_path.parents for name in CONFIG_FILES):
        pytest.skip("a project marker above the temporary directory")
    for rel, text in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path


def _routes(paths: list[Path]) -> list[tuple[str, str, str, str]]:
    result = analyze(paths, use_cache=False)
    return sorted((r.path, r.app, r.handler, r.auth) for r in result.routes)


def test_fastapi_serves_the_package(work: Path) -> None:
    with imported_app(work, "mypkg.main:app") as application:
        client = TestClient(application)
        assert client.get("/api/v1/items").status_code == 401
        assert client.get("/api/v1/items", headers={"Authorization": "Bearer ok"}).json() == []
        assert client.get("/items").status_code == 404
        assert client.get("/open").status_code == 200


@pytest.mark.parametrize("target", ["mypkg", "mypkg/api", "mypkg/api/items.py", "mypkg/main.py"])
def test_a_package_without_marker_is_named_from_its_parent(work: Path, target: str) -> None:
    assert _routes([work / target]) == EXPECTED


def test_findings_stay_on_the_linted_files(work: Path) -> None:
    whole = analyze([work / "mypkg"], select=["BK101"], use_cache=False)
    assert whole.root == (work / "mypkg").resolve()
    assert [(f.path, f.line) for f in whole.findings] == [("main.py", 10)]
    assert sorted(whole.files) == [
        "__init__.py",
        "api/__init__.py",
        "api/items.py",
        "deps.py",
        "main.py",
    ]
    one = analyze([work / "mypkg/api/items.py"], select=["BK101"], use_cache=False)
    assert one.findings == []


def test_a_directory_that_is_no_package_keeps_its_names(work: Path) -> None:
    """Linting the directory above the package: the root is that directory, as before."""
    assert find_project_root([work]) == work.resolve()
    routes = analyze([work], use_cache=False).routes
    assert sorted((r.path, r.app, r.file) for r in routes) == [
        ("/api/v1/items", "mypkg.main:app", "mypkg/api/items.py"),
        ("/elsewhere", "sibling.other:other", "sibling/other.py"),
        ("/open", "mypkg.main:app", "mypkg/main.py"),
    ]


def test_find_project_root_stops_at_the_topmost_package(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = (work / "mypkg").resolve()
    assert find_project_root([work / "mypkg/api/items.py"]) == package
    assert find_project_root([work / "mypkg/api"]) == package
    assert find_project_root([work / "mypkg/api", work / "mypkg/deps.py"]) == package
    assert find_project_root([work / "sibling/other.py"]) == (work / "sibling").resolve()
    monkeypatch.chdir(work / "mypkg/api")
    assert find_project_root([]) == package


def test_a_marker_still_wins(work: Path) -> None:
    """A ``pyproject.toml`` next to the package: the usual root, the same names."""
    (work / "pyproject.toml").write_text("", encoding="utf-8")
    assert find_project_root([work / "mypkg/api"]) == work.resolve()
    elsewhere = ("/elsewhere", "sibling.other:other", "sibling.other:elsewhere", "none")
    assert _routes([work / "mypkg"]) == sorted([*EXPECTED, elsewhere])


def test_a_marker_in_the_package_is_its_import_root(work: Path) -> None:
    """A project file inside the package directory makes it a project root of its own,
    whose modules are named from it (as before): no package name is added."""
    (work / "mypkg/pyproject.toml").write_text("", encoding="utf-8")
    assert root_package(work / "mypkg") == ()
    assert module_name(work / "mypkg", work / "mypkg/deps.py") == ("deps", False)


def test_module_names_under_a_package_root(work: Path) -> None:
    root = work / "mypkg"
    assert root_package(root) == ("mypkg",)
    assert root_package(root / "api") == ("mypkg", "api")
    assert root_package(work) == ()
    assert module_name(root, root / "__init__.py") == ("mypkg", True)
    assert module_name(root, root / "api/items.py") == ("mypkg.api.items", False)
    assert module_name(root / "api", root / "api/__init__.py") == ("mypkg.api", True)
    (root / "src").mkdir()
    (root / "src/__init__.py").write_text("", encoding="utf-8")
    # a subpackage named ``src`` is no src layout inside a package
    assert module_name(root, root / "src/x.py") == ("mypkg.src.x", False)


def test_cli_paths_and_cache(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Output paths stay relative to the working directory; the cache is the package's."""
    monkeypatch.chdir(work)
    result = CliRunner().invoke(cli, ["routes", "mypkg", "--format", "json"])
    assert result.exit_code == 0, result.output
    shown = sorted((r["path"], r["file"], r["auth"]) for r in json.loads(result.stdout))
    assert shown == [
        ("/api/v1/items", "mypkg/api/items.py", "required"),
        ("/open", "mypkg/main.py", "none"),
    ]
    # a subdirectory lists the routes declared under it (the whole package is analysed)
    under = CliRunner().invoke(cli, ["routes", "mypkg/api", "--format", "json"])
    assert [r["path"] for r in json.loads(under.stdout)] == ["/api/v1/items"]
    assert (work / "mypkg/.backendkit_cache").is_dir()
    assert not (work / "mypkg/api/.backendkit_cache").exists()
    lint = CliRunner().invoke(cli, ["lint", "mypkg", "--select", "BK101"])
    assert lint.output.splitlines()[0].startswith("mypkg/main.py:10:1: BK101")
