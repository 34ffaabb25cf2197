"""A false-negative review's bypasses, each open under FastAPI's TestClient without a
credential: a dependency that hands ``None`` on through a conditional expression, and checks
that a caller's address skips (``and request.client.host not in TRUSTED``, a localhost branch
before the check). The same checks without the bypass still authenticate."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
from fastapi import Depends, FastAPI, Header, HTTPException, Request

app = FastAPI()
TOKENS = {"abc": "alice"}
API_KEY = "k"


def decode(token: str) -> str:
    if token not in TOKENS:
        raise HTTPException(status_code=401)
    return TOKENS[token]


def maybe_user(authorization: str | None = Header(None)) -> str | None:
    return decode(authorization) if authorization else None


def user(authorization: str | None = Header(None)) -> str:
    return decode(authorization) if authorization else decode("")


def unless_trusted(request: Request, x_api_key: str | None = Header(None)) -> None:
    if x_api_key != API_KEY and request.client.host not in ("127.0.0.1", "localhost"):
        raise HTTPException(status_code=401)


def local_admin(request: Request, authorization: str | None = Header(None)) -> str:
    if request.client.host == "127.0.0.1":
        name = "admin"
    elif authorization in TOKENS:
        name = TOKENS[authorization]
    else:
        raise HTTPException(status_code=401)
    return name


def key_only(x_api_key: str | None = Header(None)) -> None:
    if x_api_key != API_KEY:
        raise HTTPException(status_code=401)


@app.get("/maybe")
def maybe(who: str | None = Depends(maybe_user)) -> list[str]:
    return []


@app.get("/user")
def named(who: str = Depends(user)) -> list[str]:
    return []


@app.get("/trusted", dependencies=[Depends(unless_trusted)])
def trusted() -> list[str]:
    return []


@app.get("/local")
def local(who: str = Depends(local_admin)) -> list[str]:
    return []


@app.get("/key", dependencies=[Depends(key_only)])
def key() -> list[str]:
    return []
"""


def test_bypasses_leave_routes_open(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = analyze([root], use_cache=False)
    assert {r.path: r.auth for r in result.routes} == {
        "/maybe": "none",
        "/user": "required",
        "/trusted": "none",
        "/local": "none",
        "/key": "required",
    }


UNAWAITED = """\
from fastapi import Depends, FastAPI, Header, HTTPException

app = FastAPI()
TOKENS = {"abc"}


async def verify_token(token: str | None) -> str:
    if not token or token not in TOKENS:
        raise HTTPException(status_code=401)
    return token


async def forgot_await(authorization: str | None = Header(None)) -> str:
    verify_token(authorization)
    return authorization or ""


async def awaited(authorization: str | None = Header(None)) -> str:
    return await verify_token(authorization)


@app.get("/forgot")
async def forgot(who: str = Depends(forgot_await)) -> list[str]:
    return []


@app.get("/awaited")
async def good(who: str = Depends(awaited)) -> list[str]:
    return []
"""


def test_an_async_check_called_without_await_runs_nothing(tmp_path: Path) -> None:
    """The coroutine of ``verify_token(token)`` without ``await`` never runs, nor its 401."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": UNAWAITED})
    result = analyze([root], use_cache=False)
    assert {r.path: r.auth for r in result.routes} == {"/forgot": "none", "/awaited": "required"}


CAPTCHA = """\
from fastapi import Depends, FastAPI, Header, HTTPException

app = FastAPI()


def verify_captcha(cf_turnstile_token: str | None = Header(None)) -> None:
    if not cf_turnstile_token:
        raise HTTPException(status_code=403)


def verify_key(x_api_token: str | None = Header(None)) -> None:
    if not x_api_token:
        raise HTTPException(status_code=401)


@app.post("/orders", dependencies=[Depends(verify_captcha)])
def create_order() -> dict[str, str]:
    return {}


@app.post("/keys", dependencies=[Depends(verify_key)])
def create_key() -> dict[str, str]:
    return {}
"""


def test_a_captcha_token_proves_no_identity(tmp_path: Path) -> None:
    """A captcha's answer (Cloudflare Turnstile, reCAPTCHA) is sent by any browser: a 403 for
    want of it authenticates no one."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": CAPTCHA})
    result = analyze([root], use_cache=False)
    assert {r.path: r.auth for r in result.routes} == {"/orders": "none", "/keys": "required"}


SOCKETS = """\
from fastapi import FastAPI, WebSocket

app = FastAPI()
TOKENS = {"abc"}


@app.websocket("/checked")
async def checked(websocket: WebSocket) -> None:
    await websocket.accept()
    token = websocket.query_params.get("token")
    if token not in TOKENS:
        await websocket.close(code=1008)
        return
    await websocket.send_text("secret")


@app.websocket("/greeted")
async def greeted(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("welcome, here is the news")
    token = websocket.query_params.get("token")
    if token not in TOKENS:
        await websocket.close(code=1008)
        return
    await websocket.send_text("secret")
"""


