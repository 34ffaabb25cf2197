"""BK301 and lambdas: a lambda handed to a thread offloader (``run_in_threadpool``,
``asyncio.to_thread``, ``anyio.to_thread.run_sync``, the ``func`` of ``run_in_executor``) runs
in a worker thread, so its calls are not made by the async function; any other lambda (a sort
key, ``map``, ``call_soon``, one called on the spot) runs on the event loop and still counts."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from backendkit import analyze
from backendkit.graphs.calls import build_call_graph, lazy_call_graph
from backendkit.summary.collector import build_summary
from backendkit.summary.model import Name
from helpers import write_project
from test_lazy_calls import _link, _shape

SERVICES = """\
import time

import requests


def slow() -> None:
    time.sleep(1)


def fetch_sync() -> dict:
    return requests.get("https://x").json()
"""

MAIN = """\
import asyncio
import functools

import anyio
from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from app.services import fetch_sync, slow

app = FastAPI()


@app.get("/l1")
async def l1() -> None:
    await run_in_threadpool(lambda: slow())


@app.get("/l2")
async def l2() -> None:
    await asyncio.to_thread(lambda: fetch_sync())


@app.get("/l3")
async def l3() -> None:
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, lambda: slow())


@app.get("/l4")
async def l4() -> None:
    await asyncio.get_running_loop().run_in_executor(None, func=lambda: fetch_sync())


@app.get("/l5")
async def l5() -> None:
    await anyio.to_thread.run_sync(lambda: sorted([1, 2], key=lambda n: slow()))


@app.get("/l6")
async def l6() -> None:
    await asyncio.to_thread(functools.partial(fetch_sync))


@app.get("/sorted")
async def sort_key(xs: list[int]) -> list[int]:
    return sorted(xs, key=lambda x: slow())


@app.get("/map")
async def mapped(urls: list[str]) -> list[dict]:
    return list(map(lambda u: fetch_sync(), urls))


@app.get("/soon")
async def soon() -> None:
    asyncio.get_running_loop().call_soon(lambda: slow())


@app.get("/now")
async def now() -> None:
    await run_in_threadpool((lambda: fetch_sync())())


@app.get("/executor")
async def executor_arg() -> None:
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(lambda: slow(), print)
"""


def test_lambdas_given_to_thread_offloaders_are_not_calls_on_the_loop(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/services.py": SERVICES, "app/main.py": MAIN}
    root = write_project(tmp_path / "p", files, select=["BK301"])
    found = [(f.path, f.line, f.message.split(":")[0]) for f in analyze([root]).findings]
    assert found == [
        ("app/main.py", 46, "async route handler app.main.sort_key blocks the event loop"),
        ("app/main.py", 51, "async route handler app.main.mapped blocks the event loop"),
        ("app/main.py", 56, "async route handler app.main.soon blocks the event loop"),
        ("app/main.py", 61, "async route handler app.main.now blocks the event loop"),
        ("app/main.py", 67, "async route handler app.main.executor_arg blocks the event loop"),
    ]


def test_expanded_lazy_graph_is_the_full_graph(tmp_path: Path) -> None:
    """Both graphs leave out the calls of threaded lambdas, background tasks included."""
    tasks = (
        "\n\n@app.post('/t')\nasync def t(tasks: BackgroundTasks) -> None:\n"
        "    await run_in_threadpool(lambda: tasks.add_task(slow))\n"
    )
    main = MAIN.replace("FastAPI\n", "BackgroundTasks, FastAPI\n", 1) + tasks
    files = {"app/__init__.py": "", "app/services.py": SERVICES, "app/main.py": main}
    project = _link(write_project(tmp_path / "p", files))
    lazy = lazy_call_graph(project.index, project.model, project.resolver)
    for node in list(lazy.graph.nodes):
        lazy.expand(node)
    full = build_call_graph(project.index, project.model, project.resolver)
    assert _shape(lazy) == _shape(full)
    assert not full.graph.has_edge("app.main.t", "app.services.slow")
    assert set(full.graph.successors("app.main.l1")) == set()
    assert set(full.graph.successors("app.main.sort_key")) == {"app.services.slow"}


def test_call_sites_know_the_lambdas_they_are_in() -> None:
    source = (
        "async def f(xs):\n"
        "    await run(lambda: sorted(xs, key=lambda x: g(x)), 1)\n"
        "    h(lambda: k(), *xs, cb=lambda: m())\n"
        "    n = lambda: p()\n"
    )
    summary = build_summary("x.py", "x", False, cst.parse_module(source))
    sites = {
        s.call.func.dotted: s
        for s in summary.scope.functions["f"].scope.calls  # type: ignore[union-attr]
    }
    run, h = sites["run"].call, sites["h"].call
    assert sites["run"].lambdas == ()
    assert sites["sorted"].lambdas == ((run, 0),)
    assert sites["g"].lambdas == ((run, 0), (sites["sorted"].call, "key"))
    assert sites["k"].lambdas == ((h, 0),)
    assert sites["m"].lambdas == ((h, "cb"),)
    assert sites["p"].lambdas == ()
    assert all(isinstance(s.call.func, Name) for s in sites.values())
