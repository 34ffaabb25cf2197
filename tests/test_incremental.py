"""The project snapshot: unchanged projects are not analysed again, changed files are, and the
output is always that of a run without any cache (cached, parallel or neither)."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

from backendkit import analyze, engine, incremental, runner
from backendkit.cache import MAGIC
from backendkit.filetask import FileTask
from backendkit.result import AnalysisResult
from helpers import write_project

DEPS = """\
from typing import Annotated

from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/login")


async def get_current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> str:
    return token


CurrentUser = Annotated[str, Depends(get_current_user)]
"""

#: The same module with the scheme dropped: the route below loses its authentication.
DEPS_WITHOUT_AUTH = DEPS.replace(
    "token: Annotated[str, Depends(oauth2_scheme)]", "token: str = 'anonymous'"
)

ITEMS = """\
from fastapi import APIRouter

from app.deps import CurrentUser

router = APIRouter(prefix="/items")


@router.delete("/{item_id}", status_code=204)
async def delete_item(item_id: int, user: CurrentUser) -> None:
    return None
"""

MAIN = """\
from fastapi import FastAPI

from app import items

app = FastAPI()
app.include_router(items.router)
"""

FILES = {
    "app/__init__.py": "",
    "app/deps.py": DEPS,
    "app/items.py": ITEMS,
    "app/main.py": MAIN,
    "app/big.py": "x = 1\n" * 30,
}
OPTIONS = {"file-size": {"max-lines": 20}}
HOUR_NS = 3600 * 10**9


def everything(result: AnalysisResult) -> tuple[object, ...]:
    """Everything a run reports, for comparing runs."""
    return (result.files, result.findings, result.routes, result.notes, result.unparsed)


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A project whose route is authenticated through a dependency in another module."""
    return write_project(tmp_path / "proj", FILES, OPTIONS)


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots are dated an hour ahead, so the test's files (written just now) are past the
    racy window and their stat signatures are trusted, as for files edited long ago."""
    monkeypatch.setattr(incremental, "now_ns", lambda: time.time_ns() + HOUR_NS)


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Files really summarised, files read by the snapshot check, project passes run."""
    seen: dict[str, list[str]] = {"summarised": [], "read": [], "linked": []}
    summarize, read, link = runner.summarize_file, incremental.read_bytes, engine.link_project

    def summarizing(task: FileTask, *args: object) -> object:
        seen["summarised"].append(task.rel_path)
        return summarize(task, *args)  # type: ignore[arg-type]

    def reading(path: str) -> object:
        seen["read"].append(Path(path).name)
        return read(path)

    def linking(*args: object) -> object:
        seen["linked"].append("project")
        return link(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "summarize_file", summarizing)
    monkeypatch.setattr(incremental, "read_bytes", reading)
    monkeypatch.setattr(engine, "link_project", linking)
    return seen


def auth_of(result: AnalysisResult) -> list[str]:
    """The auth status of every route."""
    return [route.auth for route in result.routes]


@pytest.mark.usefixtures("settled")
def test_unchanged_project_is_served_from_the_snapshot(
    app: Path, counts: dict[str, list[str]]
) -> None:
    """A second run reads no file, summarises nothing and runs no project pass."""
    first = analyze([app])
    assert counts["linked"] == ["project"]
    for seen in counts.values():
        seen.clear()
    second = analyze([app])
    assert counts == {"summarised": [], "read": [], "linked": []}
    assert everything(second) == everything(first) == everything(analyze([app], use_cache=False))
    assert (app / ".backendkit_cache" / "project.pickle").is_file()


def test_edit_in_a_dependency_module_changes_the_route(
    app: Path, counts: dict[str, list[str]]
) -> None:
    """Editing deps.py re-summarises only deps.py, reruns the project pass, and the route in
    items.py loses its auth, exactly as a run without cache, in one or two processes, says."""
    before = analyze([app])
    assert auth_of(before) == ["required"]
    (app / "app" / "deps.py").write_text(DEPS_WITHOUT_AUTH, encoding="utf-8")
    for seen in counts.values():
        seen.clear()
    after = analyze([app])
    assert counts["summarised"] == ["app/deps.py"]
    assert counts["linked"] == ["project"]
    assert auth_of(after) == ["none"]
    new = {(f.path, f.code) for f in after.findings} - {(f.path, f.code) for f in before.findings}
    assert any(path == "app/items.py" for path, _code in new)
    assert everything(after) == everything(analyze([app], use_cache=False))
    assert everything(after) == everything(analyze([app], use_cache=False, workers=2))
    assert everything(after) == everything(analyze([app], workers=1))


def test_comment_edit_skips_the_project_pass(app: Path, counts: dict[str, list[str]]) -> None:
    """A comment appended to a file leaves its summary's shape alone: the file is summarised
    again (its file findings may change) but the project findings and routes are reused."""
    analyze([app])
    with (app / "app" / "items.py").open("a", encoding="utf-8") as out:
        out.write("# a comment\n" * 30)
    for seen in counts.values():
        seen.clear()
    result = analyze([app])
    assert counts["summarised"] == ["app/items.py"]
    assert counts["linked"] == []
    assert ("app/items.py", "BK402") in {(f.path, f.code) for f in result.findings}
    assert everything(result) == everything(analyze([app], use_cache=False))


