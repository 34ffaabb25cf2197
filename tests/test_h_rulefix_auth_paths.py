"""BK101's public-by-convention authentication endpoints: an authentication segment counts only
when nothing but path parameters and authentication sub-actions follow it, so
``POST /token/revoke-all`` and ``POST /users/register/bulk`` are reported while
``/login/access-token``, ``/token/refresh`` and ``/password-recovery/{email}`` stay public."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.catalogue import load_catalogue
from backendkit.project.conventions import (
    AUTH_SUB_ACTIONS,
    CONVENTIONAL_SEGMENTS,
    OAUTH_CONTEXT,
    PROTECTED_SEGMENTS,
    PROVIDERS,
    REFRESH_CONTEXT,
    conventional_segment,
)
from helpers import write_project

#: the trial's r3 routes next to the conventional endpoints of real projects
MAIN = """\
from fastapi import FastAPI

app = FastAPI()


@app.post("/api/v1/token/revoke-all")
def revoke_all_tokens() -> dict:
    return {}


@app.get("/api/v1/register/export")
def export_register() -> dict:
    return {}


@app.post("/api/v1/users/register/bulk", status_code=201)
def register_bulk() -> dict:
    return {}


@app.post("/api/v1/token")
def token() -> dict:
    return {}


@app.post("/api/v1/token/refresh")
def refresh_token() -> dict:
    return {}


@app.post("/api/v1/login/access-token")
def login_access_token() -> dict:
    return {}


@app.post("/api/v1/password-recovery/{email}")
def recover_password(email: str) -> dict:
    return {}


@app.post("/api/v1/users/register")
def register() -> dict:
    return {}


@app.post("/api/v1/users/register/verify")
def verify_registration() -> dict:
    return {}


@app.get("/api/v1/login/{provider}/callback")
def oauth_callback(provider: str) -> dict:
    return {}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project, checked for BK101 only."""
    root = tmp_path_factory.mktemp("authpaths") / "p"
    return write_project(root, {"app/__init__.py": "", "app/main.py": MAIN}, select=["BK101"])


def test_auth_segment_followed_by_a_business_action_is_reported(project: Path) -> None:
    findings = [f for f in analyze([project]).findings if f.code == "BK101"]
    # revoke_all_tokens, export_register, register_bulk
    assert sorted(f.line for f in findings) == [6, 11, 16]
    assert sorted(f.message.split(" has ")[0] for f in findings) == sorted(
        [
            "Route POST /api/v1/token/revoke-all",
            "Route GET /api/v1/register/export",
            "Route POST /api/v1/users/register/bulk",
        ]
    )


def test_authentication_endpoints_stay_public(project: Path) -> None:
    public = {r.path: r.public_reason for r in analyze([project]).routes if r.public}
    assert public == {
        "/api/v1/token": "conventional: token",
        "/api/v1/token/refresh": "conventional: token",
        "/api/v1/login/access-token": "conventional: login",
        "/api/v1/password-recovery/{email}": "conventional: password-recovery",
        "/api/v1/users/register": "conventional: register",
        "/api/v1/users/register/verify": "conventional: register",
        "/api/v1/login/{provider}/callback": "conventional: login",
    }


@pytest.mark.parametrize(
    ("path", "segment"),
    [
        # full-stack-fastapi-template
        ("/api/v1/login/access-token", "login"),
        ("/api/v1/login/test-token", "login"),
        ("/api/v1/password-recovery/{email}", "password-recovery"),
        ("/api/v1/reset-password/", "reset-password"),
        ("/api/v1/users/signup", "signup"),
        # fastapi-users' paths
        ("/auth/jwt/login", "login"),
        ("/auth/register", "register"),
        ("/auth/forgot-password", "forgot-password"),
        ("/auth/reset-password", "reset-password"),
        # sub-actions and path parameters after the authentication segment
        ("/token/refresh", "token"),
        ("/token/verify", "token"),
        ("/auth/token/refresh/", "token"),
        ("/register/verify", "register"),
        ("/register/confirm/{code}", "register"),
        ("/signup/resend", "signup"),
        ("/reset-password/{token}", "reset-password"),
        ("/login/{provider}", "login"),
        ("/login/google/callback", "login"),
        ("/login/magic-link", "login"),
        ("/Login/Access-Token", "Login"),
        # business actions after it
        ("/token/revoke-all", ""),
        ("/users/register/bulk", ""),
        ("/register/export", ""),
        ("/login/history", ""),
        ("/token/{token_id}/rotate", ""),
        ("/signup/{id}/approve", ""),
        ("/refresh/all-caches", ""),
        # refresh: only right after an authentication context
        ("/api/v1/auth/refresh", "refresh"),
        ("/auth/jwt/refresh", "refresh"),
        ("/oauth/refresh/{provider}", "refresh"),
        ("/cache/refresh", ""),
        ("/feeds/refresh", ""),
        ("/refresh", ""),
        # unchanged: nothing before it may be a path parameter or an admin segment
        ("/admin/login", ""),
        ("/tenants/{tenant}/login", ""),
        # open-webui: sign in and out, and OAuth with a provider parameter
        ("/api/v1/auths/signin", "signin"),
        ("/auth/sign-in", "sign-in"),
        ("/api/v1/auths/signout", "signout"),
        ("/auth/sign-out", "sign-out"),
        ("/auth/jwt/logout", "logout"),
        ("/oauth/{provider}/login", "login"),
        ("/oauth/{provider}/callback", "callback"),
        ("/oauth2/callback", "callback"),
        ("/sso/google/callback", "callback"),
        ("/oidc/{provider}/token", "token"),
        # Airflow's CLI sign-in, open-webui's RFC 8693 token exchange
        ("/token/cli", "token"),
        ("/api/v1/auths/oauth/{provider}/token/exchange", "token"),
        # only one provider, only after an OAuth segment, and callback needs that context
        ("/oauth/{provider}/{tenant}/login", ""),
        ("/oauth/{provider}/revoke", ""),
        ("/oauth/clients/{client_id}/callback", ""),
        ("/webhooks/callback", ""),
        ("/payments/{id}/callback", ""),
        ("/callback", ""),
        ("/logout/all-sessions", ""),
        ("/users/{user_id}/logout", ""),
        ("/admin/oauth/{provider}/login", ""),
    ],
)
def test_auth_segment_position(path: str, segment: str) -> None:
    assert conventional_segment(path, ("POST",)) == segment


def test_option_docs_name_every_segment_of_the_convention() -> None:
    """The ``conventions`` option's docs list the vocabulary the code uses, word for word."""
    text = load_catalogue()["BK101"].option_docs["conventions"]
    words = set(re.findall(r"[\w.-]+", text))
    vocabulary = AUTH_SUB_ACTIONS | CONVENTIONAL_SEGMENTS | PROTECTED_SEGMENTS | REFRESH_CONTEXT
    vocabulary |= OAUTH_CONTEXT | PROVIDERS | {"callback"}
    assert vocabulary - words == set()


