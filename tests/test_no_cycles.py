"""Summarising a file leaves no reference cycles behind.

The parsing workers run with the cycle collector off (``runner.paused_gc``; the analysis
commands turn it off), so anything a file's summary left in a cycle stayed in the worker for
the rest of the run: ``ast.literal_eval`` (behind libcst's ``evaluated_value``) leaves its
nested functions in one on every call, and the expression converter held its own bound
methods, keeping every expression it had converted alive. On 500k lines each worker grew to
about 240 MB; it now stays near 110 MB (``bench/bench.py --memory``).
"""

from __future__ import annotations

import gc
from pathlib import Path

import libcst as cst
import pytest

from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.engine import configured_file_rules, file_task
from backendkit.perfile import summarize_file
from backendkit.summary.literals import token_value

SOURCE = """\
import os

from fastapi import FastAPI, Header, HTTPException

API_KEY = os.getenv("API_KEY", "")
LIMITS = {"small": 10, "large": 1_000, "ratio": 0.5, "huge": 1e6, "raw": r"\\d+", "b": b"x"}
app = FastAPI(title="demo " "app")


@app.get("/items/{item_id}")
def read_item(item_id: int, x_token: str = Header("")) -> dict:
    if x_token == "" or "user" in LIMITS:
        raise HTTPException(status_code=401, detail="no token")
    name = getattr(app, "title", "none")
    return {"id": item_id, "name": name, "mode": f"{name}-{item_id}", "z": 0x1F + 3j}
"""


def test_summarising_leaves_no_reference_cycles(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SOURCE * 20, encoding="utf-8")
    rules = configured_file_rules(load_config(tmp_path, load_catalogue()))
    task = file_task(tmp_path, path)
    summarize_file(task, rules, None)  # imports and first-use caches out of the way
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        summary = summarize_file(task, rules, None)
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()
    assert summary.parsed
    assert summary.line_count == 15 * 20


@pytest.mark.parametrize(
    "text",
    ['"a\\tb"', "'''x'''", 'b"\\x00"', 'r"\\d"', "u'é'", "1_000", "0x1F", "1e6", "2.5", "3j"],
)
def test_token_value_is_what_libcst_evaluates(text: str) -> None:
    node = cst.parse_expression(text)
    assert token_value(node) == node.evaluated_value  # type: ignore[union-attr]
