"""BK109 and BK111 on values that reveal nothing: ``hashlib.sha1(..., usedforsecurity=False)``
declares a non-security use (HaveIBeenPwned's k-anonymity prefix), and ``bool(token)``,
``len(token)``, ``mask(token)`` and a ``masked_token`` / ``redacted_*`` variable are the
redacted values BK111's own message asks for. The real cases next to them stay reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.rules.dataflow import secret_kind
from helpers import write_project

HASHES = """\
import hashlib


def hibp_range_prefix(password: str) -> str:
    sha1_hex = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest()
    return sha1_hex[:5].upper()


def store(password: str) -> str:
    return hashlib.sha256(password.encode(), usedforsecurity=True).hexdigest()


def legacy(password: str) -> str:
    return hashlib.sha1(password.encode()).hexdigest()
"""

LOGS = """\
import logging
from typing import Optional

log = logging.getLogger(__name__)


def mask(token: str) -> str:
    return token[:4] + "*" * max(len(token) - 4, 0)


def check(scim_token: Optional[str], token: str, api_key: str) -> None:
    log.debug("SCIM token configured: %s", bool(scim_token))
    masked_token = mask(token)
    log.debug("Using token %s", masked_token)
    log.debug("token length %d", len(token))
    redacted_api_key = api_key[:3] + "..."
    log.info("key %s", redacted_api_key)
    log.info("key %s", mask(api_key))
    log.info("key %s", redact_secret(api_key))
    log.info("leaked %s", token)
    log.info("leaked %s", str(api_key))
"""


def _lines(tmp_path: Path, source: str, code: str) -> list[int]:
    files = {"app/__init__.py": "", "app/mod.py": source}
    root = write_project(tmp_path / "p", files, select=[code])
    return sorted(f.line for f in analyze([root]).findings if f.code == code)


def test_hash_declared_not_for_security_is_not_reported(tmp_path: Path) -> None:
    # store (usedforsecurity=True is the default) and legacy stay reported
    assert _lines(tmp_path, HASHES, "BK109") == [10, 14]


def test_redacted_values_in_logs_are_not_reported(tmp_path: Path) -> None:
    # the raw token and str(api_key) stay reported
    assert _lines(tmp_path, LOGS, "BK111") == [20, 21]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("masked_token", ""),
        ("redacted_api_key", ""),
        ("obfuscated_password", ""),
        ("token_masked", ""),
        ("masked", ""),
        ("token", "secret"),
        ("unmasked_token", "secret"),
    ],
)
def test_masked_names_are_not_secrets(name: str, kind: str) -> None:
    assert secret_kind(name) == kind
