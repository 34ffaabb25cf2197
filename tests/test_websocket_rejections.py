"""A WebSocket route refuses a client by closing the connection, not with a 401/403: a
dependency raising ``WebSocketException(code=1008)`` (or an application code, 4001, 4003) for
want of a credential it reads (FastAPI's tutorial "WebSockets: Using Depends"), the endpoint
closing with such a code and returning before ``accept()``, or a dependency that closes and
returns ``None`` when the endpoint then does nothing without its value (freqtrade's
``/api/v1/message/ws``). Each is ``required`` for a WebSocket route and means nothing for an
HTTP route; a close after serving, a normal close (1000), a close under an unrelated test, or a
closing dependency whose value the endpoint uses before testing it authenticate nothing.
Checked against FastAPI's TestClient: the close code an anonymous client gets, and that a
client with a token is let in."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import libcst as cst
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from backendkit import analyze
from backendkit.result import AnalysisResult
from backendkit.summary.collector import build_summary
from helpers import write_project
from truth import anonymous_statuses, imported_app

MAIN = """\
from typing import Annotated, Optional

from fastapi import Cookie, Depends, FastAPI, Header, Query, WebSocket, WebSocketException, status
from fastapi.security import APIKeyHeader

app = FastAPI()
TOKENS = {"s3cr3t"}
USERS = {"s3cr3t": "ann"}
BUSY = False
CONNECTED: list = []
scheme = APIKeyHeader(name="X-API-Key", auto_error=False)


async def hello(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("hello")
    await websocket.close()


async def get_cookie_or_token(
    websocket: WebSocket,
    session: Annotated[Optional[str], Cookie()] = None,
    token: Annotated[Optional[str], Query()] = None,
):
    if session is None and token is None:
        raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION)
    return session or token


async def header_key(x_api_key: Annotated[Optional[str], Header()] = None) -> str:
    if x_api_key not in TOKENS:
        raise WebSocketException(code=4003)
    return x_api_key


async def query_param(websocket: WebSocket) -> str:
    token = websocket.query_params.get("token")
    if token not in TOKENS:
        raise WebSocketException(status.WS_1008_POLICY_VIOLATION, "no token")
    return token


async def scheme_key(key: Optional[str] = Depends(scheme)) -> str:
    if key is None:
        raise WebSocketException(code=4001)
    return key


async def ws_guard(websocket: WebSocket) -> None:
    token = websocket.headers.get("Authorization")
    try:
        USERS[token]
    except KeyError:
        raise WebSocketException(code=4001)


async def validate_ws_token(ws: WebSocket, ws_token: Optional[str] = Query(None, alias="token")):
    if ws_token in TOKENS:
        return ws_token
    await ws.close(code=status.WS_1008_POLICY_VIOLATION)


async def close_then_raise(websocket: WebSocket, token: Optional[str] = Query(None)) -> str:
    if token not in TOKENS:
        await websocket.close(code=4001)
        raise ConnectionAbortedError("no token")
    return token


async def busy_check(token: Optional[str] = Query(None)) -> Optional[str]:
    if BUSY:
        raise WebSocketException(code=1008)
    return token


@app.websocket("/tutorial")
async def tutorial(websocket: WebSocket, who: Annotated[str, Depends(get_cookie_or_token)]):
    await hello(websocket)


@app.websocket("/header")
async def header(websocket: WebSocket, key: str = Depends(header_key)):
    await hello(websocket)


@app.websocket("/query-params")
async def query_params(websocket: WebSocket, token: str = Depends(query_param)):
    await hello(websocket)


@app.websocket("/scheme")
async def scheme_route(websocket: WebSocket, key: str = Depends(scheme_key)):
    await hello(websocket)


@app.websocket("/guard", dependencies=[Depends(ws_guard)])
async def guarded(websocket: WebSocket):
    await hello(websocket)


@app.websocket("/endpoint-close")
async def endpoint_close(websocket: WebSocket, token: Optional[str] = Query(None)):
    if token not in TOKENS:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await hello(websocket)


@app.websocket("/endpoint-raise")
async def endpoint_raise(websocket: WebSocket, token: Optional[str] = Query(None)):
    if token not in TOKENS:
        raise WebSocketException(code=4003)
    await hello(websocket)


@app.websocket("/closing-tail")
async def closing_tail(websocket: WebSocket, token: Optional[str] = Depends(validate_ws_token)):
    if token:
        await hello(websocket)


@app.websocket("/closing-return")
async def closing_return(websocket: WebSocket, token: Optional[str] = Depends(validate_ws_token)):
    if not token:
        return
    await hello(websocket)


