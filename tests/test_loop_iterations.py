"""Variables computed in a loop body from the loop variable take each iteration's value (not
the first iteration's), and a loop variable rebound in the body is that new binding."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import engine_attr, engine_triples, fastapi_truth

HEAD = """\
from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import HTTPBearer

app = FastAPI()
login = APIRouter()
admin = APIRouter()
r1 = APIRouter(dependencies=[Depends(HTTPBearer())])


@login.post("/access-token")
def token() -> dict:
    return {}


@admin.post("/users/delete-all")
def wipe() -> dict:
    return {}


@r1.get("/a")
def a() -> dict:
    return {}


"""

DICT_LOOP = (
    HEAD
    + """\
ROUTERS = {"login": login, "admin": admin}
for name, router in ROUTERS.items():
    prefix = f"/api/{name}"
    app.include_router(router, prefix=prefix)
"""
)

LIST_LOOP = (
    HEAD
    + """\
for name in ["x", "y"]:
    prefix = f"/{name}"
    app.include_router(r1, prefix=prefix)
app.include_router(r1, prefix="/plain")
"""
)

REBOUND = (
    HEAD
    + """\
for p in ["/x", "/y"]:
    p = p + "/z"
    app.include_router(r1, prefix=p)
for q in ["/q1", "/q2"]:
    app.include_router(r1, prefix=q)
"""
)


def _routes(tmp_path: Path, main: str) -> tuple[Path, object]:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": main})
    return root, analyze([root])


def test_a_prefix_computed_in_a_dict_loop_is_each_routers_own(tmp_path: Path) -> None:
    """The admin router's unauthenticated route is served under ``/api/admin``, not shown as
    the login router's public ``/api/login`` route; BK101 reports it (and only it)."""
    root, result = _routes(tmp_path, DICT_LOOP)
    engine = engine_triples(result.routes, "app.main:app")
    assert engine == fastapi_truth(root, "app.main:app")
    assert sorted(path for _m, path, _s in engine) == [
        "/api/admin/users/delete-all",
        "/api/login/access-token",
    ]
    auth = engine_attr(result.routes, "app.main:app", "auth")
    assert auth["POST /api/admin/users/delete-all"] == "none"
    bk101 = [(f.code, f.line) for f in result.findings if f.code == "BK101"]
    assert bk101 == [("BK101", 15)]


def test_a_prefix_computed_in_a_list_loop_takes_each_item(tmp_path: Path) -> None:
    """``/x/a`` and ``/y/a`` (not ``/x/a`` twice); the include outside the loop is unchanged."""
    root, result = _routes(tmp_path, LIST_LOOP)
    engine = engine_triples(result.routes, "app.main:app")
    assert engine == fastapi_truth(root, "app.main:app")
    assert sorted(path for _m, path, _s in engine) == ["/plain/a", "/x/a", "/y/a"]


def test_a_loop_variable_rebound_in_the_body_is_not_the_loop_item(tmp_path: Path) -> None:
    """``p = p + "/z"`` in the body is not the loop's ``p``: its paths are never presented as
    ``/x/a`` and ``/y/a``; the ``p`` its value is computed from is the loop's (the earlier
    binding), so each iteration gives FastAPI's own path. The plain loop next to it still
    gives each item's path."""
    root, result = _routes(tmp_path, REBOUND)
    engine = engine_triples(result.routes, "app.main:app")
    truth = fastapi_truth(root, "app.main:app")
    assert {"/x/z/a", "/y/z/a", "/q1/a", "/q2/a"} == {path for _m, path, _s in truth}
    paths = sorted(route.path for route in result.routes if route.app == "app.main:app")
    assert paths == ["/q1/a", "/q2/a", "/x/z/a", "/y/z/a"]
    assert all(r.path_resolved for r in result.routes)
    assert engine == truth


HELPER = (
    HEAD
    + """\
def prefix_of(name: str) -> str:
    return f"/{name}"


for n in ["x", "y"]:
    app.include_router(r1, prefix=prefix_of(n))
"""
)


def test_a_helpers_parameter_takes_each_iterations_argument(tmp_path: Path) -> None:
    """A prefix a helper computes from its parameter, called with the loop variable: the
    parameter's value is not kept from the first iteration."""
    root, result = _routes(tmp_path, HELPER)
    engine = engine_triples(result.routes, "app.main:app")
    assert engine == fastapi_truth(root, "app.main:app")
    assert sorted(path for _m, path, _s in engine) == ["/x/a", "/y/a"]
