"""Settings validation: secrets, CORS and logging redaction."""

import json
import logging

import pytest
from pydantic import ValidationError

from app.core.config import Settings
from app.core.logging import JsonFormatter, configure_logging, redact

STRONG = "s" * 40


@pytest.mark.parametrize("secret", [None, "change-me", "short"])
def test_production_refuses_weak_secret(secret: str | None) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key=secret, _env_file=None)


def test_production_accepts_strong_secret() -> None:
    settings = Settings(environment="production", secret_key=STRONG, _env_file=None)
    assert settings.signing_key == STRONG
    assert not settings.docs_enabled
    assert STRONG not in repr(settings)


def test_development_uses_ephemeral_secret() -> None:
    with pytest.warns(UserWarning, match="ephemeral"):
        settings = Settings(environment="development", secret_key=None, _env_file=None)
    assert len(settings.signing_key) >= 32


def test_wildcard_cors_is_refused() -> None:
    with pytest.raises(ValidationError, match="explicit origins"):
        Settings(cors_origins=["*"], secret_key=STRONG, _env_file=None)


def test_json_logs_redact_secrets() -> None:
    record = logging.makeLogRecord(
        {
            "msg": "login",
            "levelname": "INFO",
            "password": "hunter2",
            "headers": {"Authorization": "x"},
        }
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["password"] == "[REDACTED]"
    assert entry["headers"] == {"Authorization": "[REDACTED]"}
    assert redact(["a", {"refresh_token": "t"}]) == ["a", {"refresh_token": "[REDACTED]"}]


def test_exceptions_are_logged_as_json() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.makeLogRecord({"msg": "failed", "exc_info": True})
        import sys

        record.exc_info = sys.exc_info()
    assert "ValueError" in json.loads(JsonFormatter().format(record))["exc_info"]
    configure_logging("INFO")
    assert isinstance(logging.getLogger().handlers[0].formatter, JsonFormatter)
