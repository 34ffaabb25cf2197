"""False alarms on names that only read like secrets: a language model's token counts and ids
(``num_image_token``, ``max_new_token``, ``token: int``) for BK111 and BK113, a method taking
only ``self`` that compares locally generated values (BK113), and the key a secret is stored
under (``JWT_SECRET_DB_KEY = "jwt_secret"``, BK104). Real secrets next to them stay reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.rules.dataflow import secret_kind
from backendkit.rules.numbers_held import is_number_type
from backendkit.rules.secrets import is_named_secret
from backendkit.summary.model import BinOp, Const, Name, Subscript
from helpers import write_project


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("num_image_token", ""),
        ("self.num_image_token", ""),
        ("max_new_token", ""),
        ("min_token", ""),
        ("n_token", ""),
        ("nToken", ""),
        ("total_token", ""),
        ("count_token", ""),
        ("number_token", ""),
        ("num_tokens", ""),
        ("token_id", ""),
        ("token_ids", ""),
        ("token_count", ""),
        ("token_len", ""),
        ("admin_token", "secret"),
        ("account_token", "secret"),
        ("new_token", "secret"),
        ("max_password", ""),
        ("password", "password"),
    ],
)
def test_counts_and_bounds_of_tokens_are_not_secrets(name: str, kind: str) -> None:
    assert secret_kind(name) == kind


@pytest.mark.parametrize(
    ("annotation", "number"),
    [
        (Name("int"), True),
        (Name("builtins.float"), True),
        (Const("int"), True),
        (BinOp("BitOr", Name("int"), Const(None)), True),
        (Subscript(Name("Optional"), (Name("int"),)), True),
        (Subscript(Name("typing.Annotated"), (Name("int"), Const("x"))), True),
        (BinOp("BitOr", Name("int"), Name("str")), False),
        (BinOp("BitOr", Const(None), Const(None)), False),
        (Name("str"), False),
        (Subscript(Name("list"), (Name("int"),)), False),
        (None, False),
    ],
)
def test_number_types(annotation: object, number: bool) -> None:
    assert is_number_type(annotation) is number  # type: ignore[arg-type]


LOGS = """\
import logging

logger = logging.getLogger(__name__)


class VisionModel:
    def __init__(self, num_image_token: int) -> None:
        self.num_image_token = num_image_token
        logger.info(f"num_image_token: {self.num_image_token}")


def generate(max_new_token: int, token: int, token_ids: list[int]) -> None:
    logger.info(f"hit max_new_token: {max_new_token}")
    logger.info("token %d of %s", token, token_ids)
    count = 0
    logger.info("count %d", count)


def bound(raw: str) -> None:
    token = 0
    logger.info("t %s", token)
    token: int = int(raw)
    logger.info("t %s", token)


def credentials(token: str, other, api_token: int | str) -> None:
    logger.info("t %s", token)
    logger.info("t %s", other.token)
    logger.info("t %s", api_token)


def rebound(token: int, request) -> None:
    token = request.headers.get("x-token")
    logger.info("t %s", token)
"""


def test_bk111_token_counts_and_ids_are_not_logged_secrets(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p", {"app/__init__.py": "", "app/log.py": LOGS}, select=["BK111"]
    )
    assert [f.line for f in analyze([root]).findings] == [27, 28, 29, 34]


COMPARES = """\
import secrets

from app.config import settings


class SequenceMatcher:
    def __init__(self, pattern: tuple[int, ...]) -> None:
        self.pattern = pattern

    def advance(self, matched: int, token: int) -> int:
        if token == self.pattern[matched]:
            matched += 1
        return matched


class TokenService:
    def load_secret(self) -> str:
        candidate = secrets.token_urlsafe(64)
        secret = settings.store.setdefault("jwt", candidate)
        if secret == candidate:
            print("generated")
        return secret

    @classmethod
    def load(cls) -> str:
        candidate = secrets.token_urlsafe(64)
        secret = settings.store.setdefault("jwt", candidate)
        return secret if secret == candidate else ""


class HeaderCheck:
    def __init__(self, x_token: str) -> None:
        self.x_token = x_token

    def verify(self) -> None:
        if self.x_token != settings.X_TOKEN:
            raise PermissionError("bad token")

    def check(self, token: str) -> bool:
        return token == settings.X_TOKEN

    @staticmethod
    def static(self) -> bool:
        secret = settings.load()
        return secret == self


def compare(token: int | str, expected: str) -> bool:
    return token == expected
"""


def test_bk113_self_only_methods_and_token_ids(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/config.py": "settings = None\n", "app/cmp.py": COMPARES}
    root = write_project(tmp_path / "p", files, select=["BK113"])
    assert [f.line for f in analyze([root]).findings] == [36, 40, 45, 49]


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        ("JWT_SECRET_DB_KEY", "jwt_secret", False),
        ("jwt_secret_db_key", "jwt_secret", False),
        ("API_KEY_CACHE_KEY", "auth:api_key:{user_id}", False),
        ("SECRET_REDIS_KEY", "app.secret", False),
        ("ADMIN_PASSWORD_SETTING_KEY", "admin-password", False),
        ("SECRET_KEY_CONFIG_KEYS", "security/secret_key", False),
        ("SECRET_DB_KEY", "e3b0c44298fc1c149afbf4c8996fb924", True),
        ("SECRET_DB_KEY", "Zx9+Lq2/Kd8=", True),
        ("JWT_SECRET", "jwt_secret", True),
        ("JWT_SECRET_KEY", "jwt_secret", True),
    ],
)
def test_bk104_storage_keys(name: str, value: str, secret: bool) -> None:
    assert is_named_secret((name,), value) is secret


def test_bk104_storage_key_constant(tmp_path: Path) -> None:
    app = (
        "import secrets\n\nJWT_SECRET_DB_KEY = 'jwt_secret'\n"
        "SIGNING_SECRET_CACHE_KEY = 'x9Kd8Lq2Zx7Tq4Pw'\n"
        "STORE: dict = {}\n\n\ndef signing_secret() -> str:\n"
        "    return STORE.setdefault(JWT_SECRET_DB_KEY, secrets.token_urlsafe(64))\n"
    )
    root = write_project(
        tmp_path / "p", {"app/__init__.py": "", "app/keys.py": app}, select=["BK104"]
    )
    assert [f.line for f in analyze([root]).findings] == [4]
