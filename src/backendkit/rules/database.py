"""Database use in request paths: BK302 an engine created per request, BK304 queries in a loop."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from backendkit.findings import Finding
from backendkit.project.symbols import Ctx, External, FuncSym
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.narrowing import container_tested
from backendkit.rules.queryloops import LoopQuery, fixed_size, loop_iterables
from backendkit.rules.querytypes import QueryReceivers, is_migration_script
from backendkit.rules.sqlstrings import SqlText
from backendkit.rules.support import dependency_functions, find_function, iter_functions
from backendkit.summary.model import Call, CallSite, Const, FunctionInfo, Name, Seq

ENGINE_FACTORIES = frozenset({"create_engine", "create_async_engine"})
QUERY_METHODS = frozenset(
    {
        "execute",
        "exec",
        "get",
        "scalar",
        "scalars",
        "scalar_one",
        "scalar_one_or_none",
        "query",
        "fetch",
        "fetchrow",
        "fetchval",
        "find_one",
        "refresh",
    }
)
DB_RECEIVERS = ("session", "db", "conn", "connection", "cursor", "tx", "uow")
#: the query methods of a DB-API or asyncpg cursor: none has ``get`` (a ``cursor.get(key)`` of
#: an unknown type reads a mapping, such as a dict of per-source paging cursors)
CURSOR_METHODS = frozenset({"execute", "fetch", "fetchrow"})

_APP = "from fastapi import Depends, FastAPI\nfrom sqlmodel import Session, create_engine\n\n"
_RETRY_AND_CHUNKS = """\
from itertools import batched

from sqlalchemy import delete
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

MAX_RETRIES = 3


def save(session: Session, item: Item) -> Item:
    for attempt in range(MAX_RETRIES):
        try:
            session.add(item)
            session.commit()
            session.refresh(item)
            return item
        except DBAPIError:
            session.rollback()
    raise RuntimeError("gave up")


def purge(session: Session, ids: list[int]) -> None:
    for chunk in batched(ids, 1000):
        session.execute(delete(Item).where(Item.id.in_(chunk)))
"""


def request_functions(ctx: ProjectContext) -> Iterator[FuncSym]:
    """Route handlers and every function in their dependency trees, each once."""
    seen: set[str] = set()
    for route in ctx.routes:
        handler = find_function(ctx.index, route.handler)
        if handler is not None:
            yield from dependency_functions(ctx.resolver, handler, seen)


class EnginePerRequestRule(ProjectRule):
    """BK302: ``create_engine`` inside a route or dependency."""

    code = "BK302"
    cost = 2.5
    focusable = True  # reported in the request-time function
    VALID = (
        Example(
            _APP + "engine = create_engine('sqlite://')\napp = FastAPI()\n\n\n"
            "def get_session():\n    with Session(engine) as session:\n        yield session\n"
            "\n\n@app.get('/n')\ndef n(session: Session = Depends(get_session)) -> int:\n"
            "    return 1  # backendkit: ignore[BK101]\n"
        ),
        Example(
            "from functools import lru_cache\n\n" + _APP + "app = FastAPI()\n\n\n"
            "@lru_cache\ndef get_engine():\n    return create_engine('sqlite://')\n\n\n"
            "def get_session(engine=Depends(get_engine)):\n"
            "    with Session(engine) as session:\n        yield session\n\n\n"
            "@app.get('/n')\ndef n(session: Session = Depends(get_session)) -> int:\n"
            "    return 1  # backendkit: ignore[BK101]\n"
        ),
    )
    INVALID = (
        Example(
            "from functools import lru_cache\n\nfrom fastapi import Header\n"
            + _APP
            + "app = FastAPI()\n\n\n@lru_cache\ndef get_engine(x_tenant: str = Header()):\n"
            "    return create_engine(f'sqlite:///{x_tenant}.db')  # expect: BK302\n\n\n"
            "@app.get('/n')  # backendkit: ignore[BK101]\n"
            "def n(engine=Depends(get_engine)) -> int:\n    return 1\n",
            note="an engine per tenant a caller names, and never disposed of",
        ),
        Example(
            _APP + "app = FastAPI()\n\n\ndef get_session():\n"
            "    engine = create_engine('sqlite://')  # expect: BK302\n"
            "    with Session(engine) as session:\n        yield session\n\n\n"
            "@app.get('/n')  # backendkit: ignore[BK101]\n"
            "def n(session: Session = Depends(get_session)) -> int:\n    return 1\n"
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Engine factories called from request-time code."""
        for func in request_functions(ctx):
            if not ctx.index.wanted(func.ctx.module.path) or _memoised(ctx, func):
                continue
            inner = func.ctx.enter(func.info)
            for site in func.info.scope.calls:
                callee = site.call.func
                if not isinstance(callee, Name) or callee.dotted.rpartition(".")[2] not in (
                    ENGINE_FACTORIES
                ):
                    continue
                target = ctx.index.lookup(callee.dotted, inner)
                if isinstance(target, External) and target.is_from("sqlalchemy", "sqlmodel"):
                    yield self.finding(
                        func.ctx.module.path,
                        site.line,
                        f"{target.last}() runs on every request in {func.info.name}: each call "
                        "builds a new connection pool; create the engine once at module level "
                        "(or in the lifespan) and open sessions from it",
                    )


