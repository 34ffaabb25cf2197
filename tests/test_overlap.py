"""A few changed files of a large project are parsed in a forked child while this process
loads the other summaries (``incremental._Overlap`` on ``fanout.beside``): the same results as
a run without cache, a comment-only change still served by the snapshot, and a child that
fails replaced by the work done here."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from backendkit import analyze, engine, fanout, incremental
from backendkit.result import AnalysisResult
from helpers import count_calls, write_project

FORK = hasattr(os, "fork")


def test_beside_runs_the_second_function_in_a_child() -> None:
    """``second`` runs in another process; ``first`` gets a peek that does not wait and, once
    the child is done, returns its result."""
    parent = os.getpid()
    seen: list[object] = []

    def first(peek: Callable[[], object]) -> int:
        seen.append(peek())  # the child has barely started: nothing yet, and no waiting
        deadline = time.monotonic() + 10
        while (got := peek()) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(got)
        return os.getpid()

    def second() -> int:
        time.sleep(0.2)
        return os.getpid()

    mine, theirs = fanout.beside(first, second)
    assert mine == parent
    assert seen[1] == theirs
    if FORK:
        assert seen[0] is None
        assert theirs != parent


def test_beside_without_fork_runs_the_second_function_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where fork cannot be used, ``second`` runs here first and the peek has its result."""
    monkeypatch.setattr(fanout, "_can_fork", lambda: False)
    order: list[str] = []

    def first(peek: Callable[[], object]) -> object:
        order.append("first")
        return peek()

    def second() -> str:
        order.append("second")
        return "done"

    assert fanout.beside(first, second) == ("done", "done")
    assert order == ["second", "first"]


@pytest.mark.skipif(not FORK, reason="needs fork")
def test_beside_redoes_a_failed_child_here() -> None:
    """A child that raises sends nothing whole: the peek stays None and ``second`` is redone
    in this process."""
    parent = os.getpid()
    peeks: list[object] = []

    def second() -> int:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return 7

    def first(peek: Callable[[], object]) -> None:
        time.sleep(0.3)
        peeks.append(peek())

    assert fanout.beside(first, second) == (None, 7)
    assert peeks == [None]


def _module(number: int) -> str:
    return f"def helper_{number}(value: int) -> int:\n    return value + {number}\n"


MAIN = """\
from fastapi import FastAPI

from app.mod_1 import helper_1

app = FastAPI()


@app.delete("/items/{item_id}")
def delete_item(item_id: int) -> int:
    return helper_1(item_id)
"""


@pytest.fixture
def overlaps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How often a run parsed beside the loading (the threshold lowered to reach it)."""
    monkeypatch.setattr(incremental, "OVERLAP_MIN_FILES", 10)
    return count_calls(monkeypatch, fanout, "beside")


@pytest.fixture
def big(tmp_path: Path) -> Path:
    """A project of 30 files."""
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    files.update({f"app/mod_{n}.py": _module(n) for n in range(1, 29)})
    return write_project(tmp_path / "big", files)


def _all(result: AnalysisResult) -> tuple[object, ...]:
    return (result.findings, result.routes, result.notes, result.unparsed)


def test_code_change_beside_loading_matches_a_run_without_cache(
    big: Path, monkeypatch: pytest.MonkeyPatch, overlaps: list[int]
) -> None:
    """A code change in one file (a route added): its summary comes from the child, the
    others from the cache, and the result is a run without cache's."""
    analyze([big], workers=2)
    with (big / "app" / "main.py").open("a", encoding="utf-8") as out:
        out.write('\n\n@app.post("/items")\ndef create_item(item: int) -> int:\n    return item\n')
    links = count_calls(monkeypatch, engine, "link_project")
    after = analyze([big], workers=2)
    assert overlaps == [1]
    assert links == [1]
    assert sorted(r.path for r in after.routes) == ["/items", "/items/{item_id}"]
    assert _all(after) == _all(analyze([big], use_cache=False, workers=1))


def test_comment_change_beside_loading_is_served_by_the_snapshot(
    big: Path, monkeypatch: pytest.MonkeyPatch, overlaps: list[int]
) -> None:
    """A comment appended to a file: the child's summary shows the shapes unchanged, and the
    project pass is not run."""
    first = analyze([big], workers=2)
    with (big / "app" / "mod_3.py").open("a", encoding="utf-8") as out:
        out.write("# only a comment\n")
    links = count_calls(monkeypatch, engine, "link_project")
    after = analyze([big], workers=2)
    assert overlaps == [1]
    assert links == []
    assert _all(after) == _all(first)


def test_the_child_writes_the_changed_file_to_the_cache(
    big: Path, monkeypatch: pytest.MonkeyPatch, overlaps: list[int]
) -> None:
    """The changed file's summary, made in the child, is in the per-file cache afterwards:
    the same content later (after the snapshot is gone) is not parsed again."""
    analyze([big], workers=2)
    (big / "app" / "mod_5.py").write_text(_module(5) + "\n\nLIMIT = 5\n", encoding="utf-8")
    analyze([big], workers=2)
    assert overlaps == [1]
    (big / ".backendkit_cache" / "project.pickle").unlink()
    parsed: list[str] = []
    from backendkit import runner

    real = runner.summarize_file

    def counting(task: object, *args: object, **kwargs: object) -> object:
        parsed.append(task.rel_path)  # type: ignore[attr-defined]
        return real(task, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "summarize_file", counting)
    analyze([big], workers=1)
    assert parsed == []
