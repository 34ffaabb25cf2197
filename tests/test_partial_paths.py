"""A route path built from a run-time prefix and a literal tail (``f"{PREFIX}/login"``,
``PREFIX + "/health"``) shows the prefix alone as unknown, ``{?PREFIX}/login``, as a prefix
given to ``include_router`` does, so the conventions read the segments after it (trial 6,
infinity-emb's ``f"{url_prefix}/embeddings"`` routes). An unknown glued to a literal inside
one segment leaves the whole part unknown, as before."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
import os

from fastapi import APIRouter, FastAPI

PREFIX = os.environ.get("URL_PREFIX", "")
app = FastAPI()


@app.post(f"{PREFIX}/login")
def login() -> dict:
    return {}


@app.get(PREFIX + "/health")
def health() -> dict:
    return {}


@app.delete(f"{PREFIX}/items/{{item_id}}")
def delete_item(item_id: int) -> dict:
    return {}


@app.get("/v1/" + PREFIX + "/models")
def models() -> dict:
    return {}


@app.get("/login" + PREFIX + "/health")
def glued() -> dict:
    return {}


router = APIRouter()


@router.post("/token")
def token() -> dict:
    return {}


app.include_router(router, prefix=PREFIX)
"""


def test_the_literal_tail_of_a_prefixed_path_is_kept(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = analyze([root], use_cache=False)
    auth = {route.path: (route.auth, route.public) for route in result.routes}
    assert auth == {
        "{?PREFIX}/login": ("none", True),
        "{?PREFIX}/health": ("none", True),
        "{?PREFIX}/items/{item_id}": ("none", False),
        "/v1/{?PREFIX}/models": ("none", False),
        "/{?login{PREFIX}/health}": ("none", False),  # glued inside a segment: all unknown
        "{?PREFIX}/token": ("none", True),
    }
    reported = sorted(f.message.split(" has ")[0] for f in result.findings if f.code == "BK101")
    assert reported == [
        "Route DELETE {?PREFIX}/items/{item_id}",
        "Route GET /v1/{?PREFIX}/models",
        "Route GET /{?login{PREFIX}/health}",
    ]


WELL_KNOWN = """\
import os

from fastapi import FastAPI

app = FastAPI()


def metadata() -> dict:
    return {}


if root := os.environ.get("ROOT_PATH"):
    app.add_api_route(f"/.well-known/oauth-protected-resource{root}", metadata)
    app.add_api_route(f"/.well-known/oauth-protected-resource{root}/mcp", metadata)
    app.add_api_route(f"/api/v1{root}/items", metadata)
"""


def test_whole_segments_before_a_glued_one_are_kept(tmp_path: Path) -> None:
    """arize-phoenix registers RFC 8615 aliases under the host's root path: the segments
    before the one the unknown is glued to are read (``.well-known``: public by convention),
    the rest is one unknown."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": WELL_KNOWN})
    result = analyze([root], use_cache=False)
    assert {route.path: route.public for route in result.routes} == {
        "/.well-known/{?oauth-protected-resource{root}}": True,
        "/.well-known/{?oauth-protected-resource{root}/mcp}": True,
        "/api/{?v1{root}/items}": False,
    }
    assert [f.line for f in result.findings if f.code == "BK101"] == [15]
