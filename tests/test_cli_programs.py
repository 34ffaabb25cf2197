"""Command-line programs (``rules/cliprograms.py``): a ``generate-secret`` command prints the
key its user asked for (BK111 reported chainlit's and lightrag's), and a CLI comparing an API
key from the environment with a profile's has no remote caller timing it (BK113 reported
prefect's and dstack's). Their logging, their password comparisons and the same code in the
served application are still reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

TOOL = """\
import argparse
import logging
import secrets

log = logging.getLogger(__name__)


def main() -> None:
    argparse.ArgumentParser().parse_args()
    secret = secrets.token_urlsafe(32)
    print(f"AUTH_SECRET={secret}")
    log.info("made %s", secret)
"""

CLOUD = """\
import os

import typer


def login(profile_api_key: str, password: str, stored_password: str) -> bool:
    env_var_api_key = os.environ.get("API_KEY")
    if env_var_api_key != profile_api_key:
        print("the environment's key differs from the profile's")
    return password == stored_password
"""

SERVER = """\
def check(api_key: str, expected_api_key: str) -> bool:
    print(f"checking {api_key}")
    return api_key == expected_api_key
"""


def test_command_line_programs_print_and_compare_what_they_own(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/scripts/__init__.py": "",
        "app/scripts/gen.py": TOOL,
        "app/cli/__init__.py": "",
        "app/cli/cloud.py": CLOUD,
        "app/server.py": SERVER,
    }
    root = write_project(tmp_path / "p", files, select=["BK111", "BK113"])
    found = sorted((f.code, f.path, f.line) for f in analyze([root], use_cache=False).findings)
    assert found == [
        ("BK111", "app/scripts/gen.py", 12),  # the logging call, not the print
        ("BK111", "app/server.py", 2),
        ("BK113", "app/cli/cloud.py", 10),  # a password compared in plain
        ("BK113", "app/server.py", 3),
    ]


SERVED_TOOLS = """\
import argparse

from fastapi import APIRouter, Header, HTTPException

router = APIRouter()
WEBHOOK_TOKEN = "x" * 3


def verify_token(token: str) -> None:
    if token != WEBHOOK_TOKEN:
        raise HTTPException(401)


@router.post("/webhook")
async def webhook(x_webhook_token: str = Header()) -> None:
    print("webhook token", x_webhook_token)
"""

SERVER_WITH_ARGS = """\
import argparse


def check(api_key: str) -> None:
    print(f"rejected api key {api_key}")
"""


def test_a_served_tools_package_or_a_server_reading_arguments_is_no_cli(tmp_path: Path) -> None:
    """A review's holes: an LLM app's served ``tools`` package (no argument parser), and an
    application module importing ``argparse`` for its port, are still checked."""
    files = {
        "app/__init__.py": "",
        "app/tools/__init__.py": "",
        "app/tools/routes.py": SERVED_TOOLS.replace("import argparse\n\n", ""),
        "app/server.py": SERVER_WITH_ARGS,
    }
    root = write_project(tmp_path / "p", files, select=["BK111", "BK113"])
    found = sorted((f.code, f.path, f.line) for f in analyze([root], use_cache=False).findings)
    assert found == [
        ("BK111", "app/server.py", 5),
        ("BK111", "app/tools/routes.py", 14),
        ("BK113", "app/tools/routes.py", 8),
    ]


def test_scripts_and_cli_packages_are_programs_without_their_own_parser(tmp_path: Path) -> None:
    """A third review: a ``scripts/`` module with no argument parser, and a command of a
    ``cli`` package using the package's shared Typer object, are command-line programs."""
    files = {
        "app/__init__.py": "",
        "scripts/generate_secret.py": "import secrets\n\n"
        "print(f'SECRET_KEY={secrets.token_hex(32)}')\n",
        "app/cli/__init__.py": "",
        "app/cli/commands/users.py": "from app.cli import cli\n\n\ndef token(token: str) -> None:\n"
        "    print(f'token: {token}')\n",
    }
    root = write_project(tmp_path / "p", files, select=["BK111"])
    assert analyze([root], use_cache=False).findings == []