class QueryInLoopRule(ProjectRule):
    """BK304: a database query inside a ``for`` or ``while`` loop or a comprehension (N+1)."""

    code = "BK304"
    cost = 1.2
    focusable = True  # reported at the query call
    VALID = (
        Example(
            _APP + "app = FastAPI()\n\n\n@app.get('/n')  # backendkit: ignore[BK101]\n"
            "def n(session: Session, ids: list[int]) -> int:\n"
            "    rows = session.exec(select_all(ids))\n    return len(list(rows))\n"
        ),
        Example(
            _APP + "app = FastAPI()\n\n\n@app.get('/n')  # backendkit: ignore[BK101]\n"
            "def n(session: Session, ids: list[int]) -> list[int]:\n"
            "    return [row.id for row in session.exec(select_all(ids))]\n",
            note="the outermost iterable of a comprehension runs once",
        ),
        Example(
            "import aiohttp\nfrom fastapi import Request\n\n\n"
            "async def fetch_all(urls: list[str]) -> list[bytes]:\n"
            "    async with aiohttp.ClientSession() as session:\n"
            "        return [await (await session.get(u)).read() for u in urls]\n\n\n"
            "def prefs(request: Request, keys: list[str]) -> dict:\n"
            "    return {k: request.session.get(k) for k in keys}\n\n\n"
            "def cached(db: dict[str, int], keys: list[str]) -> list[int | None]:\n"
            "    return [db.get(k) for k in keys]\n",
            note="receivers of a known type that is not a database's: an HTTP client session, "
            "Starlette's request.session, a dict",
        ),
        Example(
            "from typing import Any\n\n\n"
            "def urls(connections: list[dict[str, Any]]) -> list[str]:\n"
            "    out = []\n    for connection in connections:\n"
            "        out.append(connection.get('url'))\n    return out\n\n\n"
            "def ids(items: list[Any]) -> list[str]:\n"
            "    return [conn.get('id', '') for conn in items]\n",
            note="the items of a list[dict]; a get with a string-literal key reads a mapping",
        ),
        Example(
            "def pages(names: list[str], next_cursor, db) -> list:\n"
            "    out = [next_cursor.get(name) for name in names]\n"
            "    for name in names:\n"
            "        out.append(db.get(name) if isinstance(db, dict) else db)\n"
            "    return out\n",
            note="paging cursors: a database cursor has no get, and isinstance shows a dict",
        ),
        Example(
            "def pages(names: list[str], db) -> list:\n    out = []\n"
            "    for name in names:\n        if isinstance(db, (dict, list)):\n"
            "            out.append(db.get(name))\n        elif db is None:\n"
            "            out.append(None)\n    return out\n",
            note="the body of an if isinstance(db, dict) reads a container",
        ),
        Example(
            '"""Backfill owners."""\n\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
            "revision = '1af9b942657b'\ndown_revision = '018012973d35'\n\n\n"
            "def upgrade() -> None:\n    conn = op.get_bind()\n"
            "    for row in conn.execute(sa.text('SELECT id FROM item')).fetchall():\n"
            "        conn.execute(sa.text('UPDATE item SET owner = 1 WHERE id = :id'), "
            "{'id': row.id})\n",
            note="an Alembic revision script runs once, offline",
        ),
        Example(
            "import sqlite3\n\n\ndef clear(cursor: sqlite3.Cursor) -> None:\n"
            "    for table in ['sections', 'documents']:\n"
            "        cursor.execute(f'DELETE FROM {table}')\n",
            note="a loop over a fixed list: the number of queries does not grow with the data",
        ),
        Example(
            "from collections import OrderedDict\n\n\nclass LRUCache(OrderedDict):\n    pass\n"
            "\n\nclass Queue:\n    def __init__(self) -> None:\n"
            "        self.pending_per_session: dict = {}\n"
            "        self.cache_session = LRUCache()\n\n"
            "    def beat(self, keys: list[str]) -> list:\n"
            "        return [self.pending_per_session.get(k) for k in keys]\n\n\n"
            "QUEUE = Queue()\n\n\ndef beat(keys: list[str]) -> list:\n"
            "    return [QUEUE.cache_session.get(k) for k in keys]\n",
            note="a mapping held in an attribute: annotated dict, or a project OrderedDict",
        ),
        Example(
            _RETRY_AND_CHUNKS,
            note="a retry of the same statement; one IN (...) query per chunk of 1,000 ids",
        ),
        Example(
            "from sqlmodel import Session\n\n\ndef first(s: Session, items: list, label: str):\n"
            "    for item in items:\n        if item.label == label:\n"
            "            row = s.get(Item, item.id)\n            return row\n"
            "    found = None\n    for item in items:\n        if item.label == label:\n"
            "            found = s.get(Item, item.id)\n            break\n    return found\n",
            note="a query a return or break follows: the loop ends with it, it runs once",
        ),
    )
    INVALID = (
        Example(
            _APP + "app = FastAPI()\n\n\n@app.get('/n')  # backendkit: ignore[BK101]\n"
            "def n(session: Session, ids: list[int]) -> int:\n    total = 0\n"
            "    for item_id in ids:\n"
            "        total += session.get(Item, item_id).price  # expect: BK304\n"
            "    return total\n"
        ),
        Example(
            _APP + "app = FastAPI()\n\n\n@app.get('/n')  # backendkit: ignore[BK101]\n"
            "def n(session: Session, ids: list[int]) -> list[Item]:\n"
            "    return [session.get(Item, i) for i in ids]  # expect: BK304\n"
        ),
        Example(
            _APP + "app = FastAPI()\n\n\n@app.get('/n')  # backendkit: ignore[BK101]\n"
            "def n(session: Session, start: int) -> int:\n"
            "    while session.get(Item, start) is None:\n        start += 1\n"
            "        session.refresh(Item)  # expect: BK304\n"
            "    return start\n"
        ),
        Example(
            "from collections.abc import Iterator\nfrom contextlib import contextmanager\n\n"
            "from sqlmodel import Session, create_engine\n\nengine = create_engine('sqlite://')"
            "\n\n\n@contextmanager\ndef session_scope() -> Iterator[Session]:\n"
            "    with Session(engine) as session:\n        yield session\n\n\n"
            "def load(ids: list[int]) -> list:\n    with session_scope() as session:\n"
            "        return [session.get(Item, i) for i in ids]  # expect: BK304\n",
            note="a @contextmanager factory's session: the with statement binds what it yields",
        ),
        Example(
            "from sqlmodel import Session\n\n\n"
            "def load(s: Session, ids: list[int]) -> list:\n"
            "    return [s.get(Item, i) for i in ids]  # expect: BK304\n",
            note="a database session by its type, whatever its name",
        ),
        Example(
            "from sqlalchemy import select\nfrom sqlalchemy.orm import Session\n\n\n"
            "def friends(session: Session, users: list) -> list:\n    out = []\n"
            "    for user in users:\n        out += session.scalars(  # expect: BK304\n"
            "            select(Item).where(Item.owner_id.in_(user.friend_ids))\n        )\n"
            "    return out\n",
            note="an IN (...) per row is still one query per row",
        ),
        Example(
            "def pages(names: list[str], db) -> list:\n    out = []\n"
            "    for name in names:\n        if isinstance(db, dict):\n"
            "            out.append(name)\n        else:\n"
            "            out.append(db.get(name))  # expect: BK304\n    return out\n",
            note="the else branch of an isinstance test: db is not a dict there",
        ),
        Example(
            "from sqlmodel import Session\n\n\ndef probe(s: Session, ids: list[int]):\n"
            "    for i in ids:\n        try:\n"
            "            return s.exec(select_one(i)).one()  # expect: BK304\n"
            "        except LookupError:\n            continue\n"
            "    for group in ids:\n        for i in group:\n"
            "            s.get(Item, i)  # expect: BK304\n        break\n",
            note="a try whose handler goes on with the next item; a break ends the outer loop only",
        ),
        Example(
            "from sqlmodel import Session\n\n\nclass Cache(dict):\n"
            "    def get(self, key):\n        return key\n\n\nclass Repo:\n"
            "    def __init__(self, db: Session) -> None:\n        self.db_session: Session = db\n"
            "        self.cache_session = Cache()\n\n    def load(self, ids: list[int]) -> list:\n"
            "        out = [self.cache_session.get(i) for i in ids]  # expect: BK304\n"
            "        return out + [self.db_session.get(Item, i) for i in ids]  # expect: BK304\n",
            note="a session in an attribute; a dict subclass whose own get may query",
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Query calls on session-like receivers inside loops, in any function (routes,
        dependencies, services, CRUD helpers)."""
        receivers = QueryReceivers(ctx.index)
        for info, where in iter_functions(ctx.index):
            exits = info.scope.loop_exits
            for position, site in enumerate(info.scope.calls):
                callee = site.call.func
                left = exits.get(position, ())
                loops = [loop for i, loop in enumerate(site.loops) if i not in left]
                if (
                    loops
                    and isinstance(callee, Name)
                    and _is_query(site, info, where, receivers)
                    and not is_migration_script(where.module)
                    and not _fixed_loops(site, loops, info, where, ctx)
                ):
                    yield self.finding(
                        where.module.path,
                        site.line,
                        f"{callee.dotted}() runs once per loop iteration in {info.name} "
                        "(the N+1 query pattern); load the rows in one query (IN (...), a join, "
                        "or selectinload) before the loop",
                    )


def _memoised(ctx: ProjectContext, func: FuncSym) -> bool:
    """``func`` takes no parameter and is decorated with ``functools.lru_cache`` /
    ``functools.cache`` (or async-lru's ``alru_cache``), called or not: it runs once, so an
    engine it builds is built once (the ``@lru_cache def get_engine()`` provider). With a
    parameter, FastAPI fills it from the request (a tenant header): an engine per value."""
    if func.info.params:
        return False
    for decorator in func.info.decorators:
        named = decorator.func if isinstance(decorator, Call) else decorator
        if not isinstance(named, Name):
            continue
        found = ctx.index.lookup(named.dotted, func.ctx)
        if isinstance(found, External) and found.qualname in _MEMOISERS:
            return True
    return False


_MEMOISERS = frozenset({"functools.lru_cache", "functools.cache", "async_lru.alru_cache"})


def _is_query(site: CallSite, info: FunctionInfo, where: Ctx, receivers: QueryReceivers) -> bool:
    """A query method called on a database client: on a parameter or variable annotated with
    a database library's session, connection or cursor class whatever its name (``s:
    Session``), or on a receiver named like a session (``session``, ``db``...) unless its type
    is known and is not a database client's (``QueryReceivers.is_database``; a project class,
    ``Any``, ``object`` or an unknown type is reported). On an unknown type, a ``get`` whose
    first argument is a string literal reads a mapping (``connection.get("id", "")``): a
    session's ``get`` takes a model class, and reading one fixed key is no query per item; a
    receiver named like a cursor runs only a cursor's queries (``CURSOR_METHODS``); and an
    ``isinstance(x, dict)`` test on the call's line shows a container (``narrowing``)."""
    callee = site.call.func
    assert isinstance(callee, Name)  # check_project passes only calls of a name
    receiver, _, method = callee.dotted.rpartition(".")
    if method not in QUERY_METHODS or not receiver:
        return False
    named = receiver.rpartition(".")[2].lower().endswith(DB_RECEIVERS)
    if not named and "." in receiver:
        return False
    body = where.enter(info)
    if not named:
        return receivers.is_annotated_database(receiver, body)
    known = receivers.is_database(receiver, body, method)
    return known if known is not None else _untyped_query(site, info, receiver, method)


def _untyped_query(site: CallSite, info: FunctionInfo, receiver: str, method: str) -> bool:
    """A query method on a receiver of unknown type named like a session: not a ``get`` of a
    string literal, a cursor's method that is not a cursor query, or a call under an
    ``isinstance`` test showing a container."""
    if method == "get" and _literal_key(site.call):
        return False
    if receiver.rpartition(".")[2].lower().endswith("cursor") and method not in CURSOR_METHODS:
        return False
    return not container_tested(info.scope, site.call, site.line, receiver)


def _fixed_loops(
    site: CallSite, loops: list[int], info: FunctionInfo, where: Ctx, ctx: ProjectContext
) -> bool:
    """Every loop around ``site`` that it does not leave right after (``loops``: a
    ``return``, ``raise`` or ``break`` follows it, ``Scope.loop_exits``) runs a number of
    times that does not grow with the data:
    a ``for`` over a sequence fixed in the code (a display, ``for t in ["a", "b"]``, a local
    list that only holds literals, an UPPER_CASE module tuple), a retry or an ``IN (...)``
    query per chunk of ids (``queryloops.LoopQuery``)."""
    body = where.enter(info)
    text = SqlText(ctx.index, body)
    for loop in loops:
        iterables = loop_iterables(info.scope, loop)
        if iterables and all(
            isinstance(it, Seq)
            or text.constant_items(it, abs(loop))
            or fixed_size(ctx.index, it, body)
            for it in iterables
        ):
            continue
        if not LoopQuery(ctx.index, info.scope, body, site.call, loop).exempt():
            return False
    return True


def _literal_key(call: Call) -> bool:
    first = call.args[0] if call.args else None
    return isinstance(first, Const) and isinstance(first.value, str)
