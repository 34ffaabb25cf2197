"""Rules on the whole-project graphs: BK501 import cycles, BK301 blocking calls reached from
async routes and dependencies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from backendkit.findings import Finding
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.blockingsearch import BlockingSearch, Step

if TYPE_CHECKING:  # networkx is imported when a project rule runs, not at start-up
    import networkx as nx


def shortest_cycle(graph: nx.DiGraph, start: str) -> list[str]:
    """The shortest cycle through ``start`` (``[start, ..., start]``), or ``[]``."""
    import networkx as nx

    best: list[str] = []
    for successor in sorted(graph.successors(start)):
        try:
            path = nx.shortest_path(graph, successor, start)
        except nx.NetworkXNoPath:
            continue
        if not best or len(path) + 1 < len(best):
            best = [start, *path]
    return best


def cycle_groups(graph: nx.DiGraph) -> list[tuple[list[str], int]]:
    """One representative shortest cycle per strongly connected component of ``graph``, starting
    at the component's first module by name, with the component's size; sorted."""
    import networkx as nx

    out: list[tuple[list[str], int]] = []
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        sub = graph.subgraph(component)
        cycle = shortest_cycle(sub, min(component))
        if cycle:
            out.append((cycle, len(component)))
    return sorted(out)


class ImportCycleRule(ProjectRule):
    """BK501: project modules that import each other (directly or through others) at import
    time."""

    code = "BK501"
    links = False  # reads the index only: runs while the project is linked
    uses_graphs = True
    reads = "imports"  # the import graph only: kept while no import changes
    cost = 5.5
    VALID = (
        Example(
            {
                "app/__init__.py": "",
                "app/models.py": "from app.db import Base\n\n\nclass User(Base):\n"
                "    def orders(self):\n        from app.orders import Order\n\n"
                "        return Order.for_user(self)\n",
                "app/db.py": "class Base:\n    pass\n",
                "app/orders.py": "from app.db import Base\nfrom app.models import User\n\n\n"
                "class Order(Base):\n    owner: User\n",
            },
            note="the import back from models to orders is inside a function: no cycle at "
            "import time",
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/index.py": "from app.evaluate import Evaluator\n\n\nclass Index:\n"
                "    def __init__(self) -> None:\n        self.evaluator = Evaluator(self)\n",
                "app/evaluate.py": "from __future__ import annotations\n\n"
                "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                "    from app.index import Index\n\n\nclass Evaluator:\n"
                "    def __init__(self, index: Index) -> None:\n        self.index = index\n",
            },
            note="an import for type checkers only (used in annotations only)",
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/engine.py": "def handle_signals() -> None:\n    pass\n\n\n"
                "if __name__ == '__main__':\n    from app.flow import run\n\n    run()\n",
                "app/flow.py": "from app.engine import handle_signals\n\n\n"
                "def run() -> None:\n    handle_signals()\n",
            },
            note="an import under the main guard runs only when the module is run as a script",
        ),
    )
    INVALID = (
        Example(
            {
                "app/__init__.py": "",
                "app/models.py": "from app.orders import Order  # expect: BK501\n\n\n"
                "class User:\n    orders: list[Order]\n",
                "app/orders.py": "from app import models\n\n\nclass Order:\n"
                "    owner: models.User\n",
            },
        ),
        Example(
            {
                "svc/__init__.py": "",
                "svc/api.py": "from .crud import create  # expect: BK501\n",
                "svc/crud.py": "from .schemas import Item\n\n\ndef create(item: Item) -> None:\n"
                "    pass\n",
                "svc/schemas.py": "from svc.api import create\n\n\nclass Item:\n    pass\n",
            },
            note="a cycle through three modules and relative imports",
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """One finding per group of modules that import each other at import time."""
        if len(ctx.index.modules) < 2:
            return  # a cycle needs two modules; without one, networkx is not even imported
        graph = ctx.runtime_import_graph
        for cycle, size in cycle_groups(graph):
            first = graph.edges[cycle[0], cycle[1]]["toplevel"][0]
            summary = ctx.index.modules[cycle[0]]
            yield self.finding(
                summary.path,
                first,
                self._message(graph, cycle, size),
                extra={"cycle": cycle},
            )

    @staticmethod
    def _message(graph: nx.DiGraph, cycle: list[str], size: int) -> str:
        steps = [
            f"{module} (line {graph.edges[module, cycle[i + 1]]['toplevel'][0]})"
            for i, module in enumerate(cycle[:-1])
        ]
        chain = " -> ".join([*steps, cycle[-1]])
        more = len(cycle) - 1
        group = f"; {size} modules are tangled in this group" if size > more else ""
        return (
            f"Import cycle {chain}{group}: which module works depends on import order; move "
            "what both need into a module that imports neither, or import inside the function "
            "that uses it"
        )


#: the default of ``[tool.backendkit.async] blocking-calls`` (the catalogue holds the same list)
#: what ruff's flake8-async rules (ASYNC210-251) report when called directly in an async
#: function; BK301 reports these only through other functions, and the rest also directly
#: httpx's module-level request functions (``httpx.get(url)``: a blocking request each)
HTTPX_FUNCTIONS = ("request", "get", "options", "head", "post", "put", "patch", "delete", "stream")
RUFF_ASYNC_CALLS = (
    "time.sleep",
    "requests.*",
    "urllib.request.urlopen",
    "httpx.Client",
    "httpx.Client.*",
    *(f"httpx.{verb}" for verb in HTTPX_FUNCTIONS),
    "builtins.open",
    "subprocess.*",
    "os.system",
)
BLOCKING_CALLS = (
    *RUFF_ASYNC_CALLS,
    "sqlalchemy.orm.Session",
    "sqlalchemy.orm.Session.*",
    "sqlmodel.Session",
    "sqlmodel.Session.*",
    "sqlalchemy.engine.Engine.*",
    "sqlalchemy.engine.Connection.*",
    "psycopg2.*",
    "psycopg.connect",
    "psycopg.Connection.*",
    "pymongo.MongoClient",
    "pymongo.MongoClient.*",
    "redis.Redis",
    "redis.Redis.*",
    "redis.StrictRedis",
    "redis.StrictRedis.*",
    "redis.from_url",
    "redis.from_url.*",
    "smtplib.*",
)
#: the default of ``[tool.backendkit.async] non-blocking-calls`` (the catalogue holds the same
#: list): calls the blocking patterns cover that do no I/O. Building a client or a session
#: connects nothing (they connect at the first request or query), and ``Session.add`` and its
#: kin change only the session's bookkeeping until the next flush.
NON_BLOCKING_CALLS = (
    "httpx.Client",
    "requests.Session",
    "sqlalchemy.orm.Session",
    "sqlmodel.Session",
    "sqlalchemy.orm.Session.add",
    "sqlalchemy.orm.Session.add_all",
    "sqlalchemy.orm.Session.expunge",
    "sqlalchemy.orm.Session.expunge_all",
    "sqlalchemy.orm.Session.expire",
    "sqlalchemy.orm.Session.expire_all",
    "sqlalchemy.orm.Session.is_modified",
    "sqlalchemy.orm.Session.in_transaction",
    "sqlalchemy.orm.Session.in_nested_transaction",
    "sqlmodel.Session.add",
    "sqlmodel.Session.add_all",
    "sqlmodel.Session.expunge",
    "sqlmodel.Session.expunge_all",
    "sqlmodel.Session.expire",
    "sqlmodel.Session.expire_all",
    "sqlmodel.Session.is_modified",
    "sqlmodel.Session.in_transaction",
    "sqlmodel.Session.in_nested_transaction",
    "pymongo.MongoClient",
    "redis.Redis",
    "redis.StrictRedis",
    "redis.from_url",
    "redis.Redis.from_url",
    "redis.StrictRedis.from_url",
    "sqlalchemy.engine.Engine.url.*",
    "sqlalchemy.engine.Engine.dialect.*",
    "sqlalchemy.engine.Engine.execution_options",
    "sqlalchemy.engine.Engine.get_execution_options",
    "sqlalchemy.engine.Engine.update_execution_options",
    "sqlalchemy.engine.Engine.pool.status",
)

#: In a BK301 finding before ``after_link``: how many blocking calls the function reaches.
_PENDING = "pending-count"

_SERVICES = """\
import requests


