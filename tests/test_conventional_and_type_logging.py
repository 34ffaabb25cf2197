"""BK111 on a secret's class: logging ``type(secret)`` writes ``<class 'str'>``, not the
secret (r2r); ``str(token)`` still leaks it."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

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
