"""BK111 secret-in-log: the last word of a name decides, so counts, timestamps, flags and ids
named after a secret are not secrets, while the secrets themselves stay reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.rules.dataflow import secret_kind
from helpers import write_project

LOGS = """\
import logging

logger = logging.getLogger(__name__)


def metadata(user, token_count, password_changed_at, token_expires_at, is_token_valid,
             api_key_id, secret_name, password_length, password_reset_requested, usage,
             tokenCount, passwordChangedAt) -> None:
    logger.info("count %d", token_count)
    logger.info("changed %s", password_changed_at)
    logger.info("exp %s", token_expires_at)
    logger.info("valid %s", is_token_valid)
    logger.info("key id %s", api_key_id)
    logger.info("secret %s", secret_name)
    logger.info("user %s has password %s", user.id, user.has_password)
    logger.info("len %d", password_length)
    logger.info("reset %s", password_reset_requested)
    logger.info(f"usage: {usage.completion_tokens} {tokenCount} {passwordChangedAt}")


def secrets(user, token, access_token, password, api_key, client_secret, refresh_token, jwt,
            request, accessToken, new_password, credentials) -> None:
    logger.info("t %s", token)
    logger.info("a %s", access_token)
    logger.info("p %s", user.password)
    logger.info("p %s", password)
    logger.info("k %s", api_key)
    logger.info("c %s", client_secret)
    logger.info("r %s", refresh_token)
    logger.info("j %s", jwt)
    print("auth", request.headers["Authorization"])
    logger.info(f"camel {accessToken}")
    logger.info("new %s", new_password)
    logger.info("creds %s", credentials)
    print(request.headers.get("authorization"))
    logger.info("raw %s", token.decode())


def checks(password, verify_password, hashed) -> None:
    logger.info("ok=%s len=%d", verify_password(password, hashed), len(password))
"""


def test_metadata_named_after_secrets_is_not_reported(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p", {"app/__init__.py": "", "app/log.py": LOGS}, select=["BK111"]
    )
    findings = analyze([root]).findings
    assert [f.line for f in findings] == list(range(23, 37))
    assert findings[0].message.startswith("Logging token writes a secret")
    assert findings[2].message.startswith("Logging user.password writes a secret")
    assert findings[8].message.startswith("Logging request.headers.Authorization writes")
    assert findings[12].message.startswith("Logging request.headers.authorization writes")


HASHING = """\
import hashlib


def store(password: str, password_length: int, user) -> tuple[str, str, str]:
    weak = hashlib.sha256(password.encode()).hexdigest()
    size = hashlib.sha256(str(password_length).encode()).hexdigest()
    when = hashlib.md5(user.password_changed_at.isoformat().encode()).hexdigest()
    return weak, size, when
"""


def test_password_hashing_reads_names_the_same_way(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/store.py": HASHING}
    root = write_project(tmp_path / "p", files, select=["BK109"])
    assert [f.line for f in analyze([root]).findings] == [5]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("token", "secret"),
        ("settings.SECRET_KEY", "secret"),
        ("x_api_key", "secret"),
        ("apiKey", "secret"),
        ("apikey", "secret"),
        ("data.password", "password"),
        ("hashed_password", "password"),
        ("password_hash", "password"),
        ("JWT_SECRET", "secret"),
        ("token_value", "secret"),
        ("cache_key", ""),
        ("token_hash", ""),
        ("api_key_id", ""),
        ("user.has_password", ""),
        ("show_password", ""),
        ("token_type", ""),
        ("max_tokens", ""),
        ("password_set", ""),
        ("secrets.token_hex", ""),
    ],
)
def test_secret_kind_reads_the_last_word(name: str, kind: str) -> None:
    assert secret_kind(name) == kind
