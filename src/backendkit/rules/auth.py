"""BK101 missing authentication and BK102 optional-only authentication."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from backendkit.findings import Finding, Severity
from backendkit.project.index import ProjectIndex
from backendkit.project.routes import CAUGHT, STARLETTE_NOTE
from backendkit.project.symbols import Ctx, Unresolved
from backendkit.result import Route
from backendkit.rules.authswitch import split_switched, switch_findings
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.handlers import handler_key, per_handler, related_files
from backendkit.rules.support import config_line

_DEPS = """\
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPBearer, OAuth2PasswordBearer

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token")
optional_bearer = HTTPBearer(auto_error=False)


async def get_current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> str:
    return token


async def get_optional_user(credentials=Depends(optional_bearer)) -> str | None:
    return credentials.credentials if credentials else None


CurrentUser = Annotated[str, Depends(get_current_user)]
MaybeUser = Annotated[str | None, Depends(get_optional_user)]
"""

_MAIN = """\
from fastapi import FastAPI

from app.api import items

app = FastAPI()
app.include_router(items.router, prefix="/api/v1")
"""


def _project(items: str, main: str = _MAIN) -> dict[str, str]:
    return {
        "app/__init__.py": "",
        "app/api/__init__.py": "",
        "app/api/deps.py": _DEPS,
        "app/api/items.py": items,
        "app/main.py": main,
    }


def _flagged(routes: Iterable[Route], auth: str) -> Iterator[Route]:
    """The HTTP and websocket routes with ``auth`` status that are not public."""
    for route in routes:
        if route.kind in ("http", "websocket") and not route.public and route.auth == auth:
            yield route


def _where(route: Route) -> str:
    """Why the route is open, when it is not plain: no app seen, or dependencies that do
    not authenticate (named, so the user sees which were considered)."""
    if not route.app:
        return " (router not included in any app the analysis could see)"
    if STARLETTE_NOTE in route.notes:
        return f" ({STARLETTE_NOTE})"
    if not route.dependencies:
        return ""
    names = list(dict.fromkeys(label.rpartition(":")[2] or label for label in route.dependencies))
    more = f" and {len(names) - NAMED_DEPENDENCIES} more" if len(names) > NAMED_DEPENDENCIES else ""
    caught = "".join(f"; {note}" for note in route.notes if CAUGHT in note)
    listed = ", ".join(names[:NAMED_DEPENDENCIES])
    return f" (its dependencies {listed}{more} authenticate no one{caught})"


#: how many of an open route's dependencies its BK101 message names
NAMED_DEPENDENCIES = 3


_ITEMS_PROTECTED = """\
from fastapi import APIRouter

from app.api.deps import CurrentUser

router = APIRouter(prefix="/items")


@router.get("/")
async def list_items(user: CurrentUser) -> list[str]:
    return []
"""

_ITEMS_ROUTER_DEP = """\
from fastapi import APIRouter, Depends

from app.api.deps import get_current_user

router = APIRouter(prefix="/items", dependencies=[Depends(get_current_user)])


@router.delete("/{item_id}")
async def delete_item(item_id: int) -> None:
    return None
"""

_ITEMS_OPEN = """\
from fastapi import APIRouter

router = APIRouter(prefix="/items")


@router.get("/")
async def list_items() -> list[str]:
    return []
"""

_MAIN_INCLUDE_DEP = """\
from fastapi import Depends, FastAPI

from app.api import items
from app.api.deps import get_current_user

app = FastAPI()
app.include_router(items.router, prefix="/api/v1", dependencies=[Depends(get_current_user)])
"""

_PUBLIC = """\
from fastapi import APIRouter

router = APIRouter()


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/api/v1/utils/health-check/")
async def health_check() -> bool:
    return True


@router.get("/stats")  # backendkit: public
async def stats() -> dict[str, int]:
    return {}
"""

_LOOKALIKES = """\
from fastapi import APIRouter

router = APIRouter(prefix="/patients")


@router.get("/{patient_id}/health-records")  # expect: BK101
def health_records(patient_id: int) -> dict[str, int]:
    return {}


@router.post("/{patient_id}/reset-password", status_code=204)  # expect: BK101
def admin_reset_patient_password(patient_id: int) -> None:
    return None


