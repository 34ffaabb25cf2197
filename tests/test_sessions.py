"""BK303 session-without-context-manager beyond its examples: factories across modules, async
sessions, the template's patterns, and what is deliberately not judged."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze, pipeline
from helpers import write_project

DB = """\
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlmodel import Session, create_engine
from sqlmodel.ext.asyncio.session import AsyncSession

engine = create_engine("sqlite://")
async_engine = create_async_engine("sqlite+aiosqlite://")
SessionFactory = async_sessionmaker(async_engine, class_=AsyncSession)


def new_session() -> Session:
    session = Session(engine)
    return session


def wrapped() -> Session:
    return new_session()
"""

SERVICES = """\
from contextlib import closing

from app.db import SessionFactory, new_session, wrapped
from app.db import SessionFactory as Factory


def managed() -> int:
    with new_session() as session:
        return 1


def managed_twice_removed() -> int:
    with wrapped() as session:
        return 1


def with_closing() -> int:
    session = new_session()
    with closing(session):
        return 1


def leaked() -> int:
    session = wrapped()
    return 1


async def managed_async() -> int:
    async with SessionFactory() as session:
        return 1


async def closed_in_finally() -> int:
    session = Factory()
    try:
        return 1
    finally:
        await session.close()


async def leaked_async() -> int:
    session = Factory()
    await session.commit()
    return 1


def one_shot() -> None:
    new_session().exec("SELECT 1")


class Repo:
    def __init__(self) -> None:
        self.session = new_session()


def handed_over() -> Repo:
    session = new_session()
    return Repo(session)
"""


def _found(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    root = write_project(tmp_path / "p", files, select=["BK303"])
    return sorted((f.path, f.line, f.message) for f in analyze([root]).findings)


def test_factories_are_judged_at_their_call_sites_across_modules(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/db.py": DB, "app/services.py": SERVICES}
    found = _found(tmp_path, files)
    assert [(path, line) for path, line, _ in found] == [
        ("app/services.py", 24),
        ("app/services.py", 42),
        ("app/services.py", 48),
    ]
    messages = [message for _, _, message in found]
    assert messages[0].startswith("wrapped() is never closed")
    assert messages[0].endswith("(in leaked)")
    assert messages[1].startswith("Factory() is never closed")
    assert "an exception leaves" not in messages[0]  # never closed at all, on any path
    assert "used once and never closed" in messages[2]


ROUTES = """\
from fastapi import APIRouter, Depends
from sqlmodel import Session

from app.db import new_session, wrapped

router = APIRouter(prefix="/items")


@router.get("/")
def items(session: Session = Depends(wrapped)) -> int:  # backendkit: ignore[BK101]
    return 1
"""

MAIN = """\
from fastapi import FastAPI

from app.routes import router

