"""Routes and hooks registered in call form, checked against FastAPI.

``app.get("/login")(login_view)`` is what ``@app.get("/login")`` does to ``login_view``:
fastapi-admin registers its login, logout, init and password pages so
(``providers/login.py``), and none of them was in the inventory. A call form is the same
registration as the decorated form: path, methods, handler, the prefix and dependencies of the
routers it is included through; ``app.middleware("http")(gate)`` is a middleware as
``@app.middleware("http")`` is.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from backendkit import analyze
from helpers import write_project
from truth import imported_app

MAIN = """\
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request


def require_key(request: Request):
    if request.headers.get("x-api-key") != "k3y":
        raise HTTPException(status_code=401)


async def login_view():
    return {"page": "login"}


async def logout():
    return {"ok": True}


async def items():
    return []


async def echo():
    return {}


router = APIRouter(prefix="/account")
router.post("/logout")(logout)
admin = APIRouter(dependencies=[Depends(require_key)])
admin.get("/items")(items)
admin.api_route("/echo", methods=["PUT", "PATCH"])(echo)

app = FastAPI()
app.get("/login")(login_view)
app.include_router(router)
app.include_router(admin, prefix="/admin")


@app.get("/normal")
async def normal():
    return {}
"""

GATED = """\
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


async def gate(request: Request, call_next):
    if request.headers.get("authorization") != "Bearer k3y":
        return JSONResponse({"detail": "no"}, status_code=401)
    return await call_next(request)


async def home():
    return {}


app = FastAPI()
app.middleware("http")(gate)
app.get("/home")(home)
"""


def _statuses(root: Path, ref: str, calls: list[tuple[str, str]]) -> dict[str, int]:
    """The status FastAPI answers an anonymous request of each ``(method, path)``."""
    with imported_app(root, ref) as application:
        client = TestClient(application)
        return {f"{m} {p}": client.request(m, p).status_code for m, p in calls}


def test_call_form_registers_routes(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    calls = [("GET", "/login"), ("POST", "/account/logout"), ("GET", "/admin/items")]
    calls += [("PUT", "/admin/echo"), ("PATCH", "/admin/echo"), ("GET", "/normal")]
    assert _statuses(root, "app.main:app", calls) == {
        "GET /login": 200,
        "POST /account/logout": 200,
        "GET /admin/items": 401,
        "PUT /admin/echo": 401,
        "PATCH /admin/echo": 401,
        "GET /normal": 200,
    }
    result = analyze([root], use_cache=False)
    lines = MAIN.splitlines()
    found = {
        (route.methods, route.path): (route.handler, route.auth, lines[route.line - 1])
        for route in result.routes
    }
    assert {route.path for route in result.routes if route.public} == {
        "/login",
        "/account/logout",  # by convention, as when decorated
    }
    assert found == {
        (("GET",), "/login"): ("app.main:login_view", "none", 'app.get("/login")(login_view)'),
        (("POST",), "/account/logout"): (
            "app.main:logout",
            "none",
            'router.post("/logout")(logout)',
        ),
        (("GET",), "/admin/items"): ("app.main:items", "required", 'admin.get("/items")(items)'),
        (("PATCH", "PUT"), "/admin/echo"): (
            "app.main:echo",
            "required",
            'admin.api_route("/echo", methods=["PUT", "PATCH"])(echo)',
        ),
        (("GET",), "/normal"): ("app.main:normal", "none", '@app.get("/normal")'),
    }


def test_call_form_middleware_is_a_middleware(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": GATED})
    assert _statuses(root, "app.main:app", [("GET", "/home")]) == {"GET /home": 401}
    routes = analyze([root], use_cache=False).routes
    assert [(r.path, r.auth) for r in routes] == [("/home", "unknown")]
    assert routes[0].auth_chain[-1].startswith("app.main:gate")
