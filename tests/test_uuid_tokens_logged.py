"""BK111: a token-named value made by ``uuid4()`` / ``uuid1()`` is a random id (prefect's
concurrency-slot ``token = uuid4()``), not a secret; one made by ``secrets`` stays one."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

LOGS = """\
import logging
import secrets
import uuid
from uuid import uuid1, uuid4

from app.ids import make_token

logger = logging.getLogger(__name__)


def acquire() -> None:
    token = uuid4()
    logger.debug("Limit slot acquired (token=%s)", token)
    slot_token = uuid.uuid4().hex
    logger.debug("slot %s", slot_token)
    run_token = str(uuid4())
    logger.debug("run %s", run_token)
    short_token = uuid.uuid1().hex[:8]
    logger.debug("short %s", short_token)
    node_token = str(uuid1())
    logger.debug("node %s", node_token)


def keys() -> None:
    token = secrets.token_urlsafe()
    logger.info("token %s", token)  # BK111
    password = uuid4().hex
    logger.info("temporary password %s", password)  # BK111
    api_key = str(uuid.uuid4())
    logger.info("key %s", api_key)  # BK111
    made_token = make_token()
    logger.info("made %s", made_token)  # BK111


def mixed(flag: bool) -> None:
    token = uuid4()
    if flag:
        token = secrets.token_hex()
    logger.info("token %s", token)  # BK111


def shadowed() -> None:
    uuid4 = secrets.token_hex
    token = uuid4()
    logger.info("token %s", token)  # BK111
"""

IDS = """\
import secrets


def uuid4() -> str:
    return secrets.token_hex()


def make_token() -> str:
    return uuid4()
"""


def test_uuid_made_tokens_are_ids(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/main.py": LOGS, "app/ids.py": IDS}
    root = write_project(tmp_path / "p", files, select=["BK111"])
    result = analyze([root], use_cache=False)
    found = sorted((f.path, f.line) for f in result.findings)
    lines = LOGS.splitlines()
    marked = [("app/main.py", n) for n, line in enumerate(lines, 1) if line.endswith("# BK111")]
    assert found == marked
