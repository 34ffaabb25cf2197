"""BK304 query-in-loop and the receiver's type: a ``get`` on an object whose type is known
and is not a database session (an HTTP client session, Starlette's ``request.session``, a
``dict`` or ``Mapping`` parameter, a literal) is not a query; SQLAlchemy and SQLModel sessions,
and receivers of unknown type named like one, are still reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.engine import build_project
from backendkit.graphs.calls import build_call_graph
from helpers import write_project

DB = """\
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlmodel import create_engine

engine = create_engine("sqlite://")
async_session = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
"""

SERVICES = """\
from collections.abc import Mapping

import aiohttp
import requests
from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Session

from app.db import async_session, engine
from app.models import Item


async def fetch_all(urls: list[str]) -> list[dict]:
    out = []
    async with aiohttp.ClientSession() as session:
        for url in urls:
            async with session.get(url) as r:
                out.append(await r.json())
    return out


def in_session(ids: list[int]) -> list[Item]:
    with Session(engine) as session:
        return [session.get(Item, i) for i in ids]


async def in_async_session(ids: list[int]) -> list[Item]:
    async with async_session() as session:
        return [await session.get(Item, i) for i in ids]


def pages(urls: list[str]) -> list[str]:
    session = requests.Session()
    return [session.get(u).text for u in urls]


def read_prefs(request: Request, keys: list[str]) -> dict:
    return {k: request.session.get(k) for k in keys}


def on_request_state(request: Request, ids: list[int]) -> list[Item]:
    return [request.state.db.get(Item, i) for i in ids]


def from_cache(db: dict, keys: list[str]) -> list:
    return [db.get(k) for k in keys]


def from_mapping(db: Mapping[str, int] | None, keys: list[str]) -> list:
    return [db.get(k) for k in keys]


def from_literal(keys: list[str]) -> list:
    cache_db = {}
    return [cache_db.get(k) for k in keys]


def from_session(db: Session, ids: list[int]) -> list[Item]:
    return [db.get(Item, i) for i in ids]


async def from_async_session(db: AsyncSession | None, ids: list[int]) -> None:
    for i in ids:
        await db.get(Item, i)


def untyped(db, ids: list[int]) -> list[Item]:
    return [db.get(Item, i) for i in ids]


class Repo:
    session: Session


def through_repo(repo: Repo, ids: list[int]) -> list[Item]:
    return [repo.session.get(Item, i) for i in ids]
"""

FILES = {
    "app/__init__.py": "",
    "app/db.py": DB,
    "app/models.py": "class Item:\n    pass\n",
    "app/services.py": SERVICES,
}


def test_receivers_of_known_non_database_types_are_not_queries(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES, select=["BK304"])
    found = [(f.path, f.line, f.message.split("()")[0]) for f in analyze([root]).findings]
    assert found == [
        ("app/services.py", 24, "session.get"),  # with Session(engine) as session
        ("app/services.py", 29, "session.get"),  # a sessionmaker's session: by its name
        ("app/services.py", 42, "request.state.db.get"),  # an attribute of unknown type
        ("app/services.py", 59, "db.get"),  # db: Session
        ("app/services.py", 64, "db.get"),  # db: AsyncSession | None
        ("app/services.py", 68, "db.get"),  # untyped: by its name
        ("app/services.py", 76, "repo.session.get"),  # a typed attribute of a project class
    ]


GENERICS = """\
from typing import Generic, TypeVar

T = TypeVar("T")


class Repo(Generic[T]):
    def get(self) -> None:
        pass


def use(repo: Repo[int], cls: type[Repo], cache: dict[str, int]) -> None:
    repo.get()
    cls.get()
    cache.get("k")
"""


def test_generic_annotations_name_their_class(tmp_path: Path) -> None:
    """``Repo[int]`` is a ``Repo`` and ``dict[str, int]`` a dict; ``type[Repo]`` is a class."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/generic.py": GENERICS})
    project, _files = build_project(root, load_config(root, load_catalogue()), use_cache=False)
    calls = build_call_graph(project.index)
    assert list(calls.graph.successors("app.generic.use")) == ["app.generic.Repo.get"]
    assert calls.external["app.generic.use"] == [(14, "builtins.dict.get")]
    assert calls.unresolved["app.generic.use"] == [(13, "cls.get")]