def fetch_rate() -> float:
    return requests.get("https://rates.example.com/eur").json()["rate"]


def convert(amount: float) -> float:
    return amount * fetch_rate()
"""

_SECRETS = """\
import os

import requests


def get_secret(name: str) -> str | None:
    if name.startswith("vault/"):
        return requests.get(f"https://vault.example.com/{name[6:]}").text
    return os.environ.get(name)
"""
_SECRET_MAIN = (
    "from fastapi import FastAPI\n\nfrom app.secrets import get_secret\n\napp = FastAPI()\n\n\n"
)


class BlockingCallRule(ProjectRule):
    """BK301: an ``async def`` route, dependency, background task or middleware that reaches
    a blocking call through the functions it calls."""

    code = "BK301"
    cost = 24
    focusable = True  # reported at the async entry point
    #: The search follows the source's calls only, which need no app model: it runs from every
    #: async function while the project is linked, and ``after_link`` keeps the findings of
    #: those that are routes, dependencies, background tasks or middleware.
    links = False
    VALID = (
        Example(
            {
                "app/__init__.py": "",
                "app/services.py": _SERVICES,
                "app/main.py": "import asyncio\n\nfrom fastapi import FastAPI\n"
                "from fastapi.concurrency import run_in_threadpool\n\n"
                "from app.services import convert\n\napp = FastAPI()\n\n\n"
                '@app.get("/sync")\ndef sync_route(amount: float) -> float:\n'
                "    return convert(amount)\n\n\n"
                '@app.get("/pool")\nasync def pooled(amount: float) -> float:\n'
                "    return await run_in_threadpool(convert, amount)\n\n\n"
                '@app.get("/thread")\nasync def threaded(amount: float) -> float:\n'
                "    return await asyncio.to_thread(convert, amount)\n\n\n"
                '@app.get("/lambda")\nasync def in_lambda(amount: float) -> float:\n'
                "    return await run_in_threadpool(lambda: convert(amount) * 2)\n",
            },
            note="a sync route runs in the thread pool; the others hand the work to a thread "
            "(a function, or a lambda that calls it)",
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/jobs.py": "from sqlalchemy import select\nfrom sqlalchemy.orm import Session"
                "\n\n\nasync def find_job(session: Session, job_id: int) -> object:\n"
                "    result = await session.execute(select(job_id))\n"
                "    return result.scalar_one_or_none()\n",
                "app/main.py": "from fastapi import FastAPI\nfrom sqlalchemy.ext.asyncio import "
                "AsyncSession\n\nfrom app.jobs import find_job\n\napp = FastAPI()\n\n\n"
                '@app.get("/jobs/{job_id}")\n'
                "async def get_job(job_id: int, session: AsyncSession) -> dict:\n"
                "    return {'job': await find_job(session, job_id)}\n",
            },
            note="an awaited call returns an awaitable: the session is an AsyncSession, "
            "whatever the helper's annotation says",
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/secrets.py": _SECRETS,
                "app/main.py": _SECRET_MAIN + '@app.get("/flags")\nasync def flags() -> dict:\n'
                '    return {"debug": get_secret("DEBUG")}\n',
            },
            note='get_secret("DEBUG") never takes the `name.startswith("vault/")` branch',
        ),
    )
    INVALID = (
        Example(
            {
                "app/__init__.py": "",
                "app/services.py": _SERVICES,
                "app/main.py": "from fastapi import FastAPI\n\nfrom app.services import convert"
                "\n\napp = FastAPI()\n\n\n"
                '@app.get("/convert")\nasync def convert_route(amount: float) -> float:\n'
                "    return convert(amount)  # expect: BK301\n",
            },
            note="route -> convert -> fetch_rate -> requests.get",
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/services.py": _SERVICES,
                "app/main.py": "from fastapi import FastAPI\n\nfrom app.services import convert"
                "\n\napp = FastAPI()\n\n\n"
                '@app.get("/sorted")\nasync def by_price(amounts: list[float]) -> list[float]:\n'
                "    return sorted(amounts, key=lambda a: convert(a))  # expect: BK301\n",
            },
            note="a lambda that is not handed to a thread runs on the event loop",
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/main.py": "from fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n\n"
                "def read_config() -> str:\n"
                '    with open("config.toml") as handle:\n        return handle.read()\n\n\n'
                "async def get_config() -> str:\n    return read_config()  # expect: BK301\n\n\n"
                '@app.get("/")\ndef index(config: str = Depends(get_config)) -> str:\n'
                "    return config\n",
            },
            note="an async dependency runs on the event loop even for a sync route",
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/services.py": _SERVICES,
                "app/main.py": "from fastapi import FastAPI, Request\n\n"
                "from app.services import fetch_rate\n\napp = FastAPI()\n\n\n"
                '@app.middleware("http")\nasync def add_rate(request: Request, call_next):\n'
                "    response = await call_next(request)\n"
                '    response.headers["X-Rate"] = str(fetch_rate())  # expect: BK301\n'
                "    return response\n",
            },
            note="an async middleware runs on the event loop for every request",
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/secrets.py": _SECRETS,
                "app/main.py": _SECRET_MAIN + '@app.get("/secrets/{name}")\n'
                "async def read(name: str) -> dict:\n"
                '    return {"value": get_secret(name)}  # expect: BK301\n',
            },
            note="a name the client sends may start with vault/",
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """One finding per async function that reaches a blocking call, its message left to
        ``after_link`` (``_PENDING`` holds how many blocking calls it reaches)."""
        if not _async_functions(ctx):
            return
        patterns = self._patterns()
        exempt = [str(p) for p in self.options.get("non-blocking-calls", NON_BLOCKING_CALLS)]  # type: ignore[union-attr]
        calls = ctx.source_calls  # resolved as far as the searches reach
        search = BlockingSearch(calls, patterns, exempt, ctx.index)
        for entry, data in sorted(calls.graph.nodes(data=True)):
            if not data["is_async"] or not ctx.index.wanted(data["path"]):
                continue
            found = search.chain(entry)
            if found is not None:
                chain, count = found
                extra = {"chain": chain, _PENDING: count}
                yield self.finding(data["path"], chain[1][1], "", extra=extra)

    def after_link(self, ctx: ProjectContext, findings: list[Finding]) -> list[Finding]:
        """One finding per async route, dependency, background task or middleware that reaches
        a blocking call: the functions FastAPI runs on the event loop, known once the project
        is linked."""
        if not findings:
            return findings
        nodes = ctx.call_graph.graph.nodes  # the linked graph's node kinds; nothing expanded
        kept = []
        for finding in findings:
            count = finding.extra.get(_PENDING)
            if not isinstance(count, int):  # not one of ``check_project``'s
                kept.append(finding)
                continue
            chain: list[Step] = finding.extra["chain"]  # type: ignore[assignment]
            kind = _entry_kind(nodes[chain[0][0]])
            if kind:
                message = self._message(kind, chain, count)
                kept.append(replace(finding, message=message, extra={"chain": chain}))
        return kept

    def _patterns(self) -> list[str]:
        given = self.options.get("blocking-calls", list(BLOCKING_CALLS))
        extra = self.options.get("extend-blocking-calls", [])
        return [str(p) for p in [*given, *extra]]  # type: ignore[misc]

    @staticmethod
    def _message(kind: str, chain: list[Step], count: int) -> str:
        what = {"route": "route handler", "background": "background task"}.get(kind, kind)
        steps = [chain[0][0]] + [f"{name} (line {line})" for name, line in chain[1:]]
        more = f" ({count} blocking calls reached in all)" if count > 1 else ""
        plain = "" if kind == "middleware" else "make it a plain def, "  # must be async
        return (
            f"async {what} {chain[0][0]} blocks the event loop: {' -> '.join(steps)}{more}; "
            f"{plain}wrap the call in `await run_in_threadpool(...)` or "
            "`asyncio.to_thread(...)`, or use an async client"
        )


def _entry_kind(data: dict) -> str:
    """Where an async function runs on the event loop: "route", "dependency", "background"
    (a task given to ``BackgroundTasks.add_task``), "middleware" (an app's
    ``@app.middleware("http")`` function, or the ``dispatch`` or ``__call__`` of a class it
    adds), or "" for other functions."""
    if data["kind"] in ("route", "dependency"):
        return str(data["kind"])
    if data.get("background"):
        return "background"
    return "middleware" if data.get("middleware") else ""


def _async_functions(ctx: ProjectContext) -> bool:
    """Whether the project has any ``async def`` at all (BK301 starts only from async
    routes and async dependencies; without any, the call graph is not needed)."""
    from backendkit.rules.support import iter_functions

    return any(info.is_async for info, _ in iter_functions(ctx.index))