@pytest.mark.parametrize(
    ("path", "methods", "segment"),
    [
        ("/oauth/{provider}/callback", ("GET",), "callback"),
        ("/oauth/{provider}/callback", ("POST",), "callback"),  # form_post response mode
        ("/oauth/{provider}/callback", ("DELETE",), ""),
        ("/auth/logout", ("GET", "POST"), "logout"),
        ("/auth/logout", ("DELETE",), ""),
    ],
)
def test_callback_and_logout_methods(path: str, methods: tuple[str, ...], segment: str) -> None:
    assert conventional_segment(path, methods) == segment


@pytest.mark.parametrize(
    ("path", "methods", "segment"),
    [
        ("/.well-known/openid-configuration", ("GET",), ".well-known"),
        ("/.well-known/oauth-protected-resource/mcp", ("GET", "HEAD"), ".well-known"),
        ("{?settings.root_path}/.well-known/security.txt", ("GET",), ".well-known"),
        ("/.well-known/{name}", ("GET",), ".well-known"),
        ("/.well-known/openid-configuration", ("POST",), ""),  # metadata is only read
        ("/.well-known", ("GET",), ""),  # the prefix alone is no document
        ("/tenants/{tenant}/.well-known/openid-configuration", ("GET",), ""),
        ("/admin/.well-known/keys", ("GET",), ""),
    ],
)
def test_well_known_metadata_is_public_to_read(
    path: str, methods: tuple[str, ...], segment: str
) -> None:
    """RFC 8615 site metadata (OAuth and OpenID discovery, security.txt) is read by clients
    before they sign in (arize-phoenix's ``/.well-known/oauth-authorization-server``)."""
    assert conventional_segment(path, methods) == segment


def test_well_known_routes_are_public_and_need_no_version(tmp_path: Path) -> None:
    """Not BK101 (public by convention, and says so) and not BK207 (they live at the root)."""
    main = (
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
        "@app.get('/.well-known/openid-configuration')\n"
        "def discovery() -> dict:\n    return {}\n\n\n"
        "@app.delete('/.well-known/openid-configuration')\n"
        "def drop() -> None:\n    return None\n"
    )
    root = write_project(tmp_path / "p", {"main.py": main}, select=["BK101", "BK207"])
    result = analyze([root], use_cache=False)
    routes = {tuple(r.methods): r for r in result.routes}
    assert routes[("GET",)].public_reason == "conventional: .well-known"
    assert [(f.code, f.line) for f in result.findings] == [("BK101", 11)]
