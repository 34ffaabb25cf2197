"""BK301 beyond its examples: blocking calls made directly by an async route that ruff's ASYNC
rules do not know (a sync database session), and async background tasks."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

DB = """\
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session, create_engine

engine = create_engine("sqlite://")


def get_session():
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
"""

ROUTES = """\
import smtplib
import time

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import select

from app.db import SessionDep

router = APIRouter()


async def notify(address: str) -> None:
    with smtplib.SMTP("localhost") as smtp:
        smtp.sendmail("app@example.com", [address], "hi")


@router.get("/items")
async def list_items(session: SessionDep) -> list[str]:
    return list(session.exec(select(1)).all())


@router.post("/signup", status_code=201)
async def signup(address: str, tasks: BackgroundTasks) -> dict[str, str]:
    tasks.add_task(notify, address)
    return {}


@router.get("/nap")
async def nap() -> dict[str, str]:
    time.sleep(1)
    return {}
"""


def test_direct_session_call_and_async_background_task(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/db.py": DB, "app/routes.py": ROUTES}
    root = write_project(tmp_path / "p", files, select=["BK301"])
    found = {(f.line, f.message.split(" blocks")[0]) for f in analyze([root]).findings}
    assert found == {
        (19, "async route handler app.routes.list_items"),
        (13, "async background task app.routes.notify"),
    }  # time.sleep directly in nap() is ruff's ASYNC251, not repeated here


def test_default_list_matches_the_catalogue() -> None:
    """The code's default list and the documented option default are the same list."""
    from backendkit.catalogue import load_catalogue
    from backendkit.rules.architecture import (
        BLOCKING_CALLS,
        NON_BLOCKING_CALLS,
        RUFF_ASYNC_CALLS,
    )

    info = load_catalogue()["BK301"]
    assert list(BLOCKING_CALLS) == info.options["blocking-calls"]
    assert list(NON_BLOCKING_CALLS) == info.options["non-blocking-calls"]
    assert set(RUFF_ASYNC_CALLS) == {
        "time.sleep",
        "requests.*",
        "urllib.request.urlopen",
        "httpx.Client",
        "httpx.Client.*",
        *(f"httpx.{verb}" for verb in ("request", "get", "options", "head", "post", "put")),
        *(f"httpx.{verb}" for verb in ("patch", "delete", "stream")),  # ASYNC210 too
        "builtins.open",
        "subprocess.*",
        "os.system",
    }


SELF_CALL = """\
import requests
from fastapi import Depends, FastAPI

app = FastAPI()


def get_rate() -> float:
    return requests.get("https://rates.example.com/eur", timeout=5).json()["rate"]


@app.get("/declared")
async def declared(rate: float = Depends(get_rate)) -> float:
    return rate


@app.get("/called")
async def called(rate: float = Depends(get_rate)) -> float:
    return rate * get_rate()
"""


def test_a_dependency_the_route_also_calls_itself_is_followed(tmp_path: Path) -> None:
    """FastAPI runs the sync dependency in its thread pool, but the route's own call of it
    runs on the event loop: only that route is reported, at its call."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": SELF_CALL})
    found = [f for f in analyze([root], use_cache=False).findings if f.code == "BK301"]
    assert [(f.path, f.line) for f in found] == [("app/main.py", 18)]
    assert "app.main.called -> app.main.get_rate (line 18) -> requests.get" in found[0].message


HANDED = """\
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from fastapi import BackgroundTasks, Depends, FastAPI

app = FastAPI()
pool = ThreadPoolExecutor()


def get_rate() -> float:
    return requests.get("https://rates.example.com/eur", timeout=5).json()["rate"]


@app.get("/task")
async def task(tasks: BackgroundTasks, rate: float = Depends(get_rate)) -> float:
    tasks.add_task(lambda: get_rate())
    return rate


@app.get("/pool")
async def pooled(rate: float = Depends(get_rate)) -> float:
    pool.submit(lambda: get_rate())
    threading.Thread(target=lambda: get_rate()).start()
    return rate


@app.get("/sorted")
async def in_sort(rate: float = Depends(get_rate)) -> list[float]:
    return sorted([rate], key=lambda r: r * get_rate())
"""


def test_a_lambda_handed_to_a_thread_is_not_a_call_of_the_route(tmp_path: Path) -> None:
    """A lambda given to ``add_task``, an executor's ``submit`` or ``Thread(target=...)`` runs
    outside the event loop; one given to ``sorted`` runs on it."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": HANDED})
    found = [f for f in analyze([root], use_cache=False).findings if f.code == "BK301"]
    assert [f.line for f in found] == [30]
