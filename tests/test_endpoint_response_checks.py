"""An endpoint that answers a missing credential with a 401/403 response it returns (``return
JSONResponse(..., status_code=401)``) checks it as one raising ``HTTPException`` does (litellm's
realtime calls); a 403 for a business rule, or a response sent before the check, does not."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses

MAIN = """\
import json

from fastapi import FastAPI, Request, Response, status
from fastapi.responses import JSONResponse

app = FastAPI()
KEYS = {"k1"}


@app.get("/calls")
async def calls(request: Request) -> Response:
    auth_header = request.headers.get("Authorization")
    if not auth_header or not auth_header.startswith("Bearer "):
        return Response(
            content=json.dumps({"error": "Missing Authorization header"}),
            status_code=status.HTTP_401_UNAUTHORIZED,
            media_type="application/json",
        )
    return Response(content=b"ok")


@app.get("/keyed")
async def keyed(request: Request) -> Response:
    key = request.headers.get("X-API-Key")
    if key not in KEYS:
        return JSONResponse({"error": "bad key"}, 403)
    return JSONResponse({"ok": True})


@app.get("/items/{item_id}")
async def item(item_id: int) -> Response:
    if item_id > 10:
        return JSONResponse({"error": "forbidden"}, status_code=403)
    return JSONResponse({"id": item_id})


@app.get("/early")
async def early(request: Request) -> Response:
    if request.query_params.get("x"):
        return JSONResponse({"x": 1})
    key = request.headers.get("X-API-Key")
    if key not in KEYS:
        return JSONResponse({"error": "bad key"}, status_code=401)
    return JSONResponse({"ok": True})
"""


def test_returned_401_responses_check_the_credential(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    paths = ["/calls", "/keyed", "/items/11", "/items/1", "/early", "/early?x=1"]
    assert anonymous_statuses(root, paths) == {
        "/calls": 401,
        "/keyed": 403,
        "/items/11": 403,
        "/items/1": 200,
        "/early": 401,
        "/early?x=1": 200,
    }
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {
        "/calls": "required",
        "/keyed": "required",
        "/items/{item_id}": "none",
        "/early": "none",
    }
    reported = sorted(f.message.split()[2] for f in result.findings if f.code == "BK101")
    assert reported == ["/early", "/items/{item_id}"]
