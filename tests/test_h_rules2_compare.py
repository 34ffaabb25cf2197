"""BK113 and module constants bound to literals: comparing with one (a sentinel, a group-by
level name) is comparing with a literal in the source, as ``token_type == "bearer"`` is; a
constant read from the environment, a settings attribute and a function's local are still
secrets."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

CONSTANTS = """\
import os
from typing import Final

PTU_SENTINEL_API_KEY: Final[str] = "__ptu_flat_cost__"
ADMIN_TOKEN = os.environ["ADMIN_TOKEN"]
LAZY_API_KEY = None


def init() -> None:
    global LAZY_API_KEY
    LAZY_API_KEY = os.environ["API_KEY"]
"""

ACTIVITY = """\
from typing import Final, Optional

from app import constants
from app.constants import ADMIN_TOKEN, LAZY_API_KEY, PTU_SENTINEL_API_KEY

_GROUP_DATE_API_KEY: Final = "date_api_key"
REBOUND_TOKEN = "first"
REBOUND_TOKEN = load_token()


class Settings:
    API_KEY: str = ""


settings = Settings()


def bucket(level: str, api_key: Optional[str]) -> str:
    if level == _GROUP_DATE_API_KEY:
        return "by-key"
    if api_key == PTU_SENTINEL_API_KEY or api_key != constants.PTU_SENTINEL_API_KEY:
        return "ptu"
    return "other"


def check(x_token: str, api_key: str) -> bool:
    expected_token = "local"
    if x_token == ADMIN_TOKEN:
        return True
    if api_key == settings.API_KEY:
        return True
    if x_token == REBOUND_TOKEN:
        return True
    if api_key == LAZY_API_KEY:
        return True
    return x_token == expected_token


def load_token() -> str:
    return "t"
"""


def test_constants_bound_to_literals_are_literals(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/constants.py": CONSTANTS, "app/activity.py": ACTIVITY}
    root = write_project(tmp_path / "p", files, select=["BK113"])
    found = [(f.path, f.line, f.message.split(" compared")[0]) for f in analyze([root]).findings]
    assert found == [
        ("app/activity.py", 28, "x_token"),  # ADMIN_TOKEN is read from the environment
        ("app/activity.py", 30, "api_key"),  # a settings attribute: its default is no constant
        ("app/activity.py", 32, "x_token"),  # REBOUND_TOKEN's latest binding is a call
        ("app/activity.py", 34, "api_key"),  # None, filled in by a function through global
        ("app/activity.py", 36, "x_token"),  # a function's local: only module constants count
    ]
