"""An ``and`` operand on configuration that is always true is no switch, checked against
FastAPI: ``os.getenv("API_KEY", "")`` is never ``None``, so ``if API_KEY is not None and key
!= API_KEY: raise 401`` always checks; a list built from ``.split(",")`` (``[""]`` for an
empty variable) is never empty. The same tests on values that may be ``None`` or empty, and
``len(KEYS) > 0`` on keys that may be empty, are switches (anonymous callers get in when
nothing is configured)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import guarded_routes, write_project
from truth import agrees_with_fastapi

MAIN = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException

API_KEY = os.getenv("BK_TEST_KEY", "")
MAYBE_KEY = os.getenv("BK_TEST_KEY")
ENV_KEY = os.environ.get("BK_TEST_KEY", "default")
SPLIT = [k.strip() for k in os.getenv("BK_TEST_KEY", "").split(",")]
PLAIN_SPLIT = os.getenv("BK_TEST_KEY", "").split(",")
FILTERED = [k for k in os.getenv("BK_TEST_KEY", "").split(",") if k]
BLANKS = os.getenv("BK_TEST_KEY", "").split()
KEYS = set(filter(None, os.getenv("BK_TEST_KEY", "").split(",")))
app = FastAPI()


def never_none(x_token: Optional[str] = Header(None)) -> None:
    if API_KEY is not None and x_token != API_KEY:
        raise HTTPException(status_code=401)


def env_default(x_token: Optional[str] = Header(None)) -> None:
    if ENV_KEY is not None and x_token != ENV_KEY:
        raise HTTPException(status_code=401)


def maybe_none(x_token: Optional[str] = Header(None)) -> None:
    if MAYBE_KEY is not None and x_token != MAYBE_KEY:
        raise HTTPException(status_code=401)


def split_list(x_token: Optional[str] = Header(None)) -> None:
    if SPLIT and x_token not in SPLIT:
        raise HTTPException(status_code=401)


def plain_split(x_token: Optional[str] = Header(None)) -> None:
    if len(PLAIN_SPLIT) > 0 and x_token not in PLAIN_SPLIT:
        raise HTTPException(status_code=401)


def filtered(x_token: Optional[str] = Header(None)) -> None:
    if FILTERED and x_token not in FILTERED:
        raise HTTPException(status_code=401)


def blanks(x_token: Optional[str] = Header(None)) -> None:
    if BLANKS and x_token not in BLANKS:
        raise HTTPException(status_code=401)


def counted(x_token: Optional[str] = Header(None)) -> None:
    if len(KEYS) > 0 and x_token not in KEYS:
        raise HTTPException(status_code=401)
"""

NAMES = [
    "never_none",
    "env_default",
    "maybe_none",
    "split_list",
    "plain_split",
    "filtered",
    "blanks",
    "counted",
]


def test_always_true_configuration_is_no_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BK_TEST_KEY", raising=False)
    main = guarded_routes(MAIN, NAMES)
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": main})
    result = agrees_with_fastapi(
        root,
        {
            "/never_none": (401, "required"),  # getenv with a default: never None
            "/env_default": (401, "required"),
            "/maybe_none": (200, "none"),  # getenv without one: None when unset
            "/split_list": (401, "required"),  # [""]: never empty
            "/plain_split": (401, "required"),
            "/filtered": (200, "none"),  # the empty key filtered out
            "/blanks": (200, "none"),  # "".split() is []
            "/counted": (200, "none"),  # len(KEYS) > 0: the keys may be empty
        },
    )
    switches = [f for f in result.findings if f.message.startswith("Configuration switch")]
    lines = main.splitlines()
    assert [(f.code, lines[f.line - 1].strip()) for f in switches] == [
        ("BK101", "if MAYBE_KEY is not None and x_token != MAYBE_KEY:"),
        ("BK101", "if FILTERED and x_token not in FILTERED:"),
        ("BK101", "if BLANKS and x_token not in BLANKS:"),
        ("BK101", "if len(KEYS) > 0 and x_token not in KEYS:"),
    ]