app = FastAPI()
app.include_router(router)
"""


@pytest.mark.parametrize("workers", [1, 2])
def test_only_factories_fastapi_calls_as_dependencies_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """``wrapped`` is a dependency of an included router's route: reported where it returns
    the session; ``new_session`` is a factory nobody depends on: judged at its callers only.
    BK303 runs before linking (in a fork with two workers) and settles this once linked."""
    monkeypatch.setattr(pipeline, "SPLIT_MIN_LINES", 0)
    files = {"app/__init__.py": "", "app/db.py": DB, "app/routes.py": ROUTES, "app/main.py": MAIN}
    root = write_project(tmp_path / "p", files, select=["BK303"])
    found = analyze([root], workers=workers, use_cache=False).findings
    assert [(f.path, f.line) for f in found] == [("app/db.py", 16)]
    assert found[0].message.startswith("wrapped returns new_session() to FastAPI")
    assert found[0].extra == {}


def test_closing_outside_finally_and_yield_without_close(tmp_path: Path) -> None:
    source = (
        "from sqlmodel import Session, create_engine\n\nengine = create_engine('sqlite://')\n\n\n"
        "def get_session():\n    session = Session(engine)\n    yield session\n"
        "    session.close()\n\n\n"
        "def get_other():\n    yield Session(engine)\n"
    )
    found = _found(tmp_path, {"app/__init__.py": "", "app/deps.py": source})
    assert [(line, message.split(":")[0]) for _, line, message in found] == [
        (7, "Session() is closed after the yield but not in `finally"),
        (13, "Session() is yielded but never closed; write `with Session() as session"),
    ]


def test_close_on_the_success_path_only(tmp_path: Path) -> None:
    source = (
        "from sqlalchemy.orm import Session\n\n\ndef count(engine) -> int:\n"
        "    session = Session(engine)\n    n = session.scalar('SELECT 1')\n"
        "    session.close()\n    return n\n"
    )
    (found,) = _found(tmp_path, {"app/__init__.py": "", "app/s.py": source})
    assert found[1] == 5
    assert found[2].startswith("Session() is closed only when nothing fails")


def test_unrelated_session_classes_and_module_level_sessions_are_ignored(tmp_path: Path) -> None:
    source = (
        "import requests\nfrom aiohttp import ClientSession\nfrom sqlmodel import Session\n\n"
        "from app.db import engine\n\nglobal_session = Session(engine)\n\n\n"
        "def fetch() -> None:\n    http = requests.Session()\n    client = ClientSession()\n"
    )
    files = {"app/__init__.py": "", "app/db.py": DB, "app/x.py": source}
    assert _found(tmp_path, files) == []


def test_pytest_fixtures_and_exit_stacks_close_sessions(tmp_path: Path) -> None:
    source = (
        "from contextlib import ExitStack\n\nimport pytest\nfrom sqlmodel import Session\n\n"
        "from app.db import engine\n\n\n@pytest.fixture\ndef session():\n"
        "    s = Session(engine)\n    yield s\n    s.close()\n\n\n"
        "def many(stack: ExitStack) -> Session:\n    s = Session(engine)\n"
        "    stack.enter_context(s)\n    s.exec('SELECT 1')\n    return None\n\n\n"
        "def unclosed_yield():\n    s = Session(engine)\n    yield s\n"
    )
    files = {"app/__init__.py": "", "app/db.py": DB, "tests/conftest.py": source}
    found = _found(tmp_path, files)
    assert [(path, line) for path, line, _ in found] == [("tests/conftest.py", 24)]
    assert "yielded but never closed" in found[0][2]


def test_engine_connections_are_judged_like_sessions(tmp_path: Path) -> None:
    source = (
        "from sqlalchemy import text\n\nfrom app.db import async_engine, engine\n\n\n"
        "def ping() -> None:\n    with engine.connect() as conn:\n"
        "        conn.execute(text('SELECT 1'))\n\n\n"
        "def leak() -> None:\n    conn = engine.connect()\n    conn.execute(text('SELECT 1'))\n\n\n"
        "async def aping() -> None:\n    async with async_engine.connect() as conn:\n"
        "        await conn.execute(text('SELECT 1'))\n\n\n"
        "def other(client) -> None:\n    conn = client.connect()\n"
    )
    files = {"app/__init__.py": "", "app/db.py": DB, "app/ping.py": source}
    found = _found(tmp_path, files)
    assert [(path, line) for path, line, _ in found] == [("app/ping.py", 12)]
    assert found[0][2].startswith("engine.connect() is never closed")


def test_returning_a_query_result_is_not_handing_the_session_over(tmp_path: Path) -> None:
    source = (
        "from sqlmodel import Session\n\nfrom app.db import engine\n\n\n"
        "def read(item_id: int) -> object:\n    session = Session(engine)\n"
        "    return session.get(object, item_id)\n\n\n"
        "def pair() -> tuple:\n    session = Session(engine)\n    return (session, engine)\n"
    )
    files = {"app/__init__.py": "", "app/db.py": DB, "app/read.py": source}
    assert [(path, line) for path, line, _ in _found(tmp_path, files)] == [("app/read.py", 7)]


EXCEPT_PATHS = """\
from sqlmodel import Session, create_engine, select

engine = create_engine("sqlite://")


def both_paths() -> None:
    session = Session(engine)
    try:
        session.exec(select(1))
    except Exception:
        session.close()
        raise
    session.close()


def only_on_failure() -> None:
    session = Session(engine)
    try:
        session.exec(select(1))
    except Exception:
        session.close()
        raise
"""


def test_close_in_except_and_after_the_try(tmp_path: Path) -> None:
    """Closed in the handler and after it: every path closes it. Closed only in the handler:
    the message says it stays open on success."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/jobs.py": EXCEPT_PATHS})
    found = analyze([root], select=["BK303"]).findings
    assert [f.line for f in found] == [17]
    assert "closed only when something fails: on success it stays open" in found[0].message


SUBCLASS = """\
from sqlmodel import Session, create_engine

engine = create_engine("sqlite://")


class AuditedSession(Session):
    pass


class Unrelated:
    def __init__(self, engine: object) -> None:
        self.engine = engine


def leaks() -> int:
    session = AuditedSession(engine)
    return 1


def managed() -> int:
    with AuditedSession(engine) as session:
        return 1


def other() -> int:
    thing = Unrelated(engine)
    return 1
"""


def test_a_project_subclass_of_session_opens_one(tmp_path: Path) -> None:
    """``AuditedSession(engine)`` opens a session like ``Session(engine)``; a project class
    that derives from nothing of SQLAlchemy's opens none."""
    found = _found(tmp_path, {"app/__init__.py": "", "app/db.py": SUBCLASS})
    assert [(path, line) for path, line, _ in found] == [("app/db.py", 16)]
    assert found[0][2].startswith("AuditedSession() is never closed")
