"""A run given some files (pre-commit's staged files) reports a route's missing or optional
authentication when one of them takes part in it: the app, a router or include on its way, a
dependency in its tree (``Route.sources``, ``Finding.related``). A new user staged only
``deps.py`` after breaking ``get_current_user`` and the commit passed. Also: ``routes FILE``
lists the routes declared in FILE, and ``routes``/``graph`` take ``-o`` as ``lint`` does."""

from __future__ import annotations

import json
from pathlib import Path

from backendkit import analyze
from conftest import write_project
from test_cli import bk

DEPS = """\
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import OAuth2PasswordBearer

from app.core.security import oauth2_scheme


def get_db() -> str:
    return "db"


def get_current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> str:
    if token != "good":
        raise HTTPException(status_code=401)
    return token


CurrentUser = Annotated[str, Depends(get_current_user)]
"""

SECURITY = """\
from fastapi.security import OAuth2PasswordBearer

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/token")
"""

ITEMS = """\
from fastapi import APIRouter

from app.api.deps import CurrentUser

router = APIRouter(prefix="/items")


@router.get("/")
def list_items(user: CurrentUser) -> list[str]:
    return []
"""

OTHER = """\
from fastapi import APIRouter, Depends

from app.api.deps import get_db

router = APIRouter(prefix="/other")


@router.get("/")
def list_other(db: str = Depends(get_db)) -> list[str]:
    return []
"""

MAIN = """\
from fastapi import FastAPI

from app.api import items, other

app = FastAPI()
app.include_router(items.router)
app.include_router(other.router)
"""

CHECK = '    if token != "good":\n        raise HTTPException(status_code=401)\n'
MODELS = "class Item:\n    name: str = ''\n"


def _project(tmp_path: Path, **changed: str) -> Path:
    files = {
        "app/__init__.py": "",
        "app/api/__init__.py": "",
        "app/core/__init__.py": "",
        "app/api/deps.py": DEPS,
        "app/core/security.py": SECURITY,
        "app/api/items.py": ITEMS,
        "app/api/other.py": OTHER,
        "app/main.py": MAIN,
        "app/models.py": MODELS,
    }
    files.update({f"app/{name.replace('__', '/')}.py": text for name, text in changed.items()})
    return write_project(tmp_path / "proj", files, select=["BK101", "BK102"])


def _found(root: Path, *paths: str) -> list[tuple[str, str, int]]:
    result = analyze([root / p for p in paths], use_cache=False)
    return [(f.code, f.path, f.line) for f in result.findings]


def test_a_dependency_that_stops_authenticating_is_reported_when_only_it_is_staged(
    tmp_path: Path,
) -> None:
    broken = DEPS.replace(CHECK, "")
    broken = broken.replace("token: Annotated[str, Depends(oauth2_scheme)]", 'token: str = ""')
    root = _project(tmp_path, api__deps=broken)
    found = _found(root, "app/api/deps.py")
    assert ("BK101", "app/api/items.py", 8) in found
    result = analyze([root / "app/api/deps.py"], use_cache=False)
    items = next(f for f in result.findings if f.path == "app/api/items.py")
    assert "app/api/deps.py" in items.related
    assert json.loads(json.dumps(items.to_dict()))["related"] == list(items.related)
    sarif = json.loads(bk(root, "lint", "app/api/deps.py", "-o", "sarif").stdout)
    result = next(r for r in sarif["runs"][0]["results"] if "items.py" in str(r["locations"]))
    related = result["relatedLocations"]
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"] for loc in related]
    assert "app/api/deps.py" in uris


def test_an_include_losing_its_dependencies_is_reported_from_the_app_file(
    tmp_path: Path,
) -> None:
    guarded = MAIN.replace(
        "app.include_router(other.router)",
        "app.include_router(other.router, dependencies=[Depends(get_current_user)])",
    ).replace(
        "from app.api import items, other",
        "from fastapi import Depends\n\nfrom app.api import items, other\n"
        "from app.api.deps import get_current_user",
    )
    root = _project(tmp_path, main=guarded)
    assert _found(root, "app/main.py") == []
    (root / "app/main.py").write_text(MAIN, encoding="utf-8")  # the include's guard removed
    assert _found(root, "app/main.py") == [("BK101", "app/api/other.py", 8)]


