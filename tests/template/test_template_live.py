"""Serve the default project with uvicorn on loopback and drive it as a real client:
REST auth flow, items, 401s and an MCP tool call over streamable HTTP."""

from __future__ import annotations

import asyncio
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tplkit import VenvCache, clean_env, explain, run

pytestmark = pytest.mark.slow
STARTUP_SECONDS = 60
PASSWORD = "live test password 123"


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_healthy(base_url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Poll /health for at most STARTUP_SECONDS; fail with the server log otherwise."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"server exited early:\n{log.read_text(encoding='utf-8')[-4000:]}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"server not healthy in time:\n{log.read_text(encoding='utf-8')[-4000:]}")


@pytest.fixture(scope="module")
def live_server(
    projects: dict[str, Path], venvs: VenvCache, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Migrate a fresh database and run uvicorn (production settings) until the tests end."""
    project = projects["default"]
    python = venvs.python_for(project)
    workdir = tmp_path_factory.mktemp("live")
    env = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'live.db'}",
    }
    migrated = run([str(python), "-m", "alembic", "upgrade", "head"], project, **env)
    assert migrated.returncode == 0, explain(migrated)
    port = free_port()
    log = workdir / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [
                str(python),
                "-m",
                "uvicorn",
                "app.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=project,
            env=clean_env(**env),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, server, log)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
    assert "live test password" not in log.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tokens(live_server: str) -> dict[str, str]:
    """Register and log in once against the live server."""
    with httpx.Client(base_url=live_server, timeout=10) as http:
        created = http.post(
            "/api/v1/auth/register", json={"email": "live@example.com", "password": PASSWORD}
        )
        assert created.status_code == 201, created.text
        login = http.post(
            "/api/v1/auth/login", data={"username": "live@example.com", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        pair: dict[str, str] = login.json()
    return pair


def test_rest_flow(live_server: str, tokens: dict[str, str]) -> None:
    with httpx.Client(base_url=live_server, timeout=10) as http:
        assert http.get("/health/ready").json() == {"status": "ok"}
        assert http.get("/api/v1/items").status_code == 401
        assert http.get("/docs").status_code == 404  # no docs in production
        refreshed = http.post(
            "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 200, refreshed.text
        headers = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
        created = http.post("/api/v1/items", json={"title": "live item"}, headers=headers)
        assert created.status_code == 201, created.text
        assert created.headers["x-content-type-options"] == "nosniff"
        listing = http.get("/api/v1/items", params={"limit": 10}, headers=headers)
        assert listing.status_code == 200
        assert [i["title"] for i in listing.json()["items"]] == ["live item"]
        me = http.get("/api/v1/users/me", headers=headers).json()
        assert "hashed_password" not in me


def test_mcp_over_streamable_http(live_server: str, tokens: dict[str, str]) -> None:
    mcp = pytest.importorskip("mcp")
    httpx2 = pytest.importorskip("httpx2")
    from mcp.client.streamable_http import streamable_http_client

    async def call() -> tuple[object, bool]:
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        async with httpx2.AsyncClient(headers=headers, timeout=10) as http:
            transport = streamable_http_client(f"{live_server}/mcp/", http_client=http)
            async with mcp.Client(transport) as client:
                created = await client.call_tool("create_item", {"title": "via mcp"})
                listed = await client.call_tool("list_items", {"q": "via"})
        return listed.structured_content, created.is_error

    listed, create_failed = asyncio.run(asyncio.wait_for(call(), timeout=60))
    assert not create_failed
    assert isinstance(listed, dict)
    assert [i["title"] for i in listed["items"]] == ["via mcp"]


def test_mcp_requires_a_token(live_server: str) -> None:
    response = httpx.post(
        f"{live_server}/mcp/",
        json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
        headers={"Accept": "application/json, text/event-stream"},
        timeout=10,
    )
    assert response.status_code == 401