@app.websocket("/closing-untested")
async def closing_untested(
    websocket: WebSocket, token: Optional[str] = Depends(validate_ws_token)
):
    CONNECTED.append(token)
    if token:
        await hello(websocket)


@app.websocket("/close-raise")
async def close_raise(websocket: WebSocket, token: str = Depends(close_then_raise)):
    CONNECTED.append(token)
    await hello(websocket)


@app.websocket("/served")
async def served(websocket: WebSocket, token: Optional[str] = Query(None)):
    await websocket.accept()
    await websocket.send_text("hello")
    await websocket.close()


@app.websocket("/after-accept")
async def after_accept(websocket: WebSocket, token: Optional[str] = Query(None)):
    await websocket.accept()
    await websocket.send_text("hello")
    if token not in TOKENS:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await websocket.close()


@app.websocket("/busy")
async def busy(websocket: WebSocket, token: Optional[str] = Query(None)):
    if BUSY:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await hello(websocket)


@app.websocket("/busy-dependency")
async def busy_dependency(websocket: WebSocket, token: Optional[str] = Depends(busy_check)):
    await hello(websocket)


@app.websocket("/normal-close")
async def normal_close(websocket: WebSocket, token: Optional[str] = Query(None)):
    if token not in TOKENS:
        await websocket.close()
        return
    await hello(websocket)


@app.get("/http-dependency")
async def http_dependency(who: Annotated[str, Depends(get_cookie_or_token)]) -> str:
    return who


@app.get("/http-raise")
async def http_raise(token: Optional[str] = Query(None)) -> str:
    if token not in TOKENS:
        raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION)
    return token
"""

#: the websocket routes that refuse an anonymous client, with the close code it gets and how
#: a client with a credential connects (a query string, or headers)
REFUSED = {
    "/tutorial": (1008, "?token=s3cr3t", {}),
    "/header": (4003, "", {"x-api-key": "s3cr3t"}),
    "/query-params": (1008, "?token=s3cr3t", {}),
    "/scheme": (4001, "", {"X-API-Key": "s3cr3t"}),
    "/guard": (4001, "", {"Authorization": "s3cr3t"}),
    "/endpoint-close": (1008, "?token=s3cr3t", {}),
    "/endpoint-raise": (4003, "?token=s3cr3t", {}),
    "/closing-tail": (1008, "?token=s3cr3t", {}),
    "/closing-return": (1008, "?token=s3cr3t", {}),
}
#: what backendkit proves each of them with (the route's auth chain, after the endpoint)
CHAINS = {
    "/tutorial": "app.main:get_cookie_or_token (checks cookie session)",
    "/header": "app.main:header_key (checks header x-api-key)",
    "/query-params": "app.main:query_param (checks query token)",
    "/scheme": "app.main:scheme_key (checks APIKeyHeader credentials)",
    "/guard": "app.main:ws_guard (checks header authorization)",
    "/endpoint-close": "its own body (checks query token)",
    "/endpoint-raise": "its own body (checks query token)",
    "/closing-tail": "its own body (checks query token, which validate_ws_token closes without)",
    "/closing-return": (
        "its own body (checks query token, which validate_ws_token closes without)"
    ),
    "/close-raise": "app.main:close_then_raise (checks query token)",
}
#: the websocket routes that let an anonymous client in (or run the endpoint for it)
OPEN = ["/served", "/after-accept", "/busy", "/busy-dependency"]


def websocket_outcome(client: TestClient, path: str, headers: dict[str, str]) -> str:
    """What a client connecting to ``path`` gets: ``"accepted"`` (it receives the endpoint's
    greeting), ``"closed <code>"``, or ``"error <class>"`` for an error the app raised (the
    TestClient raises it in the client)."""
    try:
        with client.websocket_connect(path, headers=headers) as socket:
            socket.receive_text()
            return "accepted"
    except WebSocketDisconnect as closed:
        return f"closed {closed.code}"
    except Exception as error:  # the app's own error, which TestClient raises again
        return f"error {type(error).__name__}"


def websocket_outcomes(project_dir: Path, calls: Iterable[tuple[str, dict[str, str]]]) -> list[str]:
    """``websocket_outcome`` of each ``(path, headers)`` against the project's app, and, last,
    what the app's ``CONNECTED`` list holds once they are done."""
    with imported_app(project_dir, "app.main:app") as application:
        client = TestClient(application)
        found = [websocket_outcome(client, path, headers) for path, headers in calls]
        return [*found, repr(sys.modules["app.main"].CONNECTED)]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project of ``MAIN``, linted for BK101."""
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    return write_project(tmp_path_factory.mktemp("ws") / "p", files, select=["BK101"])


@pytest.fixture(scope="module")
def result(project: Path) -> AnalysisResult:
    """backendkit's analysis of ``project``."""
    return analyze([project], use_cache=False)


