"""``backendkit graph --kind routes`` and ``--format html``: each endpoint with the dependencies
FastAPI resolves for it (from parameters, routers, includes and apps), and the interactive page."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import write_project

APP = {
    "app/__init__.py": "",
    "app/db.py": "def get_db():\n    yield 'session'\n",
    "app/deps.py": (
        "from typing import Annotated\n\n"
        "from fastapi import Depends\n"
        "from fastapi.security import OAuth2PasswordBearer\n\n"
        "from app.db import get_db\n\n"
        "oauth2 = OAuth2PasswordBearer(tokenUrl='token')\n\n\n"
        "def get_current_user(token: Annotated[str, Depends(oauth2)], db=Depends(get_db)):\n"
        "    return token\n\n\n"
        "CurrentUser = Annotated[str, Depends(get_current_user)]\n\n\n"
        "def audit():\n    return None\n"
    ),
    "app/items.py": (
        "from fastapi import APIRouter\n\n"
        "from app.deps import CurrentUser\n\n"
        "router = APIRouter(prefix='/items')\n\n\n"
        "@router.get('/')\n"
        "def list_items(user: CurrentUser) -> list[str]:\n    return []\n\n\n"
        "@router.websocket('/ws')\n"
        "async def feed(websocket) -> None:\n    return None\n"
    ),
    "app/admin.py": (
        "from fastapi import APIRouter\n\n"
        "router = APIRouter()\n\n\n"
        "@router.post('/purge', status_code=204)\n"
        "def purge() -> None:\n    return None\n"
    ),
    "app/main.py": (
        "from fastapi import Depends, FastAPI\n\n"
        "from app import admin, items\n"
        "from app.deps import audit, get_current_user\n\n"
        "app = FastAPI(dependencies=[Depends(audit)])\n"
        "app.include_router(items.router)\n"
        "app.include_router(admin.router, prefix='/admin', "
        "dependencies=[Depends(get_current_user)])\n\n\n"
        "@app.get('/health')\n"
        "def health() -> dict[str, str]:\n    return {}\n"
    ),
}


def graph(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backendkit", "graph", str(root), "--kind", "routes", *args],
        capture_output=True,
        text=True,
        cwd=root,
        check=False,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("routes") / "p", APP)


def edges(root: Path, *args: str) -> set[tuple[str, str]]:
    result = graph(root, "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return {(e["source"], e["target"]) for e in data["edges"]}


def test_routes_with_dependencies_from_params_includes_and_app(project: Path) -> None:
    found = edges(project)
    assert found == {
        ("GET /items/", "app.deps.audit"),  # FastAPI(dependencies=...)
        ("GET /items/", "app.deps.get_current_user"),  # CurrentUser alias in another module
        ("WS /items/ws", "app.deps.audit"),
        ("POST /admin/purge", "app.deps.audit"),
        ("POST /admin/purge", "app.deps.get_current_user"),  # include_router(dependencies=)
        ("GET /health", "app.deps.audit"),
        ("app.deps.get_current_user", "app.db.get_db"),  # sub-dependency
    }


@pytest.mark.parametrize(
    "name", ["get_current_user", "deps:get_current_user", "app.deps:get_current_user"]
)
def test_focus_on_a_dependency_keeps_its_users(project: Path, name: str) -> None:
    """Bare, or as ``backendkit routes --format json`` prints a dependency."""
    found = edges(project, "--focus", name)
    assert found == {
        ("GET /items/", "app.deps.get_current_user"),
        ("POST /admin/purge", "app.deps.get_current_user"),
        ("app.deps.get_current_user", "app.db.get_db"),
    }


def test_focus_on_a_path(project: Path) -> None:
    assert edges(project, "--focus", "/admin/purge") == {
        ("POST /admin/purge", "app.deps.audit"),
        ("POST /admin/purge", "app.deps.get_current_user"),
        ("app.deps.get_current_user", "app.db.get_db"),
    }
    assert edges(project, "--focus", "/admin") == edges(project, "--focus", "/admin/purge")
    under_items = edges(project, "--focus", "/items")  # /items/ and /items/ws
    assert edges(project, "--focus", "/items/") < under_items
    assert ("WS /items/ws", "app.deps.audit") in under_items
    missing = graph(project, "--focus", "/nowhere")
    assert missing.returncode == 2
    assert "no route path, handler or dependency" in missing.stderr
    assert "give a path such as /admin/purge, /health, /items/," in missing.stderr
    assert "a handler such as items:list_items" in missing.stderr
    assert "Traceback" not in missing.stderr


@pytest.mark.parametrize("name", ["purge", "admin:purge", "app.admin:purge", "app.admin.purge"])
def test_focus_on_a_handler_as_routes_names_it(project: Path, name: str) -> None:
    """The handler forms ``backendkit routes`` prints (``admin:purge``), bare and in full."""
    assert edges(project, "--focus", name) == {
        ("POST /admin/purge", "app.deps.audit"),
        ("POST /admin/purge", "app.deps.get_current_user"),
        ("app.deps.get_current_user", "app.db.get_db"),
    }


def test_mermaid_and_dot_quote_paths(project: Path) -> None:
    mermaid = graph(project, "--format", "mermaid").stdout
    assert '["POST /admin/purge"]' in mermaid
    assert "-.->" in mermaid  # framework edges are dashed
    dot = graph(project, "--format", "dot").stdout
    assert '"GET /items/" -> "app.deps.get_current_user" [style=dashed];' in dot


@pytest.mark.parametrize("kind", ["imports", "calls", "routes"])
def test_html_page_is_self_contained(project: Path, kind: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "backendkit", "graph", str(project), "-k", kind, "-f", "html"],
        capture_output=True,
        text=True,
        cwd=project,
        check=True,
    )
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in page  # nothing loaded from anywhere
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page
    marker = '<script type="application/json" id="graph-data">'
    start = page.index(marker) + len(marker)
    data = json.loads(page[start : page.index("</script>", start)])
    names = {node["name"] for node in data["nodes"]}
    expected = {
        "imports": "app.deps",
        "calls": "app.deps.get_current_user",
        "routes": "POST /admin/purge",
    }[kind]
    assert expected in names
    assert data["words"]["units"]
    assert page.count('class="node') == len(data["nodes"])


def test_html_escapes_names(tmp_path: Path) -> None:
    hostile = dict(APP)
    hostile["app/admin.py"] = APP["app/admin.py"].replace("'/purge'", "'/</script><b>x'")
    root = write_project(tmp_path / "p", hostile)
    page = graph(root, "-f", "html").stdout
    assert "</script><b>" not in page
    assert "&lt;/script&gt;&lt;b&gt;x" in page


def test_routes_page_in_a_browser(project: Path, tmp_path: Path) -> None:
    """The routes page in headless chromium: no console errors, every node drawn, clicking a
    dependency lists the routes that use it, search finds a route."""
    from test_report_browser import ARGS, CHROMIUM, _unavailable

    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    page_file = tmp_path / "routes.html"
    page_file.write_text(graph(project, "-f", "html").stdout, encoding="utf-8")
    problems: list[str] = []
    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        page = context.new_page()
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        assert page.locator("#nodes .node").count() == 7  # 4 routes, 3 dependencies
        page.click('[data-name="app.deps.get_current_user"]')
        users = page.locator("#graph-info .edges-in li").all_inner_texts()
        assert sorted(users) == ["GET /items/", "POST /admin/purge"]
        assert page.locator("#graph-info .edges-out li").all_inner_texts() == ["app.db.get_db"]
        page.fill("#graph-search", "purge")
        assert page.locator("#nodes .node.match").count() == 1
        context.close()
    assert problems == []
