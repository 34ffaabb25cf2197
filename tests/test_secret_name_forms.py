"""BK111 secret-in-log: trailing words that only say which form or copy of a secret a name
holds (``password_confirm``, ``refresh_token_cookie``, ``api_key_header``, ``private_key_pem``,
``password2``) are skipped, so the word before them decides; metadata named after a secret
(``token_count``, ``password_changed_at``...) is still not reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.rules.dataflow import secret_kind
from helpers import write_project

LOGS = """\
import logging

from fastapi import FastAPI, Security
from fastapi.security import APIKeyHeader

logger = logging.getLogger(__name__)
app = FastAPI()
api_key_header = APIKeyHeader(name="X-API-Key")


@app.get("/items")
def items(api_key_header: str = Security(api_key_header)) -> dict:
    logger.info("key %s", api_key_header)
    return {}


def forms(body, password_confirm, refresh_token_cookie, passwordConfirmation, password_repeat,
          private_key_pem, password2, token_count, password_changed_at, cookie_header) -> None:
    logger.info("a %s", password_confirm)
    logger.info("b %s", body.password_confirmation)
    logger.info("c %s", refresh_token_cookie)
    logger.info("d %s", passwordConfirmation)
    logger.info("e %s", password_repeat)
    logger.info("f %s", private_key_pem)
    logger.info("g %s", password2)
    logger.info("h %s %s", token_count, password_changed_at)
    logger.info("i %s", cookie_header)
"""


def test_form_words_leave_the_secret_to_the_word_before(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/log.py": LOGS}
    root = write_project(tmp_path / "p", files, select=["BK111"])
    findings = analyze([root]).findings
    assert [f.line for f in findings] == [13, *range(19, 26)]
    assert findings[0].message.startswith("Logging api_key_header writes a secret")
    assert findings[2].message.startswith("Logging body.password_confirmation writes")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("password_confirm", "password"),
        ("body.password_confirmation", "password"),
        ("password_repeat", "password"),
        ("new_password_again", "password"),
        ("password_1", "password"),
        ("refresh_token_cookie", "secret"),
        ("api_key_header", "secret"),
        ("authorization_header", "secret"),
        ("private_key_pem", "secret"),
        ("signing_key_b64", "secret"),
        ("secrets.token_hex", ""),
        ("token_header_name", ""),
        ("cookie_header", ""),
        ("auth_header", ""),
        ("token_count", ""),
        ("password_changed_at", ""),
        ("token_expires_at", ""),
        ("is_token_valid", ""),
        ("api_key_id", ""),
        ("secret_name", ""),
        ("password_length", ""),
        ("password_reset_requested", ""),
        ("oauth2_scheme", ""),
        ("sha256", ""),
        ("password_confirmed", ""),
    ],
)
def test_secret_kind_skips_form_words(name: str, kind: str) -> None:
    assert secret_kind(name) == kind
