"""BK111 secret-in-log: values named after a token that are not credentials. A price or rate
per token (``cost_per_token``), a listing's cursor (``pagination_token``, ``nextPageToken``), a
language model's special token (``eos_token``) and a ``token`` looped over the pieces of a
text (``for token in raw.split(","):``) are not reported; tokens themselves, and the pieces of a
text that names a secret or its carrier, still are."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.rules.dataflow import secret_kind
from helpers import write_project


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("cost_per_token", ""),
        ("costPerToken", ""),
        ("input_cost_per_token", ""),
        ("pricing.per_token", ""),
        ("requests_per_api_key", ""),
        ("attempts_per_password", ""),
        ("pagination_token", ""),
        ("page_token", ""),
        ("next_page_token", ""),
        ("nextPageToken", ""),
        ("next_token", ""),
        ("continuation_token", ""),
        ("cursor_token", ""),
        ("sync_token_value", ""),
        ("tokenizer.eos_token", ""),
        ("pad_token", ""),
        ("special_token", ""),
        ("token", "secret"),
        ("access_token", "secret"),
        ("api_token", "secret"),
        ("refresh_token", "secret"),
        ("per_user_token", "secret"),
        ("token_per_user", ""),
        ("page_secret", "secret"),
        ("next_password", "password"),
        ("password", "password"),
        ("password_hash", "password"),
        ("settings.SECRET_KEY", "secret"),
    ],
)
def test_units_cursors_and_model_tokens_are_not_secrets(name: str, kind: str) -> None:
    assert secret_kind(name) == kind


LOGS = """\
import logging
import re
import shlex

from app.config import settings

logger = logging.getLogger(__name__)


def pieces(raw: str, cmd: str, text: str, request) -> None:
    for token in raw.split(","):
        token = token.strip()
        logger.warning("ignoring invalid allowed CIDR: %s", token)
    parts = raw.split(",")
    for token in parts:
        logger.info("t %s", token)
    for i, token in enumerate(shlex.split(cmd)):
        logger.info("t %d %s", i, token.strip())
    for token in re.findall(r"\\w+", text):
        token = token.strip().lower()
        logger.debug("t %s", token)
    for token in request.headers.get("Accept").split(","):
        logger.debug(f"accept {token}")


def credentials(request, auth_header: str, api_keys: str, token: str, raw: str) -> None:
    for token in settings.API_TOKENS.split(","):
        logger.info("loaded %s", token)
    for token in auth_header.split():
        logger.info("part %s", token)
    for token in request.headers.get("Authorization").split(" "):
        logger.info("part %s", token)
    for token in re.split(",", settings.SECRET_KEYS):
        logger.info("key %s", token)
    for token in api_keys.split(","):
        logger.info("key %s", token)
    for access_token in raw.split(","):
        logger.info("t %s", access_token)
    for password in raw.split(":"):
        logger.info("p %s", password)


def param(token: str) -> None:
    logger.info("t %s", token)


def rebound(raw: str, request) -> None:
    for token in raw.split(","):
        logger.info("piece %s", token.strip())
    token = request.headers.get("x-token")
    logger.info("t %s", token)


def enumerated(raw: str) -> None:
    for token, i in enumerate(raw.split(",")):
        logger.info("t %s %s", token, i)
"""


def test_pieces_of_a_text_are_not_credentials(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/config.py": "settings = None\n", "app/log.py": LOGS}
    root = write_project(tmp_path / "p", files, select=["BK111"])
    lines = [f.line for f in analyze([root]).findings]
    assert lines == [*range(28, 41, 2), 44, 49, 51, 56]


COMPARES = """\
from app.config import settings


def find(raw: str, wanted: str) -> bool:
    for token in raw.split(","):
        if token.strip() == wanted or token == wanted:
            return True
    return False


def check(token: str, raw: str) -> bool:
    for token in settings.API_TOKENS.split(","):
        if token == raw:
            return True
    return False


def check_param(token: str, expected: str) -> bool:
    return token == expected
"""


def test_bk113_pieces_of_a_text_are_not_credentials(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/config.py": "settings = None\n", "app/cmp.py": COMPARES}
    root = write_project(tmp_path / "p", files, select=["BK113"])
    assert [f.line for f in analyze([root]).findings] == [13, 19]
