"""Two false alarms of real apps (r2r). BK101: the steps of an anonymous caller's
authentication are public by convention where a sign-in segment would be (a refresh token or
an e-mail code in the request is the credential: ``/users/refresh-token``,
``/users/verify-email``), and so is the start of an OAuth flow after an OAuth segment and a
provider (``/users/oauth/google/authorize``), while ``/cache/refresh``,
``/documents/verify`` or ``/payments/authorize`` stay ordinary endpoints. BK111: logging
``type(secret)`` writes ``<class 'str'>``, not the secret; ``str(token)`` still leaks it."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.project.conventions import conventional_segment
from helpers import write_project

#: r2r's users router next to ordinary endpoints that look like authentication steps
ROUTES = """\
from fastapi import Body, FastAPI, Query

app = FastAPI()


@app.post("/users/refresh-token")
def refresh_token(refresh_token: str = Body(...)) -> dict:
    return {}


@app.post("/users/verify-email")
def verify_email(email: str = Body(...), verification_code: str = Body(...)) -> dict:
    return {}


@app.get("/users/oauth/google/authorize")
def google_authorize() -> dict:
    return {}


@app.get("/users/oauth/google/callback")
def google_callback(code: str = Query(...), state: str = Query(...)) -> dict:
    return {}


@app.get("/auth/{provider}/login")
def provider_login(provider: str) -> dict:
    return {}


@app.post("/auth/verify")
def verify(token: str = Body(...)) -> dict:
    return {}


@app.post("/cache/refresh")
def refresh_cache() -> dict:
    return {}


@app.post("/documents/{document_id}/verify")
def verify_document(document_id: int) -> dict:
    return {}


@app.post("/admin/authorize-user")
def authorize_user(user_id: int) -> dict:
    return {}


@app.post("/payments/authorize")
def authorize_payment(amount: int) -> dict:
    return {}


@app.delete("/users/refresh-token")
def drop_refresh_tokens() -> dict:
    return {}
"""


@pytest.fixture(scope="module")
def routes_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The routes above, checked for BK101 and BK112."""
    root = tmp_path_factory.mktemp("conventional") / "p"
    return write_project(
        root, {"app/__init__.py": "", "app/main.py": ROUTES}, select=["BK101", "BK112"]
    )


def test_authentication_steps_are_public_and_say_why(routes_project: Path) -> None:
    routes = {(r.methods, r.path): r.public_reason for r in analyze([routes_project]).routes}
    public = {key: reason for key, reason in routes.items() if reason}
    assert public == {
        (("POST",), "/users/refresh-token"): "conventional: refresh-token",
        (("POST",), "/users/verify-email"): "conventional: verify-email",
        (("GET",), "/users/oauth/google/authorize"): "conventional: authorize",
        (("GET",), "/users/oauth/google/callback"): "conventional: callback",
        (("GET",), "/auth/{provider}/login"): "conventional: login",
        (("POST",), "/auth/verify"): "conventional: verify",
    }


def test_ordinary_endpoints_like_them_are_still_reported(routes_project: Path) -> None:
    """BK101 on the five ordinary endpoints (a DELETE of refresh tokens revokes them); BK112
    leaves the steps alone: they take no password."""
    findings = analyze([routes_project]).findings
    assert [(f.code, f.line) for f in findings] == [
        ("BK101", 36),
        ("BK101", 41),
        ("BK101", 46),
        ("BK101", 51),
        ("BK101", 56),
    ]


@pytest.mark.parametrize(
    ("path", "segment"),
    [
        ("/users/refresh-token", "refresh-token"),
        ("/refresh-token", "refresh-token"),
        ("/api/v1/auth/refresh-token/{token}", "refresh-token"),
        ("/users/verify-email", "verify-email"),
        ("/verify-email/{code}", "verify-email"),
        ("/auth/verify-email/resend", "verify-email"),
        ("/account/confirm-email", "confirm-email"),
        ("/auth/request-verify-token", "request-verify-token"),  # fastapi-users
        ("/auth/verify", "verify"),  # fastapi-users
        ("/auth/jwt/verify", "verify"),
        ("/users/oauth/github/authorize", "authorize"),
        ("/oauth/{provider}/authorize", "authorize"),
        ("/oauth2/authorize", "authorize"),
        ("/auth/google/authorize", "authorize"),
        ("/auth/{provider}/login", "login"),
        ("/auth/{provider}/callback", "callback"),
        ("/auth/callback", "callback"),
        # ordinary endpoints
        ("/cache/refresh", ""),
        ("/documents/{id}/verify", ""),
        ("/documents/verify", ""),
        ("/users/verify", ""),
        ("/admin/authorize-user", ""),
        ("/admin/authorize", ""),
        ("/payments/authorize", ""),
        ("/cards/{card_id}/authorize", ""),
        ("/authorize", ""),
        ("/users/authorize", ""),
        ("/admin/refresh-token", ""),
        ("/admin/users/verify-email", ""),
        ("/integrations/{id}/refresh-token", ""),
        ("/users/{user_id}/verify-email", ""),
        ("/refresh-token/revoke-all", ""),
        ("/oauth/{provider}/authorize/clients", ""),
        ("/auth/{provider}/revoke", ""),
        ("/auth/{provider}/refresh", ""),
        ("/auth/{provider}/{tenant}/login", ""),
    ],
)
def test_authentication_step_position(path: str, segment: str) -> None:
    assert conventional_segment(path, ("POST",)) == segment


@pytest.mark.parametrize(
    ("path", "methods", "segment"),
    [
        ("/users/refresh-token", ("GET", "POST"), "refresh-token"),
        ("/users/refresh-token", ("DELETE",), ""),
        ("/users/verify-email", ("PUT",), ""),
        ("/oauth/{provider}/authorize", ("GET",), "authorize"),
        ("/oauth/{provider}/authorize", ("POST",), "authorize"),  # a consent form
        ("/oauth/{provider}/authorize", ("PATCH",), ""),
        ("/auth/verify", ("DELETE",), ""),
    ],
)
def test_authentication_step_methods(path: str, methods: tuple[str, ...], segment: str) -> None:
    assert conventional_segment(path, methods) == segment


LOGS = """\
import logging

logger = logging.getLogger(__name__)


def opaque(user, token, password, api_key) -> None:
    logger.error(f"Invalid hashed_password type: {type(user.hashed_password)}")
    logger.error("type %s", type(token).__name__)
    logger.info("is text %s", isinstance(password, str))
    logger.info("callable %s", callable(api_key))
    logger.info("decodes %s", hasattr(token, "decode"))
    logger.info("object %s", id(token))
    logger.info("len %d, set %s", len(token), token is not None)


def leaks(user, token, password, api_key) -> None:
    logger.error("str %s", str(token))
    logger.error("repr %s", repr(password))
    logger.error(f"value {token}")
    logger.error(f"repr {token!r}")
    logger.error("prefix %s", token[:10])
    logger.error("format %s", format(api_key))
    logger.error(f"type {type(token)} of {token}")
    logger.error("made %s", type(token)(user.hashed_password))
"""


def test_type_and_other_opaque_builtins_are_not_leaks(tmp_path: Path) -> None:
    """What is logged of a secret's class, flags or identity tells nothing of it; its text,
    its repr, a prefix (borderline: most of a short key) or a copy made of it still do."""
    root = write_project(
        tmp_path / "p", {"app/__init__.py": "", "app/log.py": LOGS}, select=["BK111"]
    )
    lines = [f.line for f in analyze([root]).findings if f.code == "BK111"]
    assert lines == list(range(17, 25))
