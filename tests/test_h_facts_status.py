"""BK201/BK202 read the status a handler assigns to its ``Response`` parameter
(``response.status_code = 201``, ``Scope.attr_assigns``): an assigned 201/204 (a number or a
``status`` constant) is the route's status, an assignment the analysis cannot evaluate leaves it
unknown, an assigned 200 is the default. A ``Response`` parameter whose status is never assigned
(unused, or only given headers) no longer hides the default status: those routes are reported.
The statuses FastAPI really answers are checked with its test client."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

MAIN = """\
import random

from fastapi import FastAPI, Response, status

app = FastAPI()


@app.post("/unused")
def create_unused(name: str, response: Response) -> dict:
    return {"name": name}


@app.post("/headers")
def create_headers(name: str, response: Response) -> dict:
    response.headers["X-Name"] = name
    return {"name": name}


@app.post("/number")
def create_number(name: str, response: Response) -> dict:
    response.status_code = 201
    return {"name": name}


@app.post("/constant")
def create_constant(name: str, response: Response) -> dict:
    response.status_code = status.HTTP_201_CREATED
    return {"name": name}


@app.post("/ok")
def create_ok(name: str, response: Response) -> dict:
    response.status_code = 200
    return {"name": name}


@app.post("/computed")
def create_computed(name: str, response: Response) -> dict:
    response.status_code = random.choice([200, 201])
    return {"name": name}


class Box:
    status_code = 200


@app.post("/other")
def create_other(name: str) -> dict:
    box = Box()
    box.status_code = 201
    return {"name": name}


@app.delete("/unused/{name}")
def delete_unused(name: str, response: Response) -> None:
    return None


@app.delete("/assigned/{name}")
def delete_assigned(name: str, response: Response) -> None:
    response.status_code = status.HTTP_204_NO_CONTENT
"""

#: (rule, line of the decorator) of the routes that answer 200
REPORTED = [
    ("BK201", 8),  # unused Response parameter
    ("BK201", 13),  # headers only
    ("BK201", 31),  # an assigned 200
    ("BK201", 47),  # the status of another object
    ("BK202", 54),  # unused Response parameter
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project, checked for BK201 and BK202."""
    root = tmp_path_factory.mktemp("status") / "p"
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    return write_project(root, files, select=["BK201", "BK202"])


def test_assigned_statuses(project: Path) -> None:
    found = sorted((f.code, f.line) for f in analyze([project]).findings)
    assert found == REPORTED


def test_statuses_match_fastapi(project: Path) -> None:
    """What FastAPI answers: 200 where reported, the assigned status elsewhere."""
    with imported_app(project, "app.main:app") as application:
        client = TestClient(application)
        posts = {p: client.post(f"/{p}?name=x").status_code for p in ("unused", "headers")}
        posts |= {p: client.post(f"/{p}?name=x").status_code for p in ("number", "constant")}
        posts |= {p: client.post(f"/{p}?name=x").status_code for p in ("ok", "other")}
        deletes = {p: client.delete(f"/{p}/x").status_code for p in ("unused", "assigned")}
    assert posts == {
        "unused": 200,
        "headers": 200,
        "number": 201,
        "constant": 201,
        "ok": 200,
        "other": 200,
    }
    assert deletes == {"unused": 200, "assigned": 204}
