"""One definition of "the same endpoint" (``Route.endpoint_key``): a registration (file, line,
methods) of one handler, of one kind. A router included twice serves one endpoint at two paths:
reported once by BK101 (with the other path) and by BK205. A loop registering two handlers on
one line makes two endpoints: each is reported, by BK101 and BK205 alike."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter()


@router.post("/items/create-item")
def create_item() -> int:
    return 1


def make_a() -> int:
    return 1


def make_b() -> int:
    return 2


for path, handler in [("/a/create", make_a), ("/b/create", make_b)]:
    app.add_api_route(path, handler, methods=["POST"])

app.include_router(router, prefix="/v1")
app.include_router(router, prefix="/v2")
"""


def test_endpoints_reported_once_per_problem(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    root = write_project(tmp_path / "p", files, select=["BK101", "BK205"])
    result = analyze([root])
    found = sorted((f.code, f.line, f.message.split(" has ")[0]) for f in result.findings)
    assert [(code, line) for code, line, _ in found] == [
        ("BK101", 7),
        ("BK101", 21),
        ("BK101", 21),
        ("BK205", 7),
        ("BK205", 21),
        ("BK205", 21),
    ]
    assert "(also at /v2/items/create-item)" in found[0][2]
    verbs = {f.message.split(" contains ")[0] for f in result.findings if f.code == "BK205"}
    assert verbs == {"Path /v1/items/create-item", "Path /a/create", "Path /b/create"}
    twice = [r for r in result.routes if r.handler.endswith(":create_item")]
    assert len({r.endpoint_key() for r in twice}) == 1
    looped = [r for r in result.routes if r.line == 21]
    assert len({r.endpoint_key() for r in looped}) == 2
