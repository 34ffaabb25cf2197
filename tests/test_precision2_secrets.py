"""Trial 4 false positives of BK104, BK106, BK110 and BK113 on real FastAPI apps, each with the
true positive beside it still reported:

- BK104: route-path constants named after what they serve (zenml ``API_KEYS = "/api_keys"``),
  a JWT audience (fief ``RESET_PASSWORD_TOKEN_AUDIENCE = "fief:reset"``) and a key-derivation
  salt (phoenix ``_ENCRYPTION_KEY_DERIVATION_SALT``, passed as ``salt=``);
- BK106: ``FastAPI(debug=True)`` created only when a debug-mode test holds (khoj);
- BK113: a start-up check that two secrets from the environment differ (phoenix) and change
  detection before storing a new value (zenml);
- BK110: a migration's SQL interpolating ``json.dumps`` of a literal (argilla).

Lines marked ``# expect`` are the findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.rules.secrets import _secret_what
from helpers import write_project


def _expected(source: str) -> list[int]:
    return [n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# expect")]


def _lines(tmp_path: Path, code: str, files: dict[str, str], path: str) -> list[int]:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", **files}, select=[code])
    return sorted(f.line for f in analyze([root]).findings if f.path == path)


ROUTE_PATHS = """\
from fastapi import APIRouter

API_KEYS = "/api_keys"
API_KEY_ROTATE = "/rotate"
API_TOKEN = "/api_token"
SECRETS = "/secrets"
SECRETS_OPERATIONS = "/secrets_operations"
DOWNLOAD_TOKEN = "/download-token"
SECRET_DETAIL = "/secrets/{secret_id}"
PASSWORD_RESET = "/auth/passwordReset/"
SECRET_KEY = "/9j4Kd8Lq2ZxQw7Rt"  # expect
API_KEY = "/AbC/dEf/123"  # expect
ROOT_TOKEN = "/"

router = APIRouter(prefix=API_KEYS)
"""


def test_route_path_constants_are_not_secrets(tmp_path: Path) -> None:
    files = {"app/constants.py": ROUTE_PATHS}
    assert _lines(tmp_path, "BK104", files, "app/constants.py") == _expected(ROUTE_PATHS)


@pytest.mark.parametrize(
    ("value", "secret"),
    [
        ("/api_keys", False),
        ("/v1/secrets/{secret_id}/versions", False),
        ("/auth/resetPassword", False),
        ("/.well-known/jwks.json", False),
        ("/9j4Kd8Lq2ZxQw7Rt", True),  # base64 may start with a slash
        ("/aB3dE9fG2hJ", True),  # mixed case and digits: not a word
        ("/secrets?token=abc123", True),  # a query string is not a path
    ],
)
def test_path_shapes(value: str, secret: bool) -> None:
    assert bool(_secret_what(("API_KEY",), value, "x")) is secret


AUDIENCE_AND_SALT = """\
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
import jwt
from itsdangerous import URLSafeTimedSerializer

RESET_PASSWORD_TOKEN_AUDIENCE = "fief:reset"
VERIFY_PASSWORD_TOKEN_ISSUER = "https-fief-issuer"
_ENCRYPTION_KEY_DERIVATION_SALT = b"phoenix-database-encryption-a5d354120d50240ac80b74f56d09b363"
RESET_PASSWORD_NAMESPACE_KEY = "reset-password-v1"
SECURITY_PASSWORD_SALT = "146585145368132386173505678016728509634"  # expect
SECRET_KEY_SALT = "9f8e7d6c5b4a39281706"
PASSWORD_RESET_ID = "fief:reset-password"
SIGNING_SECRET = "s3cr3t-signing-value"  # expect


def derive(secret: bytes) -> bytes:
    kdf = PBKDF2HMAC(
        algorithm=hashes.SHA256(), length=32, salt=_ENCRYPTION_KEY_DERIVATION_SALT, iterations=1
    )
    return kdf.derive(secret)


def reset_link(email: str, key: str) -> str:
    return URLSafeTimedSerializer(key).dumps(email, salt=RESET_PASSWORD_NAMESPACE_KEY)


def confirm(email: str) -> str:
    serializer = URLSafeTimedSerializer(SIGNING_SECRET, salt=SECRET_KEY_SALT)
    return serializer.dumps(email, salt=SIGNING_SECRET)


def reset_token(user_id: str, key: str) -> str:
    return jwt.encode({"sub": user_id, "aud": PASSWORD_RESET_ID}, key, algorithm="HS256")
"""


def test_audience_and_salt_are_not_secrets(tmp_path: Path) -> None:
    """An audience or issuer is a public claim; a value passed as ``salt=`` / ``info=`` is a
    label by design, unless the same constant is also used as something else (a key)."""
    files = {"app/crypto.py": AUDIENCE_AND_SALT}
    assert _lines(tmp_path, "BK104", files, "app/crypto.py") == _expected(AUDIENCE_AND_SALT)


DEBUG_APPS = """\
import os

