"""BK101's public-by-convention rule: probe and docs endpoints are public for GET/HEAD as the
last path segment, authentication endpoints for GET/POST, the root path for GET/HEAD; and the
route outputs say why a route is public."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.commands import run_routes
from backendkit.project.conventions import conventional_segment
from helpers import write_project

#: the trial's business routes that only looked conventional, next to true conventional ones
MAIN = """\
from fastapi import APIRouter, FastAPI

app = FastAPI()
docs = APIRouter(prefix="/docs", tags=["documents"])


@docs.get("")
def list_docs(limit: int = 10) -> list[dict]:
    return []


@docs.delete("/{doc_id}", status_code=204)
def delete_doc(doc_id: int) -> None: ...


@docs.post("/upload", status_code=201)
def upload_doc() -> dict:
    return {}


app.include_router(docs, prefix="/api/v1")


@app.get("/api/v1/health/records/{patient_id}")
def patient_health_records(patient_id: int) -> dict:
    return {}


@app.delete("/api/v1/health/records", status_code=204)
def purge_health_records() -> None: ...


@app.get("/")
def root() -> dict:
    return {}


@app.post("/")
def root_post() -> dict:
    return {}


@app.get("/api/v1/utils/health-check/")
def health_check() -> bool:
    return True


@app.post("/api/v1/login/access-token")
def login_access_token() -> dict:
    return {}


@app.post("/api/v1/password-recovery/{email}")
def recover_password(email: str) -> dict:
    return {}


@app.post("/api/v1/reset-password/")
def reset_password() -> dict:
    return {}


@app.post("/api/v1/users/signup")
def register_user() -> dict:
    return {}


@app.delete("/api/v1/users/signup")
def delete_signup() -> None: ...


@app.api_route("/healthz", methods=["GET", "HEAD"])
def healthz() -> dict:
    return {}


@app.api_route("/ping", methods=["GET", "POST"])
def ping() -> dict:
    return {}


@app.get("/health/ready")
def ready() -> dict:
    return {}


@app.options("/api/v1/items")
def items_preflight() -> dict:
    return {}


@app.get("/health/liveliness")
def liveliness() -> str:
    return "I'm alive!"


