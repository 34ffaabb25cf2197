"""BK103 on origins read from the environment through a comprehension: ``[o.strip() for o in
os.getenv("CORS_ORIGINS", "*").split(",")]`` is ``["*"]`` when the variable is unset, as the
split alone is; a default listing origins, an item passed to a function, or a filter the
analysis does not evaluate is not reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

ORIGINS = [o.strip().lower() for o in os.getenv("API_ORIGINS", "*").split(",")]
LISTED = [o.strip() for o in os.getenv("UI_ORIGINS", "https://ui.example").split(",")]
CLEANED = [clean(o) for o in os.getenv("UI_ORIGINS", "*").split(",")]
FILTERED = [o for o in os.getenv("UI_ORIGINS", "*").split(",") if o != "*"]


def clean(origin: str) -> str:
    return origin.strip()


app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=[o.strip() for o in os.getenv("CORS_ORIGINS", "*").split(",")],
    allow_credentials=True,
)
api = FastAPI()
api.add_middleware(CORSMiddleware, allow_origins=ORIGINS)
ui = FastAPI()
ui.add_middleware(CORSMiddleware, allow_origins=LISTED, allow_credentials=True)
ui.add_middleware(CORSMiddleware, allow_origins=CLEANED, allow_credentials=True)
ui.add_middleware(CORSMiddleware, allow_origins=FILTERED, allow_credentials=True)
"""


def test_a_comprehension_over_an_unset_variable_keeps_its_wildcard(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    found = [
        (f.line, f.severity.value, f.message.split(":")[0].split(";")[0])
        for f in analyze([root], use_cache=False).findings
        if f.code == "BK103"
    ]
    assert found == [
        (
            19,
            "error",
            "CORS allow_origins contains '*' when CORS_ORIGINS is unset (its default) together "
            "with allow_credentials=True",
        ),
        (23, "warning", "CORS allow_origins contains '*' when API_ORIGINS is unset (its default)"),
    ]