def test_a_websocket_refused_after_accept_but_before_anything_is_sent(tmp_path: Path) -> None:
    """A false alarm of the review: accept, read the token, close with 1008 before sending
    anything refuses the client as a close before the accept does; once something was sent
    the client was served."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": SOCKETS})
    result = analyze([root], use_cache=False)
    assert {r.path: r.auth for r in result.routes} == {"/checked": "required", "/greeted": "none"}


FIRST_MESSAGE = """\
import json

from fastapi import FastAPI, WebSocket

app = FastAPI()
TOKENS = {"abc"}


@app.websocket("/json")
async def by_json(websocket: WebSocket) -> None:
    await websocket.accept()
    msg = await websocket.receive_json()
    if msg.get("token") not in TOKENS:
        await websocket.close(code=1008)
        return
    await websocket.send_text("secret")


@app.websocket("/text")
async def by_text(websocket: WebSocket) -> None:
    await websocket.accept()
    raw = await websocket.receive_text()
    auth = json.loads(raw)
    token = auth["token"]
    if token not in TOKENS:
        await websocket.close(code=1008)
        return
    await websocket.send_text("secret")


@app.websocket("/late")
async def late(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("history")
    msg = await websocket.receive_json()
    if msg.get("token") not in TOKENS:
        await websocket.close(code=1008)
        return


@app.websocket("/chat")
async def chat(websocket: WebSocket) -> None:
    await websocket.accept()
    msg = await websocket.receive_json()
    if msg.get("text") == "":
        await websocket.close(code=1008)
        return
    await websocket.send_text("reply")
"""


def test_first_message_authentication(tmp_path: Path) -> None:
    """Browsers set no headers on a WebSocket: the client sends its token in the first
    message, read from ``receive_json()`` or ``json.loads(receive_text())``, and the endpoint
    closes with 1008 before serving anything. Served first, or a message without a credential,
    is no check."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": FIRST_MESSAGE})
    result = analyze([root], use_cache=False)
    assert {r.path: r.auth for r in result.routes} == {
        "/json": "required",
        "/text": "required",
        "/late": "none",
        "/chat": "none",
    }
    chains = {r.path: r.auth_chain for r in result.routes}
    assert any("checks message token" in link for link in chains["/json"])


REVIEWED = """\
import secrets
from contextlib import asynccontextmanager

import jwt
from fastapi import Depends, FastAPI, Header, HTTPException, Request

app = FastAPI()
API_KEY = "k"
SECRET = "s"
BANNED = {"10.0.0.1"}
WORKSPACES = {"w": "workspace"}


def require_key(request: Request, x_api_key: str | None = Header(None)) -> None:
    if request.client.host in BANNED:
        raise HTTPException(status_code=403, detail="banned")
    elif x_api_key is None or not secrets.compare_digest(x_api_key, API_KEY):
        raise HTTPException(status_code=401)


def current_workspace(authorization: str | None = Header(default=None)) -> str | None:
    if not authorization or not authorization.startswith("Bearer "):
        raise HTTPException(status_code=401)
    try:
        claims = jwt.decode(authorization[7:], SECRET, algorithms=["HS256"])
    except jwt.PyJWTError:
        raise HTTPException(status_code=401) from None
    return WORKSPACES.get(wid) if (wid := claims.get("workspace")) else None


@asynccontextmanager
async def authenticated(x_api_key: str | None):
    if x_api_key != API_KEY:
        raise HTTPException(status_code=401)
    yield {"client": x_api_key}


async def verify_key(x_api_key: str | None) -> str:
    if x_api_key != API_KEY:
        raise HTTPException(status_code=401)
    return x_api_key


async def entered(x_api_key: str | None = Header(None)):
    async with authenticated(x_api_key) as client:
        yield client


async def bound(x_api_key: str | None = Header(None)) -> str:
    task = verify_key(x_api_key)
    return await task


@app.get("/data", dependencies=[Depends(require_key)])
def data() -> list[str]:
    return []


@app.get("/workspace")
def workspace(ws: str = Depends(current_workspace)) -> list[str]:
    return []


@app.get("/entered")
async def by_with(client: dict = Depends(entered)) -> list[str]:
    return []


@app.get("/bound")
async def by_task(key: str = Depends(bound)) -> list[str]:
    return []
"""


def test_a_review_s_checks_stay_checks(tmp_path: Path) -> None:
    """An IP blocklist raising before the key check, a ``... if wid else None`` after every
    401, an ``@asynccontextmanager`` check entered with ``async with`` and a coroutine bound to
    a name and awaited later all check the credential (401 without it under TestClient)."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": REVIEWED})
    result = analyze([root], use_cache=False)
    assert {r.path: r.auth for r in result.routes} == {
        "/data": "required",
        "/workspace": "required",
        "/entered": "required",
        "/bound": "required",
    }
