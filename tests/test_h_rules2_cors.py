"""BK103 and a wildcard a helper returns on one of its paths: ``allow_origins=_get_origins()``
where the helper binds ``computed = ["*"]`` when the setting is unset is reported; a helper
whose every binding lists origins is not."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware


def _get_origins():
    raw = os.getenv("CORS_ORIGINS")
    if raw is None or raw.strip() == "":
        computed = ["*"]
    else:
        computed = [o.strip() for o in raw.split(",")]
    return computed


def _listed_origins():
    raw = os.getenv("CORS_ORIGINS")
    if raw is None:
        computed = ["https://app.example.com"]
    else:
        computed = raw.split(",")
    return computed


ORIGINS = _get_origins()
app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=_get_origins(), allow_credentials=True)
app.add_middleware(CORSMiddleware, allow_origins=ORIGINS)
app.add_middleware(CORSMiddleware, allow_origins=_listed_origins(), allow_credentials=True)
"""


def test_a_wildcard_on_one_path_of_a_helper(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    found = [
        (f.line, f.severity.value, f.message.split(":")[0].split(";")[0])
        for f in analyze([root]).findings
        if f.code == "BK103"
    ]
    assert found == [
        (
            27,
            "error",
            "CORS allow_origins contains '*' on one of the paths of _get_origins() together "
            "with allow_credentials=True",
        ),
        (28, "warning", "CORS allow_origins contains '*' on one of the paths of _get_origins()"),
    ]


UNPACKED = """\
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware


def _get_cors_config():
    configured = os.getenv("CORS_ORIGINS")
    if configured:
        return configured.split(","), True
    return ["*"], True


def _listed_config():
    return ["https://a.example"], True


origins, allow_credentials = _get_cors_config()
listed, listed_credentials = _listed_config()
app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=allow_credentials)
app.add_middleware(CORSMiddleware, allow_origins=listed, allow_credentials=listed_credentials)
"""


def test_a_wildcard_unpacked_from_a_helper_tuple(tmp_path: Path) -> None:
    """litellm's ``origins, allow_cors_credentials = _get_cors_config()`` with a fallback of
    ``["*"], True``: the unpacked names are the items of the returned tuples."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": UNPACKED})
    found = [(f.line, f.severity.value) for f in analyze([root]).findings if f.code == "BK103"]
    assert found == [(21, "error")]