@router.get("/admin/ping")  # expect: BK101
def admin_ping() -> str:
    return "pong"


@router.post("/admin/cache/refresh", status_code=204)  # expect: BK101
def refresh_cache() -> None:
    return None


@router.delete("/docs/{doc_id}", status_code=204)  # expect: BK101
def delete_patient_doc(doc_id: int) -> None:
    return None


@router.post("/health", status_code=204)  # expect: BK101
def record_health_check() -> None:
    return None
"""

_LIBRARY_AUTH = """\
from fastapi import APIRouter, Depends
from fastapi_users import FastAPIUsers

from app.users import auth_backend, get_user_manager

fastapi_users = FastAPIUsers(get_user_manager, [auth_backend])
current_active_user = fastapi_users.current_user(active=True)
router = APIRouter(prefix="/items")


@router.get("/")
async def list_items(user=Depends(current_active_user)) -> list[str]:
    return []
"""

_FORGOT = (
    _ITEMS_PROTECTED
    + """\


@router.delete("/{item_id}")  # expect: BK101
async def delete_item(item_id: int) -> None:
    return None
"""
)

_OPTIONAL = """\
from fastapi import APIRouter

from app.api.deps import MaybeUser

router = APIRouter(prefix="/items")


@router.get("/")  # expect: BK102
async def list_items(user: MaybeUser) -> list[str]:
    return []
"""


_OPTIONAL_SUBCLASS = """\
from fastapi import APIRouter, Depends
from fastapi.security import HTTPBearer


class NoAutoBearer(HTTPBearer):
    def __init__(self) -> None:
        super().__init__(auto_error=False)


noauto = NoAutoBearer()
router = APIRouter(prefix="/items")


@router.get("/")  # expect: BK102
async def list_items(creds=Depends(noauto)) -> list[str]:
    return []
"""


_OPTIONAL_CALL = """\
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import HTTPBearer


class MaybeBearer(HTTPBearer):
    async def __call__(self, request: Request):
        try:
            return await super().__call__(request)
        except HTTPException:
            return None


maybe = MaybeBearer()
router = APIRouter(prefix="/items")


@router.get("/")  # expect: BK102
async def list_items(creds=Depends(maybe)) -> list[str]:
    return []
"""


_SWITCH_AUTH = """\
import os

from app.api.deps import get_current_user


def no_authentication() -> str:
    return "default"


def authentication_provider():
    if os.environ.get("AUTH_SCHEME") == "NO_AUTH":
        return no_authentication  # expect: BK101
    return get_current_user


authorize = authentication_provider()
"""

_SWITCH_ITEMS = """\
from fastapi import APIRouter, Security

from app.api.auth import authorize

router = APIRouter(prefix="/items")


@router.get("/")
async def list_items(user: str = Security(authorize)) -> list[str]:
    return []


@router.delete("/{item_id}")
async def delete_item(item_id: int, user: str = Security(authorize)) -> None:
    return None


@router.post("/")  # expect: BK101
async def create_item() -> None:
    return None
"""

_WEBHOOK = """\
import os

import stripe
from fastapi import APIRouter, Request

router = APIRouter(prefix="/items")


@router.post("/webhook")
async def stripe_webhook(request: Request) -> dict:
    event = stripe.Webhook.construct_event(
        await request.body(), request.headers["stripe-signature"], os.environ["STRIPE_SECRET"]
    )
    return {"received": event["type"]}