from fastapi import FastAPI

from app.config import in_debug_mode, settings


def create_app() -> FastAPI:
    if settings.DEBUG:
        return FastAPI(debug=True)
    return FastAPI()


def create_local_app() -> FastAPI:
    if os.getenv("APP_ENV") == "development":
        return FastAPI(debug=True)
    elif in_debug_mode():
        return FastAPI(debug=True)
    return FastAPI()


def create_feature_app() -> FastAPI:
    if settings.FEATURE_X:
        return FastAPI(debug=True)  # expect
    return FastAPI()


def create_prod_app() -> FastAPI:
    if settings.ENV == "production":
        return FastAPI(debug=True)  # expect
    return FastAPI()


app = FastAPI(debug=True)  # expect
"""

CONFIG = """\
class Settings:
    DEBUG = False
    FEATURE_X = False
    ENV = "production"


settings = Settings()


def in_debug_mode() -> bool:
    return settings.DEBUG
"""


def test_debug_app_only_under_a_debug_test(tmp_path: Path) -> None:
    files = {"app/config.py": CONFIG, "app/main.py": DEBUG_APPS}
    assert _lines(tmp_path, "BK106", files, "app/main.py") == _expected(DEBUG_APPS)


KHOJ = """\
from fastapi import FastAPI

from app.config import in_debug_mode

if in_debug_mode():
    app = FastAPI(debug=True)
else:
    app = FastAPI(docs_url=None)
"""


def test_module_level_debug_app_under_a_debug_test(tmp_path: Path) -> None:
    files = {"app/config.py": CONFIG, "app/main.py": KHOJ}
    assert _lines(tmp_path, "BK106", files, "app/main.py") == []


COMPARES = """\
import os

from fastapi import Header


def get_env_admin_secret() -> str:
    admin_secret = os.getenv("ADMIN_SECRET") or ""
    if not (phoenix_secret := os.getenv("APP_SECRET")):
        raise ValueError("APP_SECRET is required")
    if admin_secret == phoenix_secret.strip():
        raise ValueError("ADMIN_SECRET must differ from APP_SECRET")
    return admin_secret


class CredentialsStore:
    def __init__(self) -> None:
        self.credentials: dict = {}

    def set_api_key(self, server_url: str, api_key: str) -> None:
        credential = self.credentials.get(server_url)
        if credential and credential.api_key != api_key:
            credential.api_token = None
            credential.api_key = api_key

    def set_password(self, server_url: str, username: str, password: str) -> None:
        credential = self.credentials.get(server_url)
        if credential and (credential.username != username or credential.password != password):
            credential.username = username
            credential.password = password

    def check_api_key(self, server_url: str, api_key: str) -> None:
        credential = self.credentials.get(server_url)
        if credential.api_key != api_key:  # expect
            raise PermissionError("bad key")
        credential.last_key = api_key


def check_key(x_api_key: str = Header()) -> None:
    if x_api_key != os.getenv("API_KEY"):  # expect
        raise PermissionError("bad key")

"""


def test_startup_checks_and_change_detection_are_not_secret_checks(tmp_path: Path) -> None:
    """A comparison in a function that reads no parameter compares configuration (two
    environment values at start-up); ``if stored != new: stored = new`` detects a change.
    A request value (a parameter) compared with a secret stays reported."""
    files = {"app/auth.py": COMPARES}
    assert _lines(tmp_path, "BK113", files, "app/auth.py") == _expected(COMPARES)


MIGRATION = """\
import json

import sqlalchemy as sa
from alembic import op

DISTRIBUTION_VALUE = json.dumps({"strategy": "overlap", "min_submitted": 1, "on": [True]})
SETTINGS_VALUE = json.dumps(load_settings())


def upgrade() -> None:
    op.add_column("datasets", sa.Column("distribution", sa.JSON(), nullable=True))
    op.execute(f"UPDATE datasets SET distribution = '{DISTRIBUTION_VALUE}'")
    op.execute(f"UPDATE datasets SET extra = '{json.dumps({'a': [1, 2]}, indent=2)}'")
    op.execute(f"UPDATE datasets SET settings = '{SETTINGS_VALUE}'")  # expect


def backfill(value: dict) -> None:
    op.execute(f"UPDATE datasets SET distribution = '{json.dumps(value)}'")  # expect


def load_settings() -> dict:
    return {}
"""


def test_json_of_a_literal_is_constant_sql(tmp_path: Path) -> None:
    files = {"app/migration.py": MIGRATION}
    assert _lines(tmp_path, "BK110", files, "app/migration.py") == _expected(MIGRATION)
