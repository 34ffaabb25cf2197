"""BK304 query-in-loop, receivers of known and unknown types: a session entered from a
``@contextmanager``/``@asynccontextmanager`` factory (``-> Iterator[Session]``) is the yielded
session; ``Any``, ``object`` and database libraries BK304 does not know (pyodbc, oracledb...)
are unknown and reported; only types known not to be database clients (HTTP clients, builtin
containers, Starlette's ``request.session``) are left out."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.engine import build_project
from backendkit.graphs.calls import build_call_graph
from helpers import write_project

FACTORIES = """\
import contextlib
import typing
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, sessionmaker

SessionLocal = sessionmaker()


@contextmanager
def get_session() -> Iterator[Session]:
    with SessionLocal() as s:
        yield s


@asynccontextmanager
async def get_async_session() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as s:
        yield s


@contextmanager
def gen_session() -> Generator[Session, None, None]:
    yield SessionLocal()


@asynccontextmanager
async def agen_session() -> AsyncGenerator[AsyncSession, None]:
    yield SessionLocal()


def cm_session() -> AbstractContextManager[Session]:
    return get_session()


def typing_cm_session() -> typing.ContextManager[Session]:
    return get_session()


def acm_session() -> contextlib.AbstractAsyncContextManager[AsyncSession]:
    return get_async_session()


@asynccontextmanager
async def http_session() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def job(ids: list[int]) -> None:
    with get_session() as session:
        for i in ids:
            session.get(object, i)


async def ajob(ids: list[int]) -> None:
    async with get_async_session() as session:
        for i in ids:
            await session.get(object, i)


def gen_job(ids: list[int]) -> None:
    with gen_session() as session:
        for i in ids:
            session.get(object, i)


async def agen_job(ids: list[int]) -> None:
    async with agen_session() as session:
        for i in ids:
            await session.get(object, i)


def cm_job(ids: list[int]) -> None:
    with cm_session() as session:
        for i in ids:
            session.get(object, i)


def typing_cm_job(ids: list[int]) -> None:
    with typing_cm_session() as session:
        for i in ids:
            session.get(object, i)


async def acm_job(ids: list[int]) -> None:
    async with acm_session() as session:
        for i in ids:
            await session.get(object, i)


async def http_job(urls: list[str]) -> None:
    async with http_session() as session:
        for url in urls:
            await session.get(url)
"""


def _found(root: Path) -> list[tuple[int, str]]:
    return [(f.line, f.message.split("()")[0]) for f in analyze([root]).findings]


def test_sessions_entered_from_factories_are_sessions(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/jobs.py": FACTORIES}
    root = write_project(tmp_path / "p", files, select=["BK304"])
    assert _found(root) == [
        (56, "session.get"),  # Iterator[Session]
        (62, "session.get"),  # AsyncIterator[AsyncSession]
        (68, "session.get"),  # Generator[Session, None, None]
        (74, "session.get"),  # AsyncGenerator[AsyncSession, None]
        (80, "session.get"),  # AbstractContextManager[Session]
        (86, "session.get"),  # typing.ContextManager[Session]
        (92, "session.get"),  # contextlib.AbstractAsyncContextManager[AsyncSession]
    ]  # not line 98: the yielded object is an httpx.AsyncClient


RECEIVERS = """\
from contextvars import ContextVar
from typing import Any

import aiohttp
import cx_Oracle
import oracledb
import pyodbc
import redis
import requests
from cachetools import TTLCache
from collections import OrderedDict
from starlette.requests import HTTPConnection
from sqlalchemy.orm import Session


def a(db: Any, ids: list[int]) -> None:
    for i in ids:
        db.execute("SELECT 1 WHERE id = ?", i)


def b(conn: pyodbc.Connection, ids: list[int]) -> None:
    for i in ids:
        conn.execute("SELECT 1 WHERE id = ?", i)


def c(conn: oracledb.Connection, ids: list[int]) -> None:
    for i in ids:
        conn.execute("SELECT 1 WHERE id = :1", [i])


def d(session: Session, ids: list[int]) -> None:
    for i in ids:
        session.get(object, i)


def e(db: object, ids: list[int]) -> None:
    for i in ids:
        db.execute("x")


def f(ids: list[int]) -> None:
    conn = cx_Oracle.connect("dsn")
    cursor = conn.cursor()
    for i in ids:
        cursor.execute("SELECT 1 FROM t WHERE id = :1", [i])


def g(cache_db: redis.Redis, keys: list[str]) -> list:
    return [cache_db.get(k) for k in keys]


def h(http_session: aiohttp.ClientSession, session: requests.Session, urls: list[str]) -> None:
    for url in urls:
        http_session.get(url)
        session.get(url)


def i(conn: HTTPConnection, db: OrderedDict, keys: list[str]) -> list:
    return [(conn.get(k), db.get(k)) for k in keys]


def j(current_session: ContextVar[Session], cache_db: TTLCache, keys: list[str]) -> list:
    return [(current_session.get(), cache_db.get(k)) for k in keys]
"""


def test_unknown_and_unlisted_database_types_are_reported(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/receivers.py": RECEIVERS}
    root = write_project(tmp_path / "p", files, select=["BK304"])
    assert _found(root) == [
        (18, "db.execute"),  # Any
        (23, "conn.execute"),  # pyodbc
        (28, "conn.execute"),  # oracledb
        (33, "session.get"),  # SQLAlchemy
        (38, "db.execute"),  # object
        (45, "cursor.execute"),  # cx_Oracle, by its name
        (49, "cache_db.get"),  # redis: one round trip per key
    ]  # not the HTTP clients, Starlette's HTTPConnection (a Mapping), an OrderedDict,
    # a ContextVar's get() or a cachetools cache


ITERATORS = """\
from collections.abc import Iterator


class Repo:
    def get(self) -> None:
        pass


def use(repos: Iterator[Repo]) -> None:
    repos.get()
"""


def test_an_iterator_parameter_is_not_its_items(tmp_path: Path) -> None:
    """Unwrapping ``Iterator[X]`` is for what ``with`` enters: a parameter annotated
    ``Iterator[Repo]`` is an iterator in the call graph, not a ``Repo``."""
    files = {"app/__init__.py": "", "app/it.py": ITERATORS}
    root = write_project(tmp_path / "p", files)
    project, _files = build_project(root, load_config(root, load_catalogue()), use_cache=False)
    calls = build_call_graph(project.index)
    assert list(calls.graph.successors("app.it.use")) == []
    assert calls.external["app.it.use"] == [(10, "collections.abc.Iterator.get")]