"""


class MissingAuthRule(ProjectRule):
    """BK101: a route whose dependency tree holds no authentication at all."""

    code = "BK101"
    cost = 0.1
    VALID = (
        Example(_project(_ITEMS_PROTECTED), note="an Annotated alias from another module"),
        Example(_project(_ITEMS_ROUTER_DEP), note="router-level dependency"),
        Example(_project(_ITEMS_OPEN, _MAIN_INCLUDE_DEP), note="include_router(dependencies=)"),
        Example(_project(_PUBLIC), note="a conventional public path, and a marked route"),
        Example(_project(_LIBRARY_AUTH), note="a library's dependency: auth status unknown"),
        Example(_project(_WEBHOOK), note="a webhook verifies the provider's signature first"),
    )
    INVALID = (
        Example(_project(_FORGOT), note="one route of the router forgot its dependency"),
        Example(_project(_LOOKALIKES), note="look like conventional public endpoints, are not"),
        Example(
            {**_project(_SWITCH_ITEMS), "app/api/auth.py": _SWITCH_AUTH},
            note="one finding for the routes a configuration opens, at its return; a route "
            "open in every configuration on its own",
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """One finding per unauthenticated, non-public route, or per configuration switch
        for the routes it opens (authenticated in another configuration)."""
        alone, switched = split_switched(_flagged(ctx.routes, "none"), ctx.resolver.switched)
        related = related_files(alone)
        for route, label, alt_lines in per_handler(alone, _where):
            yield self.finding(
                route.file,
                route.line,
                f"Route {label} has no authentication dependency{_where(route)}; "
                "add one (for example a CurrentUser parameter or a router dependency), name a "
                "custom auth dependency in [tool.backendkit.auth] auth-dependencies, or mark the "
                "route public with '# backendkit: public'",
                extra={"alt_lines": alt_lines, "route": route.to_dict()},
                related=related[handler_key(route)],
            )
        yield from switch_findings(self, switched)
        yield from unmatched_auth_names(ctx)


def unmatched_auth_names(ctx: ProjectContext) -> Iterator[Finding]:
    """BK005 for each ``auth-dependencies`` name that points into the project at something
    it does not have (a typo there silently leaves the routes it guards reported as open).
    Bare names and names of other packages (a library's dependency) cannot be checked."""
    for name in sorted(ctx.resolver.auth_names):
        problem = _auth_name_problem(ctx.index, name)
        if not problem:
            continue
        quoted = re.compile(rf"""["']{re.escape(name)}["']""")
        yield Finding(
            code="BK005",
            name="unmatched-config-name",
            message=f"Invalid configuration for BK101: [tool.backendkit.auth] auth-dependencies "
            f"names {name!r}, but {problem}, so it makes no route authenticated; name the "
            "dependency as it is defined ('pkg.module.function' or 'pkg.module:function')",
            path=ctx.config_file,
            line=config_line(ctx, quoted),
            severity=Severity.ERROR,
        )


def _auth_name_problem(index: ProjectIndex, name: str) -> str:
    """Why ``name`` matches nothing in the project, or "" when it does or cannot be told."""
    module, colon, attr = name.partition(":")
    if not colon:
        module, _, attr = name.rpartition(".")
    if not module or not index.is_project_module(module.split(".")[0]):
        return ""
    summary = index.modules.get(module)
    if summary is None:
        return f"the project has no module {module}"
    found = index.lookup(attr, Ctx(summary, (summary.scope,)))
    return f"{module} has no {attr}" if isinstance(found, Unresolved) else ""


class OptionalAuthRule(ProjectRule):
    """BK102: every security scheme on the way lets anonymous callers through."""

    code = "BK102"
    cost = 0.1
    VALID = (Example(_project(_ITEMS_PROTECTED)),)
    INVALID = (
        Example(_project(_OPTIONAL)),
        Example(_project(_OPTIONAL_SUBCLASS), note="a subclass passes auto_error=False"),
        Example(_project(_OPTIONAL_CALL), note="a subclass's __call__ swallows the 401"),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """One finding per route whose authentication is optional only, or per configuration
        switch for the routes it makes optional (authenticated in another configuration)."""
        flagged = _flagged(ctx.routes, "optional")
        alone, switched = split_switched(flagged, ctx.resolver.switched)
        related = related_files(alone)
        for route, label, alt_lines in per_handler(alone, lambda r: r.auth_chain):
            chain = " -> ".join(route.auth_chain)
            yield self.finding(
                route.file,
                route.line,
                f"Route {label} authenticates only optionally "
                f"({chain}): the scheme lets anonymous callers through (auto_error=False, or "
                "a __call__ that swallows its 401) and no dependency on the way rejects every "
                "anonymous caller; require a user, or mark the route public if anonymous "
                "access is intended",
                extra={"alt_lines": alt_lines, "route": route.to_dict()},
                related=related[handler_key(route)],
            )
        yield from switch_findings(self, switched)
