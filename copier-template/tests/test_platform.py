"""Health probes, security headers, request ids, CORS and the generic 500 handler."""

import httpx
import pytest
from fastapi import FastAPI

import app.api.routes.health as health_routes
from app.core.config import get_settings
from app.main import create_app

pytestmark = pytest.mark.anyio


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    assert (await client.get("/health/ready")).json() == {"status": "ok"}


async def test_readiness_reports_unavailable_database(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def down() -> bool:
        return False

    monkeypatch.setattr(health_routes, "ping_database", down)
    response = await client.get("/health/ready")
    assert response.status_code == 503


async def test_security_headers_and_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "max-age" in response.headers["strict-transport-security"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    generated = await client.get("/health", headers={"X-Request-ID": "bad id!"})
    assert len(generated.headers["x-request-id"]) == 32


async def test_docs_get_a_docs_csp(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    assert "cdn.jsdelivr.net" in response.headers["content-security-policy"]


async def test_cors_allows_only_configured_origins(client: httpx.AsyncClient) -> None:
    allowed = get_settings().cors_origins[0]
    preflight = {"Origin": allowed, "Access-Control-Request-Method": "GET"}
    response = await client.options("/api/v1/items", headers=preflight)
    assert response.headers["access-control-allow-origin"] == allowed
    evil = {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    response = await client.options("/api/v1/items", headers=evil)
    assert "access-control-allow-origin" not in response.headers


async def test_unhandled_errors_are_generic_500(caplog: pytest.LogCaptureFixture) -> None:
    application: FastAPI = create_app()

    @application.get("/boom")
    async def boom() -> None:
        raise RuntimeError("database password is hunter2")

    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/boom")
    assert response.status_code == 500
    assert response.json()["detail"] == "Internal Server Error"
    assert "hunter2" not in response.text
