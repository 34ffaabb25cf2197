"""BK111: a constant read from the environment whose default names something (a header's
name, ``os.environ.get("FORWARD_USER_INFO_HEADER_JWT", "X-OpenWebUI-User-Jwt")`` in
open-webui) holds a name in every deployment; logging it writes no secret. A default that is
a placeholder says nothing of the value a deployment sets: logging those is still reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MODULE = """\
import logging
import os

log = logging.getLogger(__name__)
SECRET_KEY = os.getenv("SECRET_KEY", "changeme")
API_TOKEN = os.environ.get("API_TOKEN", "dev-token")
FORWARD_USER_INFO_HEADER_JWT = os.environ.get("FORWARD_USER_INFO_HEADER_JWT", "X-User-Jwt")
TOKEN_HEADER = os.getenv("TOKEN_HEADER", "Authorization")


def show() -> None:
    log.info("key %s", SECRET_KEY)
    log.info("token %s", API_TOKEN)
    log.info("minting %s", FORWARD_USER_INFO_HEADER_JWT)
    log.info("reading %s", TOKEN_HEADER)
"""


def test_a_default_that_names_a_header_holds_no_secret(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/logs.py": MODULE})
    result = analyze([root], use_cache=False)
    found = sorted((f.line, f.message.split()[1]) for f in result.findings if f.code == "BK111")
    assert found == [(12, "SECRET_KEY"), (13, "API_TOKEN")]


REAL_SECRETS = """\
import logging
import os

log = logging.getLogger(__name__)
ADMIN_PASSWORD = os.getenv("ADMIN_PASSWORD", "admin")
STRIPE_API_KEY = os.getenv("STRIPE_API_KEY", "stripe_api_key")
GITHUB_TOKEN = os.getenv("GITHUB_TOKEN", "GITHUB_TOKEN")
WEBHOOK_SECRET = os.getenv("WEBHOOK_SECRET", "https://hooks.example.com")
API_TOKEN = os.getenv("API_TOKEN", "x-auth-token")


def show() -> None:
    log.info("%s", ADMIN_PASSWORD)
    log.info("%s", STRIPE_API_KEY)
    log.info("%s", GITHUB_TOKEN)
    log.info("%s", WEBHOOK_SECRET)
    log.info("%s", API_TOKEN)
"""


def test_any_other_default_is_a_placeholder_for_the_secret(tmp_path: Path) -> None:
    """A fallback that spells a name, a URL or a header is no proof: the deployment sets the
    real secret in its place (only a constant named for a header holds a header's name)."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/logs.py": REAL_SECRETS})
    result = analyze([root], use_cache=False)
    assert sorted(f.line for f in result.findings if f.code == "BK111") == [13, 14, 15, 16, 17]
