"""BK301 and the context managers a FastAPI project opens its sessions and clients with:
``with Session(engine) as s:``, ``with engine.connect() as c:``, ``with httpx.Client() as c:``
(what ``with X(...) as y`` binds is typed as the call graph types ``y = X(...)``), and
httpx's module-level ``httpx.get(url)``; an ``async with AsyncSession(...)`` is no blocking
call (a new user's trial: each was missed)."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
from fastapi import FastAPI
from sqlmodel import Session, create_engine, text
import httpx

engine = create_engine("sqlite://")
app = FastAPI()


def count() -> int:
    with Session(engine) as s:
        return s.exec(text("select 1")).one()


def count2() -> int:
    with engine.connect() as c:
        return c.execute(text("select 1")).scalar()


def fetch() -> str:
    with httpx.Client() as c:
        return c.get("https://x").text


def rate() -> str:
    return httpx.get("https://x").text


def plain() -> int:
    s = Session(engine)
    return s.exec(text("select 1")).one()


@app.get("/a")
async def a() -> int:  # backendkit: public
    return count()


@app.get("/b")
async def b() -> int:  # backendkit: public
    return count2()


@app.get("/c")
async def c() -> str:  # backendkit: public
    return fetch()


@app.get("/r")
async def r() -> str:  # backendkit: public
    return rate()


@app.get("/p")
async def p() -> int:  # backendkit: public
    return plain()


@app.get("/d")
async def d() -> int:  # backendkit: public
    with Session(engine) as s:
        return s.exec(text("select 1")).one()


async def fine() -> int:
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    async with AsyncSession(create_async_engine("sqlite+aiosqlite://")) as s:
        return (await s.execute(text("select 1"))).scalar()


@app.get("/e")
async def e() -> int:  # backendkit: public
    return await fine()
"""


def test_sessions_and_clients_entered_with_with_are_typed(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    root = write_project(tmp_path / "p", files, select=["BK301"])
    found = {f.line: f.message for f in analyze([root], use_cache=False).findings}
    assert sorted(found) == [35, 40, 45, 50, 55, 61]
    assert "-> sqlmodel.Session.exec (line 11)" in found[35]
    assert "-> sqlalchemy.engine.Engine.connect (line 15)" in found[40]
    assert "-> httpx.Client.get (line 21)" in found[45]
    assert "-> httpx.get (line 25)" in found[50]
    assert "-> sqlmodel.Session.exec (line 61)" in found[61]


ENGINE = """\
from fastapi import FastAPI
from sqlalchemy import create_engine, text

engine = create_engine("postgresql://db/app")
app = FastAPI()


@app.get("/dialect")  # backendkit: public
async def dialect() -> dict[str, str]:
    return {"url": engine.url.render_as_string(hide_password=True), "d": engine.dialect.name}


@app.get("/opts")  # backendkit: public
async def opts() -> dict[str, str]:
    ro = engine.execution_options(isolation_level="AUTOCOMMIT")
    return {"status": engine.pool.status(), "ro": str(ro)}


def count() -> int:
    with engine.connect() as conn:
        return conn.execute(text("select 1")).scalar_one()


@app.get("/count")  # backendkit: public
async def counted() -> int:
    return count()
"""


def test_what_an_engine_knows_without_the_database_does_not_block(tmp_path: Path) -> None:
    """A review's false alarm: ``engine.url``, ``engine.dialect``, ``execution_options`` and
    ``pool.status()`` do no I/O; ``engine.connect()`` does."""
    root = write_project(tmp_path / "p", {"app.py": ENGINE}, select=["BK301"])
    found = [(f.line, f.message) for f in analyze([root], use_cache=False).findings]
    assert [line for line, _ in found] == [26]
    assert "sqlalchemy.engine.Engine.connect" in found[0][1]


SESSION = """\
import requests
from fastapi import FastAPI

app = FastAPI()


def fetch(url: str) -> str:
    session = requests.Session()
    return session.get(url).text


@app.get("/f")  # backendkit: public
async def f() -> str:
    return fetch("https://x")
"""


def test_a_requests_session_blocks_at_its_request_not_its_construction(tmp_path: Path) -> None:
    """A new user's trial: the chain named ``requests.Session()`` (line 8), which connects
    nothing, instead of the ``get`` that does."""
    root = write_project(tmp_path / "p", {"app.py": SESSION}, select=["BK301"])
    found = [f.message for f in analyze([root], use_cache=False).findings]
    assert len(found) == 1
    assert "-> requests.Session.get (line 9)" in found[0]
