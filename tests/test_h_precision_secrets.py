"""BK104 on names and identifiers that are not secrets (litellm, prefect, airflow): names of
environment variables and config keys (``OPENAI_API_KEY_ENV = "OPENAI_API_KEY"``), protocol
identifiers (a grant type, an RFC 8693 token-type URN, an OAuth scope, a permission resource
name), key-derivation labels, sentinels and placeholders. The real keys and the weak defaults
next to them stay reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.rules.secrets import _secret_what
from helpers import write_project

CONSTANTS = """\
import os
from typing import Final

import jwt

OPENAI_API_KEY_ENV: Final = "OPENAI_API_KEY"
MISTRAL_API_KEY_ENV_VAR: Final = "MISTRAL_API_KEY"
ANTHROPIC_AUTH_TOKEN_KEY: Final = "ANTHROPIC_AUTH_TOKEN"
HASH_SECRET_PARAM: Final = "telemetry_deployment_hash_secret"
API_KEY_HELPER_KEY: Final = "apiKeyHelper"
_USER_API_KEY_AUTH_KEY: Final = "user_api_key_auth"
_REFRESH_TOKEN_GRANT: Final = "refresh_token"
SUBJECT_TOKEN_TYPE_ACCESS_TOKEN: Final = "urn:ietf:params:oauth:token-type:access_token"
MICROSOFT_REFRESH_TOKEN_SCOPE: Final = "offline_access"
MCP_OAUTH_TOKENS_TARGET: Final = "mcp_oauth_tokens"
RESOURCE_PASSWORD = "Passwords"
UNATTRIBUTED_API_KEY: Final = "unattributed"
_SIGNING_KEY_DOMAIN: Final = b"litellm-mcp-bridge:envelope-signing:"
AMPLITUDE_API_KEY = "YOUR_AMPLITUDE_API_KEY_HERE"
PLACEHOLDER_API_KEY: Final = "fake-api-key"
PTU_SENTINEL_API_KEY: Final[str] = "__ptu_flat_cost__"
MASKED_API_KEY = "sk-...xxxx"
DOCS_API_TOKEN = "https://example.com/docs/tokens"
AMPLITUDE_PROD_API_KEY = "c97dd2acbf306ab7bf54aca0aeb7ffa1"  # BK104
SECRET_KEY = "supersecret"  # BK104
JWT_SECRET = "jwt_secret"  # BK104
STRIPE_API_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"  # BK104
AWS_SECRET_ACCESS_KEY = "AKIAIOSFODNN7SECRETS"  # BK104
DB_PASSWORD = os.getenv("DB_PASSWORD", "postgres")  # BK104
CLIENT_SECRET_ENV = os.getenv("CLIENT_SECRET_ENV", "LITELLM_CLIENT_SECRET")


def sign(claims: dict) -> str:
    return jwt.encode(claims, "SECRET_KEY", algorithm="HS256")  # BK104
"""


def _expected(source: str) -> list[int]:
    return [n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# BK104")]


def test_names_identifiers_and_placeholders_are_not_secrets(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/constants.py": CONSTANTS}
    root = write_project(tmp_path / "p", files, select=["BK104"])
    found = sorted(f.line for f in analyze([root]).findings)
    assert found == _expected(CONSTANTS)


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        # identifiers and labels
        ("REFRESH_TOKEN_KEY", "refresh_token", False),
        ("API_TOKEN", "API_TOKEN_VALUE", False),
        ("API_KEY", "xApiKeyHeader", False),
        ("API_KEY", "__missing__", False),
        ("API_KEY", "urn:example:api-key", False),
        ("API_KEY", "https://api.example.com/keys", False),
        # placeholders
        ("API_KEY", "your-api-key-here", False),
        ("API_KEY", "YOUR_API_KEY", False),
        ("API_KEY", "dummy-key-123", False),
        ("API_KEY", "sk-xxxxxxxxxxxxxxxx", False),
        ("API_KEY", "sk-proj-****", False),
        # secrets, weak or strong
        ("API_KEY", "sk-proj-4eC39HqLyjWDarjtT1zdp7dc", True),
        ("SECRET_KEY", "secret", True),
        ("SECRET_KEY", "my_secret_key", True),
        ("PASSWORD", "hunter2", True),
        ("PASSWORD", "password", True),
        ("ADMIN_PASSWORD", "Passw0rd!", True),
        ("SECRET_KEY", "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7", True),
    ],
)
def test_value_shapes(name: str, value: str, secret: bool) -> None:
    assert bool(_secret_what((name,), value, "x")) is secret
