"""BK202 and DELETE handlers that return a body: ``response_model=None`` (letta's
``delete_provider`` returning a ``JSONResponse``) or ``-> None`` declares no schema, but a
handler that returns a value still sends it, so the route is not "body-less" and its unsafe
fix (``status_code=204``, which makes FastAPI drop the body) is never offered. FastAPI's test
client says what each route really answers, before and after ``--fix --unsafe-fixes``."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from backendkit.fixes import apply_fixes, fix_source
from helpers import write_project
from truth import imported_app

MAIN = """\
from fastapi import FastAPI, status
from fastapi.responses import JSONResponse

app = FastAPI()


@app.delete("/providers/{provider_id}", response_model=None)
async def delete_provider(provider_id: str):
    return JSONResponse(status_code=status.HTTP_200_OK, content={"message": "deleted"})


@app.delete("/items/{item_id}")
async def delete_item(item_id: int):
    return {"deleted": item_id}


@app.delete("/things/{thing_id}", response_model=None)
async def delete_thing(thing_id: int):
    return {"deleted": thing_id}


@app.delete("/annotated/{thing_id}")
async def delete_annotated(thing_id: int) -> None:
    if thing_id:
        return {"deleted": thing_id}
    return None


@app.delete("/nothing/{thing_id}", response_model=None)
async def delete_nothing(thing_id: int):
    if thing_id:
        return
    return None


@app.delete("/none/{thing_id}")
async def delete_none(thing_id: int) -> None:
    def describe() -> dict:
        return {"deleted": thing_id}

    describe()
"""

#: the routes whose handler returns a body: (path, body FastAPI sends)
BODIES = {
    "/providers/p1": {"message": "deleted"},
    "/items/1": {"deleted": 1},
    "/things/1": {"deleted": 1},
    "/annotated/1": {"deleted": 1},
}
#: decorator lines of the body-less routes, which stay reported
BODYLESS = [29, 36]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project, checked for BK202."""
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    return write_project(tmp_path / "p", files, select=["BK202"])


def _answers(project: Path) -> dict[str, tuple[int, object]]:
    """What FastAPI answers a DELETE of each route: (status, JSON body or None if empty)."""
    paths = [*BODIES, "/nothing/1", "/none/1"]
    with imported_app(project, "app.main:app") as application:
        client = TestClient(application)
        answers = {path: client.delete(path) for path in paths}
    return {p: (r.status_code, r.json() if r.content else None) for p, r in answers.items()}


def test_only_bodyless_deletes_are_reported(project: Path) -> None:
    """A handler returning a value is not reported whatever ``response_model=`` or its
    annotation says; ``return``, ``return None`` and a nested function's return are no body."""
    found = [(f.code, f.line) for f in analyze([project]).findings]
    assert found == [("BK202", line) for line in BODYLESS]


def test_reported_routes_answer_200_without_a_body(project: Path) -> None:
    """FastAPI's truth: the body-returning routes send their body with 200, the reported ones
    send ``null`` with 200."""
    answers = _answers(project)
    assert {p: answers[p] for p in BODIES} == {p: (200, body) for p, body in BODIES.items()}
    assert answers["/nothing/1"] == answers["/none/1"] == (200, None)


def test_unsafe_fix_keeps_every_body(project: Path) -> None:
    """``--fix --unsafe-fixes`` adds 204 to the body-less routes only: every body is still
    sent, and nothing is reported afterwards."""
    apply_fixes(project, analyze([project]).findings, unsafe=True)
    text = (project / "app" / "main.py").read_text()
    assert text.count("status_code=204") == 2
    assert '@app.delete("/nothing/{thing_id}", response_model=None, status_code=204)' in text
    assert '@app.delete("/none/{thing_id}", status_code=204)' in text
    answers = _answers(project)
    assert {p: answers[p] for p in BODIES} == {p: (200, body) for p, body in BODIES.items()}
    assert answers["/nothing/1"] == answers["/none/1"] == (204, None)
    assert analyze([project]).findings == []


def test_fix_refuses_204_for_a_handler_returning_a_body() -> None:
    """Even asked to (a stale finding, a baseline), the fix adds no 204 to a handler that
    returns a value; one with only ``return``/``return None`` gets it."""
    lines = [n for n, line in enumerate(MAIN.splitlines(), 1) if line.startswith("@app.delete")]
    fixed = fix_source(MAIN, {"BK202": lines})
    assert fixed.count("status_code=204") == 2
    assert fixed == fix_source(MAIN, {"BK202": BODYLESS})
