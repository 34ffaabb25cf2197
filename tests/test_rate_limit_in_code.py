"""BK112 and what a handler does itself. A limiter the handler consults (open-webui's ``if await
signin_rate_limiter.is_limited(email): raise HTTPException(429)``, a counter of failed tries)
limits guessing (a 429 in the body or the ``else:`` of the ``if`` asking it); a 429 for
anything else (a read-only mode, an upstream quota, an ``elif`` of its own) does not. A
handler taking only the request is still reported: it may read a password from the headers,
the query or the body in ways not followed (a review found five; khoj's OAuth-start login,
which reads none, is a known false alarm)."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
import os

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse

from app.limits import FAILURES, LIMITER, MAX_TRIES, check_password, quota_left

app = FastAPI()
READ_ONLY = os.getenv("READ_ONLY") == "1"


@app.post("/a/signin")
async def signin(email: str, password: str) -> dict:
    if LIMITER.is_limited(email):
        raise HTTPException(status_code=429, detail="Too many attempts")
    check_password(email, password)
    return {}


@app.post("/b/login")
async def maintenance(email: str, password: str) -> dict:
    if READ_ONLY:
        raise HTTPException(status_code=429, detail="Read-only mode")
    check_password(email, password)
    return {}


@app.post("/c/login")
async def upstream(email: str, password: str) -> dict:
    check_password(email, password)
    if not quota_left():
        raise HTTPException(status_code=429, detail="Mail quota exceeded")
    return {}


@app.post("/d/login")
async def oauth_start(request: Request) -> RedirectResponse:
    return RedirectResponse("https://accounts.example.com/authorize?client_id=x")


@app.post("/g/login")
async def counted(email: str, password: str) -> dict:
    recent = FAILURES.get(email, [])
    if len(recent) >= MAX_TRIES:
        raise HTTPException(status_code=429, detail="Locked for a while")
    check_password(email, password)
    return {}


@app.post("/e/login")
async def form_login(request: Request) -> dict:
    form = await request.form()
    check_password(str(form["email"]), str(form["password"]))
    return {}


@app.post("/f/login")
async def handed(request: Request) -> dict:
    return await login_from(request)


@app.post("/h/login")
async def read_only_after(email: str, password: str) -> dict:
    if LIMITER.is_limited(email):
        check_password(email, password)
    elif READ_ONLY:
        raise HTTPException(status_code=429, detail="Read-only mode")
    return {}


@app.post("/i/login")
async def allowed_else(email: str, password: str) -> dict:
    if not LIMITER.is_limited(email):
        check_password(email, password)
    else:
        raise HTTPException(status_code=429, detail="Too many attempts")
    return {}


async def login_from(request: Request) -> dict:
    form = await request.json()
    check_password(form["email"], form["password"])
    return {}
"""

LIMITS = """\
class Limiter:
    def is_limited(self, key: str) -> bool:
        return False


LIMITER = Limiter()


def check_password(email: str, password: str) -> None:
    pass


def quota_left() -> bool:
    return True


FAILURES: dict[str, list[float]] = {}
MAX_TRIES = 5
"""


def test_what_the_handler_does_itself(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/main.py": MAIN, "app/limits.py": LIMITS}
    root = write_project(tmp_path / "p", files)
    result = analyze([root], use_cache=False)
    paths = sorted(f.message.split()[2] for f in result.findings if f.code == "BK112")
    assert paths == ["/b/login", "/c/login", "/d/login", "/e/login", "/f/login", "/h/login"]
