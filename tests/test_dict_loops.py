"""Static dicts: a dict display is a value, subscripting a static dict (or list) with a static
key gives the item, and loops over a dict or its ``.items()`` / ``.keys()`` / ``.values()``
run once per entry, as loops over lists do. Checked against what FastAPI serves."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import engine_triples, fastapi_truth

MAIN = """\
import os

from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import HTTPBearer

PREFIXES = {"v1": "/api/v1", "v2": "/api/v2"}
VERSIONS = ["v1", "v2"]
MORE = {**PREFIXES, "v5": "/api/v5"}
PATHS = ["/zero", "/one"]
OPEN = {"prefix": "/open"}

app = FastAPI()
router = APIRouter(dependencies=[Depends(HTTPBearer())])
open_router = APIRouter(prefix=OPEN["prefix"])


@router.get("/items")
def items() -> dict:
    return {}


@open_router.get(PATHS[1])
def listing() -> dict:
    return {}


for v in VERSIONS:
    app.include_router(router, prefix=PREFIXES[v])
for v, p in {"v3": "/api/v3", "v4": "/api/v4"}.items():
    app.include_router(router, prefix=p + "/" + v)
for key in MORE.keys():
    app.include_router(router, prefix="/k/" + key)
for p in MORE.values():
    app.include_router(router, prefix=p + "/vals")
for key in PREFIXES:
    app.include_router(router, prefix=PREFIXES[key] + "/direct")
app.include_router(open_router)
app.include_router(router, prefix=PREFIXES[os.environ.get("V", "v1")] + "/env")
"""

RUNTIME = "{?PREFIXES[os.environ.get('V', 'v1')]}/env/items"  # the known tail is kept


def test_dict_driven_includes_give_one_prefix_per_entry(tmp_path: Path) -> None:
    """Every loop gives its own prefixes (loops reusing a variable name each see their own
    variable); the one key read at run time stays unresolved (and only that one); the open
    router next to them is still reported."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = analyze([root])
    engine = engine_triples(result.routes, "app.main:app")
    truth = fastapi_truth(root, "app.main:app")
    assert engine - {("GET", RUNTIME, True)} == truth - {("GET", "/api/v1/env/items", True)}
    assert sorted(path for _method, path, _secured in engine) == [
        "/api/v1/direct/items",
        "/api/v1/items",
        "/api/v1/vals/items",
        "/api/v2/direct/items",
        "/api/v2/items",
        "/api/v2/vals/items",
        "/api/v3/v3/items",
        "/api/v4/v4/items",
        "/api/v5/vals/items",
        "/k/v1/items",
        "/k/v2/items",
        "/k/v5/items",
        "/open/one",
        RUNTIME,
    ]
    assert [r.path for r in result.routes if not r.path_resolved] == [RUNTIME]
    assert [(f.code, f.line) for f in result.findings if f.code == "BK101"] == [("BK101", 22)]