@app.api_route("/api/v1/items/{item_id}", methods=["GET", "OPTIONS"])
def item_and_preflight(item_id: int) -> dict:
    return {}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The trial project, checked for BK101 only."""
    root = tmp_path_factory.mktemp("public") / "p"
    return write_project(root, {"app/__init__.py": "", "app/main.py": MAIN}, select=["BK101"])


def test_only_the_conventional_routes_are_public(project: Path) -> None:
    routes = {(r.methods, r.path): r.public_reason for r in analyze([project]).routes}
    public = {key: reason for key, reason in routes.items() if reason}
    assert public == {
        (("GET",), "/api/v1/docs"): "conventional: docs",
        (("GET",), "/"): "conventional: /",
        (("GET",), "/api/v1/utils/health-check/"): "conventional: health-check",
        (("POST",), "/api/v1/login/access-token"): "conventional: login",
        (("POST",), "/api/v1/password-recovery/{email}"): "conventional: password-recovery",
        (("POST",), "/api/v1/reset-password/"): "conventional: reset-password",
        (("POST",), "/api/v1/users/signup"): "conventional: signup",
        (("GET", "HEAD"), "/healthz"): "conventional: healthz",
        (("GET",), "/health/ready"): "conventional: ready",
        (("OPTIONS",), "/api/v1/items"): "conventional: OPTIONS",
        (("GET",), "/health/liveliness"): "conventional: liveliness",
    }


def test_business_routes_that_look_conventional_are_reported(project: Path) -> None:
    reported = sorted(f.line for f in analyze([project]).findings if f.code == "BK101")
    # delete_doc, upload_doc, patient_health_records, purge_health_records, root_post,
    # delete_signup, ping (GET and POST), item_and_preflight (GET besides OPTIONS)
    assert reported == [12, 16, 24, 29, 38, 68, 77, 97]


@pytest.mark.parametrize(
    ("path", "methods", "segment"),
    [
        ("/health", ("GET",), "health"),
        ("/health", ("HEAD",), "health"),
        ("/health/", ("GET",), "health"),
        ("/health", ("POST",), ""),
        ("/health/records", ("GET",), ""),
        ("/docs/{doc_id}", ("GET",), ""),
        ("/admin/ping", ("GET",), ""),
        ("/{tenant}/health", ("GET",), ""),
        ("/openapi.json", ("GET",), "openapi.json"),
        ("/auth/refresh", ("POST",), "refresh"),
        ("/login/access-token", ("GET",), "login"),
        ("/login/access-token", ("PUT",), ""),
        ("/login", ("GET", "POST"), "login"),
        ("/login", ("POST", "DELETE"), ""),
        ("/patients/{id}/reset-password", ("POST",), ""),
        ("/ws/token", ("WEBSOCKET",), ""),
        ("/login", ("?",), ""),
        ("/", ("GET", "HEAD"), "/"),
        ("/", ("POST",), ""),
        ("/health/liveliness", ("GET",), "liveliness"),
        ("/items/{item_id}", ("OPTIONS",), "OPTIONS"),  # a CORS preflight: no credentials
        ("/admin/users/{user_id}", ("OPTIONS",), ""),  # not under an admin segment
        ("/items", ("GET", "OPTIONS"), ""),
        ("/assets/{filename:path}", ("GET",), "assets"),  # static files
        ("/public/{filename:path}", ("HEAD",), "public"),
        ("/public/{filename:path}", ("POST",), ""),  # an upload is no static file
        ("/static/reports/{report_id}", ("GET",), ""),  # a named segment follows
        ("/assets", ("GET",), ""),  # the listing of a resource called assets
        ("/admin/static/{name}", ("GET",), ""),
        ("/favicon.ico", ("GET",), "favicon.ico"),
        ("/robots.txt", ("GET",), "robots.txt"),
        ("/auth/oauth/{provider_id}", ("GET",), "oauth"),  # the redirect to the provider
        ("/sso/google", ("GET",), "sso"),
        ("/oauth/{provider}", ("POST",), ""),
        ("/auth/{session_id}", ("GET",), ""),  # after auth alone: an ordinary endpoint
        ("/oauth/clients", ("GET",), ""),  # a list of OAuth clients
        ("/oauth/{provider}/tokens", ("GET",), ""),
        ("/health/db", ("GET",), "health"),  # one check of the probe
        ("/api/healthz/redis", ("HEAD",), "healthz"),
        ("/health/db/{check_id}", ("GET",), ""),
        ("/health/db", ("POST",), ""),
        ("/docs/oauth2-redirect", ("GET",), "docs"),  # FastAPI's Swagger UI redirect
        ("/docs/reports", ("GET",), ""),
        ("/api/v1/auths/mfa/verify", ("POST",), "mfa"),  # a second factor after auths
        ("/auths/mfa/setup", ("POST",), ""),
        ("/users/mfa", ("GET",), ""),
        ("/auths/ldap", ("POST",), "ldap"),
        ("/config/ldap", ("GET",), ""),
        ("/auth/magic", ("GET",), "magic"),
        ("/oauth2/revoke", ("POST",), "revoke"),  # RFC 7009
        ("/tokens/revoke", ("POST",), ""),
    ],
)
def test_conventional_segment(path: str, methods: tuple[str, ...], segment: str) -> None:
    assert conventional_segment(path, methods) == segment


def _routes(root: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    """``backendkit routes -f fmt`` run in this process (this worktree's code)."""
    assert run_routes([root], fmt, None, use_cache=False) == 0
    return capsys.readouterr().out


def test_route_outputs_say_why_a_route_is_public(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = _routes(project, "table", capsys)
    assert "public (conventional: health-check)" in table
    assert "public (conventional: login)" in table

    markdown = _routes(project, "markdown", capsys)
    row = next(line for line in markdown.splitlines() if "`/healthz`" in line)
    assert "none [public (conventional: healthz)]" in row

    rows = list(csv.DictReader(io.StringIO(_routes(project, "csv", capsys))))
    by_path = {(row["methods"], row["path"]): row for row in rows}
    assert by_path[("GET", "/")]["public_reason"] == "conventional: /"
    assert by_path[("POST", "/")]["public_reason"] == ""
    assert by_path[("POST", "/")]["public"] == "false"


def test_table_names_the_reason_next_to_an_auth_status() -> None:
    """A public route with (optional) authentication still says it is public, and why."""
    from backendkit.commands import _table_auth
    from backendkit.result import Route

    route = Route(
        methods=("GET",),
        path="/feed",
        kind="http",
        app="app.main:app",
        handler="app.main:feed",
        file="app/main.py",
        line=3,
        def_line=4,
        auth="optional",
        auth_chain=("app.main:feed", "app.main:bearer (HTTPBearer)"),
        public=True,
        public_reason="marked '# backendkit: public'",
    )
    assert _table_auth(route) == (
        "optional · bearer (HTTPBearer) · public (marked '# backendkit: public')",
        "yellow",
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/v2/health/live", "live"),  # mlserver's and KServe's liveness probe
        ("/heartbeat", "heartbeat"),
        ("/api/alive", "alive"),
        ("/v2/models/{model_name}/live", ""),  # after a path parameter: an ordinary endpoint
    ],
)
def test_more_probe_segments(path: str, expected: str) -> None:
    assert conventional_segment(path, ["GET"]) == expected
    assert conventional_segment(path, ["POST"]) == ""
