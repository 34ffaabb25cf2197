"""False alarms of BK104, BK105, BK111 and BK113 (s15 hunt: agno, mlflow, prefect).

- BK113: a SQLAlchemy Core column (``tokens.c.token_hash == token_hash``) builds SQL, as
  ``Model.attr`` does.
- BK105: ``jwt.decode(token, key, **decode_kwargs)`` may pass ``algorithms=`` in the spread.
- BK104 / BK111: a constant whose value is its own one-word name (``PASSWORD = "password"``,
  a config key) or a route path (``UPDATE_USER_PASSWORD = "/api/2.0/.../update-password"``).
- BK111: a ``token: UUID`` is an id, not a bearer secret.

Near shapes next to each stay reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project


def _found(tmp_path: Path, source: str, code: str, extra: dict[str, str] | None = None):
    files = {"app/__init__.py": "", "app/main.py": source, **(extra or {})}
    root = write_project(tmp_path / "p", files, select=[code])
    result = analyze([root], use_cache=False)
    return sorted((f.path.rpartition("/")[2], f.line) for f in result.findings)


def _marked(source: str, mark: str) -> list[tuple[str, int]]:
    lines = source.splitlines()
    return [("main.py", n) for n, line in enumerate(lines, 1) if line.endswith(mark)]


CORE = """\
from sqlalchemy import Column, MetaData, String, Table, select

metadata = MetaData()
tokens = Table("tokens", metadata, Column("token_hash", String), Column("client_id", String))


def find(conn, token_hash: str):
    return conn.execute(select(tokens.c.client_id).where(tokens.c.token_hash == token_hash))


def find_columns(conn, api_key: str):
    return select(tokens).where(tokens.columns.api_key == api_key)


def find_dynamic(db, token_hash: str):
    return select(db.get_table("tokens")).where(db.get_table("t").c.token_hash != token_hash)


def check(record, token_hash: str) -> bool:
    return record.token_hash == token_hash  # BK113


def check_row(row, token: str) -> bool:
    return row.c == token  # BK113
"""


def test_core_columns_are_sql(tmp_path: Path) -> None:
    assert _found(tmp_path, CORE, "BK113") == _marked(CORE, "# BK113")


JWT = """\
import jwt

ALGORITHM = "HS256"


def decode_spread(token: str, key: str) -> dict:
    decode_kwargs = {"algorithms": [ALGORITHM], "leeway": 10}
    return jwt.decode(token, key, **decode_kwargs)


def decode_unknown(token: str, key: str, **options) -> dict:
    return jwt.decode(token, key, **options)


def decode_bare(token: str, key: str) -> dict:
    decode_kwargs = {"algorithms": [ALGORITHM]}
    return jwt.decode(token, key, leeway=decode_kwargs)  # BK105


def decode_off(token: str, key: str, **options) -> dict:
    return jwt.decode(token, key, options={"verify_signature": False}, **options)  # BK105
"""


def test_decode_keywords_spread_from_a_dict(tmp_path: Path) -> None:
    found = _found(tmp_path, JWT, "BK105")
    assert found == _marked(JWT, "# BK105")
    root = tmp_path / "p"
    messages = [f.message for f in analyze([root], use_cache=False).findings]
    assert "without algorithms=" in messages[0]
    assert "turns off signature verification" in messages[1]


NAMES = """\
import logging
import os

logger = logging.getLogger(__name__)

USERNAME = "username"
PASSWORD = "password"
_PASSWD = "Passwd"
SECRET = "SECRET"
PASSPHRASE = "pass-phrase"
TOKEN = "token"
UPDATE_USER_PASSWORD = "/api/2.0/mlflow/users/update-password"
RESET_PASSWORD_PAGE = "/reset-password/{token}"
ADMIN_PASSWORD = "admin123"  # BK104
DB_PASSWORD = "password"  # BK104
API_KEY = "api_key"  # BK104
SECRET_KEY = "secret"  # BK104
SECRET_TOKEN = "/9j4Kd8Lq2ZxAbC"  # BK104
FALLBACK_PASSWORD = os.getenv("PASSWORD", "password")  # BK104


def warn() -> None:
    logger.warning(f"change the default password via {UPDATE_USER_PASSWORD}")
    logger.info("reading %s and %s from the config", USERNAME, PASSWORD)
"""


def test_key_names_and_route_paths_are_not_secrets(tmp_path: Path) -> None:
    assert _found(tmp_path, NAMES, "BK104") == _marked(NAMES, "# BK104")


def test_settings_default_spelling_its_name_is_a_weak_secret(tmp_path: Path) -> None:
    source = (
        "from pydantic_settings import BaseSettings\n\n\n"
        "class Settings(BaseSettings):\n    PASSWORD: str = 'password'  # BK104\n"
    )
    assert _found(tmp_path, source, "BK104") == _marked(source, "# BK104")


LOGS = """\
import logging
import os
from uuid import UUID

import uuid

from app.routes import ADMIN_TOKEN, UPDATE_USER_PASSWORD, USER_PASSWORD

logger = logging.getLogger(__name__)

PASSWORD = "password"
ROUTE_PASSWORD = "/api/2.0/mlflow/users/update-password"
API_TOKEN = "e3b0c44298fc1c149afbf4c8996fb924"
ENV_SECRET = os.environ["ENV_SECRET"]


def release(token: UUID, slot_token: uuid.UUID | None, access_token: str) -> None:
    logger.debug("Limit slot released (token=%s)", token)
    logger.debug("slot %s", slot_token)
    logger.debug("access %s", access_token)  # BK111


def later(token: "UUID", other_token: UUID | str) -> None:
    logger.debug("token %s", token)
    logger.debug("other %s", other_token)  # BK111


def routes() -> None:
    logger.warning(f"change the default password via {UPDATE_USER_PASSWORD}")
    logger.warning("or via %s", USER_PASSWORD)
    logger.warning("keys %s %s", PASSWORD, ROUTE_PASSWORD)


def secrets() -> None:
    logger.info("token %s", API_TOKEN)  # BK111
    logger.info("secret %s", ENV_SECRET)  # BK111
    logger.info("admin %s", ADMIN_TOKEN)  # BK111
"""

ROUTES = """\
def _get_rest_path(base_path: str, version: int = 2) -> str:
    return f"/api/{version}.0{base_path}"


UPDATE_USER_PASSWORD = _get_rest_path("/mlflow/users/update-password")
USER_PASSWORD = "/users/password"
ADMIN_TOKEN = _get_rest_path("e3b0c44298fc1c149afbf4c8996fb924")
"""


def test_logging_uuid_ids_and_non_secret_constants(tmp_path: Path) -> None:
    found = _found(tmp_path, LOGS, "BK111", {"app/routes.py": ROUTES})
    assert found == _marked(LOGS, "# BK111")


def test_uuid_token_compared_is_an_id(tmp_path: Path) -> None:
    source = (
        "from uuid import UUID\n\n\n"
        "def same(token: UUID, other: UUID) -> bool:\n    return token == other\n\n\n"
        "def check(token: str, other: str) -> bool:\n    return token == other  # BK113\n"
    )
    assert _found(tmp_path, source, "BK113") == _marked(source, "# BK113")