def test_a_scheme_made_optional_reports_the_routes_behind_it(tmp_path: Path) -> None:
    optional = SECURITY.replace('tokenUrl="/token"', 'tokenUrl="/token", auto_error=False')
    lenient = DEPS.replace(CHECK, "")
    root = _project(tmp_path, core__security=optional, api__deps=lenient)
    found = _found(root, "app/core/security.py")
    assert ("BK102", "app/api/items.py", 8) in found


def test_a_file_outside_every_route_s_authentication_reports_none_of_them(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path)
    assert _found(root, "app/models.py") == []
    assert _found(root, "app/api/items.py") == []
    # the open route's own file, and the files it is made of, report it
    assert _found(root, "app/api/other.py") == [("BK101", "app/api/other.py", 8)]
    assert _found(root, "app/api/deps.py") == [("BK101", "app/api/other.py", 8)]
    # a file a dependency's module imports may define what it reads (a class-based bearer)
    assert _found(root, "app/core/security.py") == [("BK101", "app/api/other.py", 8)]


def test_routes_json_names_the_sources_and_a_file_lists_its_own_routes(tmp_path: Path) -> None:
    root = _project(tmp_path)
    listed = json.loads(bk(root, "routes", "-o", "json").stdout)
    by_path = {r["path"]: r for r in listed}
    assert by_path["/items/"]["sources"] == [
        "app/api/deps.py",
        "app/core/security.py",
        "app/main.py",
    ]
    assert by_path["/other/"]["sources"] == [
        "app/api/deps.py",
        "app/core/security.py",
        "app/main.py",
    ]
    one = json.loads(bk(root, "routes", "app/api/items.py", "-o", "json").stdout)
    assert [r["path"] for r in one] == ["/items/"]
    under = json.loads(bk(root, "routes", "app/api", "--format", "json").stdout)
    assert sorted(r["path"] for r in under) == ["/items/", "/other/"]
    assert json.loads(bk(root, "routes", "app/models.py", "-o", "json").stdout) == []


def test_graph_takes_lint_s_short_output_flag(tmp_path: Path) -> None:
    root = _project(tmp_path)
    shown = bk(root, "graph", "-k", "routes", "-o", "json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)


ALIAS_ITEMS = ITEMS.replace(
    "from app.api.deps import CurrentUser", "from app.api.types import CurrentUser"
)
TYPES = """\
from typing import Annotated

from fastapi import Depends

from app.api.deps import get_db

CurrentUser = Annotated[str, Depends(get_db)]
"""
BEARER = """\
from fastapi import Request
from fastapi.security import HTTPBearer


class JWTBearer(HTTPBearer):
    def __init__(self) -> None:
        super().__init__(auto_error=False)

    async def __call__(self, request: Request):
        return None
"""
BEARER_DEPS = """\
from fastapi import Depends

from app.core.bearer import JWTBearer

jwt_auth = JWTBearer()
"""
BEARER_ITEMS = """\
from fastapi import APIRouter, Depends

from app.api.bearer_deps import jwt_auth

router = APIRouter(prefix="/items")


@router.get("/", dependencies=[Depends(jwt_auth)])
def list_items() -> list[str]:
    return []
"""
GUARDS = "from fastapi import Depends\n\nGUARDS: list = []\n"
GUARDED_MAIN = MAIN.replace(
    "app.include_router(other.router)", "app.include_router(other.router, dependencies=GUARDS)"
).replace(
    "from app.api import items, other",
    "from app.api import items, other\nfrom app.guards import GUARDS",
)


def test_a_file_defining_what_auth_is_read_through_is_related(tmp_path: Path) -> None:
    """A review's holes: an annotated alias in a third file, a class-based bearer's class,
    and a dependency list another module defines are among a route's sources."""
    root = _project(
        tmp_path,
        api__items=ALIAS_ITEMS,
        api__types=TYPES,
        core__bearer=BEARER,
        api__bearer_deps=BEARER_DEPS,
        guards=GUARDS,
        main=GUARDED_MAIN,
    )
    assert ("BK101", "app/api/items.py", 8) in _found(root, "app/api/types.py")
    assert ("BK101", "app/api/other.py", 8) in _found(root, "app/guards.py")
    (root / "app/api/items.py").write_text(BEARER_ITEMS, encoding="utf-8")
    assert ("BK102", "app/api/items.py", 8) in _found(root, "app/core/bearer.py")
