"""Database use in request paths: BK302 an engine created per request, BK304 queries in a loop."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from backendkit.findings import Finding
from backendkit.graphs.receivers import ReceiverTypes
from backendkit.project.symbols import Ctx, External, FuncSym
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.support import dependency_functions, find_function, iter_functions
from backendkit.summary.model import FunctionInfo, Name

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
#: Libraries whose objects are known to run no database query: HTTP clients (their sessions
#: ``get`` URLs), FastAPI's and Starlette's objects (``request.session`` is a dict, an
#: ``HTTPConnection`` a mapping), in-memory caches, context variables and the ``collections``
#: containers. Any other library counts as a possible database client (pyodbc, oracledb,
#: snowflake, ...), and so does redis: a command per item is a round trip per item.
NOT_DATABASES = (
    *("aiohttp", "httpx", "httpcore", "requests", "requests_cache", "niquests", "urllib3"),
    *("urllib", "http.client", "fastapi", "starlette", "cachetools", "contextvars"),
    "collections",
)
#: Builtin and ``typing``/``collections.abc`` container types (``dict``, ``Mapping``...):
#: their ``get`` reads a key. ``object`` and ``Any`` say nothing about the receiver.
CONTAINERS = frozenset(
    {
        *("dict", "list", "set", "frozenset", "tuple", "str", "bytes", "bytearray"),
        *("Dict", "List", "Set", "FrozenSet", "Tuple", "DefaultDict", "OrderedDict"),
        *("ChainMap", "Counter", "Mapping", "MutableMapping", "Sequence", "MutableSequence"),
        *("AbstractSet", "MutableSet"),
    }
)

_APP = "from fastapi import Depends, FastAPI\nfrom sqlmodel import Session, create_engine\n\n"


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
    VALID = (
        Example(
            _APP + "engine = create_engine('sqlite://')\napp = FastAPI()\n\n\n"
            "def get_session():\n    with Session(engine) as session:\n        yield session\n"
            "\n\n@app.get('/n')\ndef n(session: Session = Depends(get_session)) -> int:\n"
            "    return 1  # backendkit: ignore[BK101]\n"
        ),
    )
    INVALID = (
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
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Query calls on session-like receivers inside loops, in any function (routes,
        dependencies, services, CRUD helpers)."""
        types = ReceiverTypes(ctx.index)
        for info, where in iter_functions(ctx.index):
            for site in info.scope.calls:
                callee = site.call.func
                if (
                    site.loops
                    and isinstance(callee, Name)
                    and _is_query(callee, info, where, types)
                ):
                    yield self.finding(
                        where.module.path,
                        site.line,
                        f"{callee.dotted}() runs once per loop iteration in {info.name} "
                        "(the N+1 query pattern); load the rows in one query (IN (...), a join, "
                        "or selectinload) before the loop",
                    )


def _is_query(callee: Name, info: FunctionInfo, where: Ctx, types: ReceiverTypes) -> bool:
    """A query method called on a receiver named like a session (``session``, ``db``...)
    unless its type is known not to be a database client (``_not_a_database``): a project
    class, a database library's class, ``Any``, ``object`` or an unknown type is reported."""
    receiver, _, method = callee.dotted.rpartition(".")
    last = receiver.rpartition(".")[2].lower()
    if method not in QUERY_METHODS or not last.endswith(DB_RECEIVERS):
        return False
    found = types.receiver_class(receiver, where.enter(info))
    return not (isinstance(found, External) and _not_a_database(found))


def _not_a_database(cls: External) -> bool:
    """An HTTP client, a web framework's object, a cache or a container: ``aiohttp.
    ClientSession``, ``requests.Session``, ``request.session``, ``dict``, ``Mapping``."""
    if cls.is_from("builtins", "typing", "typing_extensions", "collections.abc"):
        return cls.last in CONTAINERS
    return cls.is_from(*NOT_DATABASES)
