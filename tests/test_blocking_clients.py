"""BK301 and clients built by a classmethod: ``redis.Redis.from_url(url)`` connects nothing
(litellm's cache-connection routes were reported for building one), but the client it returns
is a ``redis.Redis``, whose commands block."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
import redis
from fastapi import FastAPI

app = FastAPI()


def client(url: str) -> object:
    return redis.Redis.from_url(url)


def ping(url: str) -> bool:
    return redis.StrictRedis.from_url(url).ping()


def read(url: str) -> bytes:
    r = redis.Redis.from_url(url)
    return r.get("k")


@app.get("/build")
async def build() -> dict:
    client("redis://cache")
    return {}


@app.get("/ping")
async def do_ping() -> dict:
    return {"ok": ping("redis://cache")}


@app.get("/read")
async def do_read() -> dict:
    return {"v": read("redis://cache")}
"""


def test_a_client_from_url_is_its_class(tmp_path: Path) -> None:
    """Building the client is not reported; its commands are, named on its class."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    found = [f for f in analyze([root], use_cache=False).findings if f.code == "BK301"]
    assert [(f.line, f.message.split(" -> ")[-1].split(";")[0]) for f in found] == [
        (28, "redis.StrictRedis.ping (line 12)"),
        (33, "redis.Redis.get (line 17)"),
    ]


PROC = """\
import os

from fastapi import FastAPI

app = FastAPI()


def start_time(pid: int) -> bytes:
    with open(f"/proc/{pid}/stat", "rb") as handle:
        return handle.read()


def uptime() -> str:
    with open("/proc/uptime") as handle:
        return handle.read()


def config(name: str) -> str:
    with open(f"/etc/app/{name}") as handle:
        return handle.read()


@app.get("/me")
async def me() -> dict:
    return {"start": start_time(os.getpid()), "up": uptime()}


@app.get("/config")
async def read_config() -> dict:
    return {"c": config("main")}
"""


def test_kernel_pseudo_files_do_not_block(tmp_path: Path) -> None:
    """``open(f"/proc/{pid}/stat")`` reads kernel memory, not a disk (lightrag's start-time
    check, 15 findings); any other path is a file read."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": PROC})
    found = [f for f in analyze([root], use_cache=False).findings if f.code == "BK301"]
    assert [f.line for f in found] == [30]