@pytest.mark.parametrize("marked_first", [False, True])
def test_public_marker_edit_reruns_the_project_pass(app: Path, marked_first: bool) -> None:
    """Adding or removing a '# backendkit: public' comment changes the route inventory, so it
    is not a mere comment edit: the cached run agrees with a run without cache both ways."""
    items = app / "app" / "items.py"
    plain = ITEMS.replace(", user: CurrentUser", "")
    marked = plain.replace("-> None:\n", "-> None:  # backendkit: public\n", 1)
    first, second = (marked, plain) if marked_first else (plain, marked)
    items.write_text(first, encoding="utf-8")
    before = analyze([app])
    items.write_text(second, encoding="utf-8")
    after = analyze([app])
    assert [r.public for r in after.routes] == [not marked_first]
    assert [r.public for r in before.routes] == [marked_first]
    assert everything(after) == everything(analyze([app], use_cache=False))


@pytest.mark.usefixtures("settled")
def test_edit_keeping_size_and_mtime_is_seen(app: Path) -> None:
    """An edit that keeps the file's size and restores its mtime still changes its ctime."""
    analyze([app])
    deps = app / "app" / "deps.py"
    stat = deps.stat()
    deps.write_text(DEPS.replace("Depends(oauth2_scheme)", "Depends(get_settings1)"), "utf-8")
    os.utime(deps, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert deps.stat().st_size == stat.st_size
    result = analyze([app])
    assert auth_of(result) != ["required"]
    assert everything(result) == everything(analyze([app], use_cache=False))


def test_fresh_files_are_hashed_not_trusted(app: Path, counts: dict[str, list[str]]) -> None:
    """Files changed within the racy window of the snapshot (here: all, written just before
    it) are read and hashed again, but not summarised again when their content is the same."""
    analyze([app])
    counts["read"].clear()
    counts["summarised"].clear()
    analyze([app])
    assert sorted(counts["read"]) == ["__init__.py", "big.py", "deps.py", "items.py", "main.py"]
    assert counts["summarised"] == []


def test_deleted_and_added_files(app: Path) -> None:
    """Removing the dependency module and adding a file give the uncached result."""
    analyze([app])
    (app / "app" / "deps.py").unlink()
    (app / "app" / "extra.py").write_text("y = 2\n" * 25, encoding="utf-8")
    result = analyze([app])
    assert "app/deps.py" not in result.files
    assert everything(result) == everything(analyze([app], use_cache=False))


@pytest.mark.parametrize(
    "payload",
    [b"", b"junk", MAGIC + b"\x80\x05broken", MAGIC + pickle.dumps({"foreign": 1})],
    ids=["empty", "junk", "bad-pickle", "foreign"],
)
def test_damaged_snapshot_is_ignored(app: Path, payload: bytes) -> None:
    """A damaged or foreign snapshot is never trusted and is rewritten."""
    expected = everything(analyze([app]))
    snapshot = app / ".backendkit_cache" / "project.pickle"
    snapshot.write_bytes(payload)
    assert everything(analyze([app])) == expected
    assert snapshot.read_bytes().startswith(MAGIC)
    assert len(snapshot.read_bytes()) > 100


def test_option_change_reruns_the_project_pass(app: Path, counts: dict[str, list[str]]) -> None:
    """Another auth option is another snapshot key: the project pass runs again."""
    analyze([app])
    write_project(app, {}, {**OPTIONS, "auth": {"public-paths": ["/items/*"]}})
    counts["linked"].clear()
    result = analyze([app])
    assert counts["linked"] == ["project"]
    assert everything(result) == everything(analyze([app], use_cache=False))


def test_file_list_reports_those_files_and_the_routes_they_open(app: Path) -> None:
    """Decided behaviour (README, pre-commit): findings are reported in the files they show in,
    and a route's missing authentication also in a run of a file it is made of (``related``).
    Linting only deps.py after it loses the auth check reports the route in items.py it
    opened (and nothing else of items.py); linting items.py reports all of that file's; the
    cached run agrees."""
    (app / "app" / "deps.py").write_text(DEPS_WITHOUT_AUTH, encoding="utf-8")
    whole = analyze([app])
    in_items = {f.code for f in whole.findings if f.path == "app/items.py"}
    assert "BK101" in in_items
    only_deps = analyze([app / "app" / "deps.py"])
    elsewhere = [f for f in only_deps.findings if f.path != "app/deps.py"]
    assert elsewhere
    assert all(f.code == "BK101" and "app/deps.py" in f.related for f in elsewhere)
    assert {f.path for f in elsewhere} == {"app/items.py"}
    items = analyze([app / "app" / "items.py"])
    assert {f.code for f in items.findings} == in_items
    assert everything(only_deps) == everything(analyze([app / "app" / "deps.py"], use_cache=False))