def _line(text: str) -> int:
    """The line of ``MAIN`` that holds ``text``."""
    return next(i for i, line in enumerate(MAIN.splitlines(), 1) if text in line)


def test_truth_refused_routes_close_for_anonymous_clients_only(project: Path) -> None:
    calls = [(path, {}) for path in REFUSED]
    calls += [(path + query, headers) for path, (_, query, headers) in REFUSED.items()]
    found = websocket_outcomes(project, calls)
    anonymous, known = found[: len(REFUSED)], found[len(REFUSED) : -1]
    assert anonymous == [f"closed {code}" for code, _, _ in REFUSED.values()]
    assert known == ["accepted"] * len(REFUSED)


def test_refused_routes_are_required(result: AnalysisResult) -> None:
    routes = {route.path: route for route in result.routes}
    for path, chain in CHAINS.items():
        assert routes[path].auth == "required", path
        assert routes[path].auth_chain[1:] == (chain,), path
    reported = {finding.line for finding in result.findings if finding.code == "BK101"}
    assert not reported & {_line(f'@app.websocket("{path}"') for path in CHAINS}


def test_truth_close_then_raise_stops_the_route(project: Path) -> None:
    """A dependency that closes the connection and raises: the endpoint never runs for an
    anonymous client (TestClient raises the app's error; a server logs it after the close)."""
    calls = [("/close-raise", {}), ("/close-raise?token=s3cr3t", {})]
    found = websocket_outcomes(project, calls)
    assert found == ["error ConnectionAbortedError", "accepted", "['s3cr3t']"]


def test_truth_open_routes_let_anonymous_clients_in(project: Path) -> None:
    found = websocket_outcomes(project, [(path, {}) for path in OPEN])
    assert found[:-1] == ["accepted"] * len(OPEN)


def test_truth_untested_closing_dependency_runs_the_endpoint(project: Path) -> None:
    """The dependency closes the connection (the client is refused), but FastAPI still runs
    the endpoint, with ``None``: what it does before testing the value runs for anyone."""
    found = websocket_outcomes(project, [("/closing-untested", {})])
    assert found == ["closed 1008", "[None]"]


def test_truth_normal_close_refuses_but_is_not_read_as_a_check(project: Path) -> None:
    """A close with 1000 before ``accept()`` refuses the client too, but its code says
    nothing of why: backendkit does not read it as a check (the route stays reported)."""
    assert websocket_outcomes(project, [("/normal-close", {})])[:-1] == ["closed 1000"]


def test_truth_websocket_exception_of_an_http_route_is_a_server_error(project: Path) -> None:
    found = anonymous_statuses(project, ["/http-dependency", "/http-raise"])
    assert found == {"/http-dependency": 500, "/http-raise": 500}


def test_open_routes_and_http_routes_are_none_and_reported(result: AnalysisResult) -> None:
    routes = {route.path: route for route in result.routes}
    unproved = [*OPEN, "/closing-untested", "/normal-close", "/http-dependency", "/http-raise"]
    assert {path: routes[path].auth for path in unproved} == dict.fromkeys(unproved, "none")
    reported = sorted(finding.line for finding in result.findings if finding.code == "BK101")
    websockets = [_line(f'@app.websocket("{path}"') for path in unproved[:-2]]
    https = [_line(f'@app.get("{path}"') for path in unproved[-2:]]
    assert reported == sorted([*websockets, *https])


def test_summary_records_the_if_ending_an_async_def() -> None:
    """``Scope.tail_if``: the ``if`` without ``else`` that ends an ``async def`` body (one
    holding a ``return`` is in ``Scope.ifs`` too); not one with an ``else``, one followed by a
    statement, nor a plain ``def``'s."""
    source = """\
async def tail(token):
    \"\"\"Doc.\"\"\"
    if token:
        await serve()


async def orelse(token):
    if token:
        await serve()
    else:
        pass


async def returns(token):
    if token:
        await serve()
        return


async def followed(token):
    if token:
        await serve()
    await serve()


def plain(token):
    if token:
        serve()
"""
    summary = build_summary("m.py", "m", False, cst.parse_module(source))
    found = {name: info.scope.tail_if for name, info in summary.scope.functions.items()}
    assert found["tail"] is not None
    assert (found["tail"].first, found["tail"].end, found["tail"].present) == (3, 5, ("token",))
    assert found["tail"] not in summary.scope.functions["tail"].scope.ifs
    assert summary.scope.functions["returns"].scope.ifs == (found["returns"],)
    assert [found["orelse"], found["followed"], found["plain"]] == [None, None, None]
