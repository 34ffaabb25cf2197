"""Authentication status through scheme subclasses that turn auto_error off, functools.partial
dependencies, and endpoints the analysis cannot resolve."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project

SCHEMES = """\
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPBearer


class NoAutoBearer(HTTPBearer):
    def __init__(self) -> None:
        super().__init__(auto_error=False)


class StrictBearer(NoAutoBearer):
    def __init__(self) -> None:
        super().__init__()


class ForwardingBearer(HTTPBearer):
    def __init__(self, auto_error: bool = True) -> None:
        super().__init__(auto_error=auto_error)


class AssignedBearer(HTTPBearer):
    def __init__(self) -> None:
        super().__init__()
        self.auto_error = False


class CheckedBearer(HTTPBearer):
    async def __call__(self, request: Request):
        creds = await super().__call__(request)
        if creds.credentials == "revoked":
            return None
        return creds


noauto = NoAutoBearer()
strict_noauto = StrictBearer()
forwarding = ForwardingBearer()
forwarding_off = ForwardingBearer(auto_error=False)
assigned = AssignedBearer()
checked = CheckedBearer()
app = FastAPI()


def require(creds=Depends(noauto)) -> str:
    if creds is None:
        raise HTTPException(status_code=401, detail="Not authenticated")
    return creds.credentials


@app.get("/feed2")
async def feed2(creds=Depends(noauto)) -> dict:
    return {}


@app.get("/strict")
async def strict(creds=Depends(strict_noauto)) -> dict:
    return {}


@app.get("/forwarding")
async def forwarded(creds=Depends(forwarding)) -> dict:
    return {}


@app.get("/forwarding-off")
async def forwarded_off(creds=Depends(forwarding_off)) -> dict:
    return {}


@app.get("/assigned")
async def assigned_feed(creds=Depends(assigned)) -> dict:
    return {}


@app.get("/checked")
async def checked_feed(creds=Depends(checked)) -> dict:
    return {}


@app.get("/enforced")
async def enforced(user: str = Depends(require)) -> dict:
    return {}
"""


@pytest.fixture(scope="module")
def schemes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of HTTPBearer subclasses."""
    root = tmp_path_factory.mktemp("schemes") / "p"
    files = {"app/__init__.py": "", "app/main.py": SCHEMES}
    return write_project(root, files, select=["BK101", "BK102"])


def test_scheme_subclass_auto_error(schemes: Path) -> None:
    result = analyze([schemes])
    status = {r.path: (r.auth, r.auth_chain[-1] if r.auth_chain else "") for r in result.routes}
    assert status == {
        "/feed2": ("optional", "app.main:noauto (HTTPBearer)"),
        "/strict": ("optional", "app.main:strict_noauto (HTTPBearer)"),
        "/forwarding": ("required", "app.main:forwarding (HTTPBearer)"),
        "/forwarding-off": ("optional", "app.main:forwarding_off (HTTPBearer)"),
        "/assigned": ("optional", "app.main:assigned (HTTPBearer)"),
        "/checked": ("required", "app.main:checked (HTTPBearer)"),
        "/enforced": ("required", "app.main:noauto (HTTPBearer)"),
    }
    reported = sorted((f.code, f.line) for f in result.findings)
    assert reported == [("BK102", 49), ("BK102", 54), ("BK102", 64), ("BK102", 69)]


PARTIAL_AUTH = """\
from functools import partial
from typing import Annotated

from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer
from somelib import verify

oauth2 = OAuth2PasswordBearer(tokenUrl="token")


def _role(role: str, token: Annotated[str, Depends(oauth2)]) -> str:
    return token


def _scope(token=Depends(oauth2), scope: str = "read") -> str:
    return token


def _paged(limit: int, offset: int = 0) -> dict:
    return {}


admin = partial(_role, "admin")
by_keyword = partial(_role, role="admin")
token_bound = partial(_scope, "a-token")
paged = partial(_paged, 10)
from_library = partial(verify, "admin")
"""

PARTIAL_MAIN = """\
from functools import partial

from fastapi import Depends, FastAPI
from fastapi.security import HTTPBearer

from app.auth import _role, admin, by_keyword, from_library, paged, token_bound

app = FastAPI()
auth = HTTPBearer()


@app.get("/p")
async def p(u=Depends(admin)) -> dict:
    return {}


@app.get("/k")
async def k(u=Depends(by_keyword)) -> dict:
    return {}


@app.get("/inline")
async def inline(u=Depends(partial(_role, "staff"))) -> dict:
    return {}


@app.get("/bound")
async def bound(u=Depends(token_bound)) -> dict:
    return {}


@app.get("/paged")
async def paged_items(page=Depends(paged)) -> dict:
    return {}


@app.get("/lib")
async def lib_only(u=Depends(from_library)) -> dict:
    return {}


app.add_api_route("/aar", endpoint=lambda c=Depends(auth): {}, methods=["PUT"])
app.add_api_route("/aar-protected", endpoint=lambda: {}, dependencies=[Depends(auth)])
"""


@pytest.fixture(scope="module")
def partials(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with partial dependencies and lambda endpoints."""
    root = tmp_path_factory.mktemp("partials") / "p"
    files = {"app/__init__.py": "", "app/auth.py": PARTIAL_AUTH, "app/main.py": PARTIAL_MAIN}
    return write_project(root, files, select=["BK101", "BK102"])


def test_partial_dependencies_and_unresolved_endpoints(partials: Path) -> None:
    result = analyze([partials])
    status = {r.path: (r.auth, r.auth_chain) for r in result.routes}
    scheme = "app.auth:oauth2 (OAuth2PasswordBearer)"
    assert status == {
        "/p": ("required", ("app.main:p", "app.auth:admin", scheme)),
        "/k": ("required", ("app.main:k", "app.auth:by_keyword", scheme)),
        "/inline": ("required", ("app.main:inline", "partial(_role, 'staff')", scheme)),
        # the parameter holding Depends(oauth2) is bound positionally: FastAPI never sees it
        "/bound": ("none", ()),
        "/paged": ("none", ()),
        "/lib": ("unknown", ("app.main:lib_only", "app.auth:from_library")),
        "/aar": ("unknown", ("...", "(endpoint not resolved)")),
        "/aar-protected": ("required", ("lambda: {...}", "app.main:auth (HTTPBearer)")),
    }
    assert sorted((f.code, f.line) for f in result.findings) == [("BK101", 27), ("BK101", 32)]


OPTIONAL_CALL = """\
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPBearer


class OptionalBearer(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            return await super().__call__(request)
        except HTTPException:
            return None


opt = OptionalBearer()
app = FastAPI()


@app.get("/feed")
async def feed(creds=Depends(opt)) -> dict:
    return {}
"""


def test_call_override_that_swallows_the_401(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/main.py": OPTIONAL_CALL}, select=["BK102"])
    result = analyze([root])
    assert [r.auth for r in result.routes] == ["optional"]
