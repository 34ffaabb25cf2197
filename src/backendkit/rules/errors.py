"""BK208: HTTP errors a route raises that its ``responses=`` does not document."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from backendkit.findings import Finding
from backendkit.project.appmodel import AppModel, AppObject, Include, RouteDecl
from backendkit.project.deps import DependencyResolver, DepNode, status_code_of
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import External, FuncSym, Instance, OneOf
from backendkit.project.walk import IncludeWalk
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.responsedocs import Codes, documented, union
from backendkit.rules.support import dependency_functions

#: statuses no ``responses=`` needs to name: security schemes (401, 403) and validation (422)
#: speak for these, and any route may fail with a 500, which clients handle as a failure
IMPLICIT = frozenset({401, 403, 422, 500})
_WHERE = {
    False: "no responses= on the route, its router, the include_router call or the app",
    True: "none of the responses= on the route, its router, the include_router call and the app",
}

_APP = "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n\n"

_INCLUDED_ITEMS = """\
from fastapi import APIRouter, HTTPException

router = APIRouter(prefix="/items", responses={404: {"description": "No such item"}})


@router.get("/{item_id}")
def read(item_id: int) -> int:
    if item_id < 0:
        raise HTTPException(status_code=404)
    if item_id > 100:
        raise HTTPException(status_code=409)
    if item_id == 13:
        raise HTTPException(status_code=400)
    return item_id
"""

_INCLUDED_MAIN = """\
from fastapi import APIRouter, FastAPI

from app import items

COMMON = {400: {"description": "Bad request"}}
app = FastAPI(responses={**COMMON})
api = APIRouter(prefix="/api")
api.include_router(items.router, responses={409: {"description": "Conflict"}})
app.include_router(api)
"""

_DEPENDENCY = """\
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException

app = FastAPI()


def get_item(item_id: int) -> int:
    if item_id < 0:
        raise HTTPException(status_code=404)
    return item_id


@app.get("/items/{item_id}")  # expect: BK208
def read(item: Annotated[int, Depends(get_item)]) -> int:
    if item > 100:
        raise HTTPException(status_code=409)
    return item
"""


def raised_statuses(index: ProjectIndex, func: FuncSym) -> Iterator[tuple[int, int]]:
    """``(status, line)`` of every ``HTTPException`` ``func`` raises with a static status;
    a raise of several possible errors (``raise to_http(e)``, a helper returning a 401, 404 or
    503 by case) raises each of them."""
    inner = func.ctx.enter(func.info)
    for expr, line in func.info.scope.raises:
        found = index.value(expr, inner)
        for value in found.values if isinstance(found, OneOf) else (found,):
            if not (isinstance(value, Instance) and isinstance(value.cls, External)):
                continue
            if value.cls.last != "HTTPException":
                continue
            status = status_code_of(index.value(value.call.arg(0, "status_code"), value.ctx))
            if status is not None:
                yield status, line


def inherited_dependencies(
    resolver: DependencyResolver, model: AppModel
) -> dict[str, list[DepNode]]:
    """Per app object key, the dependencies FastAPI runs before each of its routes: those of
    the object itself and of the includes, routers and apps it is included through (every
    path, since each one serves the routes); a mounted app starts afresh."""
    walk = _RunFirst(resolver)
    walk.walk(model)
    return {key: list(nodes.values()) for key, nodes in walk.found.items()}


class _RunFirst(IncludeWalk[list[DepNode]]):
    def __init__(self, resolver: DependencyResolver) -> None:
        super().__init__([])
        self.resolver = resolver
        self.found: dict[str, dict[int, DepNode]] = {}

    def enter(self, obj: AppObject, above: list[DepNode]) -> list[DepNode]:
        here = above + self.resolver.from_lists(obj.deps)
        self.found.setdefault(obj.key, {}).update((id(node), node) for node in here)
        return here

    def include(self, inc: Include, here: list[DepNode]) -> list[DepNode]:
        return here + self.resolver.from_lists(inc.deps)


def inherited_responses(index: ProjectIndex, model: AppModel) -> dict[str, Codes]:
    """Per app object key, the codes documented above its routes: the object's own
    ``responses=`` plus those of the includes, routers and apps it is included through
    (FastAPI merges them into each route); None when one of them cannot be read. An object
    included along several paths keeps only what every path documents (a path that cannot
    be read documents any code); a mounted app starts afresh (its own OpenAPI)."""
    walk = _Documented(index)
    walk.walk(model)
    return walk.found


class _Documented(IncludeWalk[Codes]):
    def __init__(self, index: ProjectIndex) -> None:
        super().__init__(frozenset())
        self.index = index
        self.found: dict[str, Codes] = {}

    def enter(self, obj: AppObject, above: Codes) -> Codes:
        call = obj.instance.call
        here = union(above, documented(self.index, call.kwarg("responses"), obj.instance.ctx))
        key = obj.key
        self.found[key] = _every_path(self.found[key], here) if key in self.found else here
        return here

    def include(self, inc: Include, here: Codes) -> Codes:
        return union(here, documented(self.index, *inc.responses)) if inc.responses else here


def _every_path(one: Codes, other: Codes) -> Codes:
    """What two include paths both document (an unknown path documents any code)."""
    if one is None or other is None:
        return other if one is None else one
    return one & other


_ROUTER_DEPENDENCY = """\
from fastapi import APIRouter, Depends, FastAPI, HTTPException

app = FastAPI()


def check_tenant(tenant: str) -> None:
    if tenant != "acme":
        raise HTTPException(status_code=404)


def check_quota(tenant: str) -> None:
    if tenant == "free":
        raise HTTPException(status_code=429)


router = APIRouter(dependencies=[Depends(check_tenant)])


@router.get("/reports")  # expect: BK208
def reports() -> list[str]:
    return []


app.include_router(router, prefix="/{tenant}", dependencies=[Depends(check_quota)])
"""

_ROUTER_DEPENDENCY_DOCUMENTED = _ROUTER_DEPENDENCY.replace("  # expect: BK208", "").replace(
    "APIRouter(dependencies=[Depends(check_tenant)])",
    "APIRouter(dependencies=[Depends(check_tenant)], responses={404: {}, 429: {}})",
)


_HELPER = """\
import somelib
from fastapi import FastAPI, HTTPException

app = FastAPI()


def error_docs(codes: list[int]) -> dict:
    return {code: {"description": "Error"} for code in codes}


@app.get("/items/{item_id}", responses=error_docs([404]))
def read(item_id: int) -> int:
    if item_id < 0:
        raise HTTPException(status_code=404)
    return item_id


@app.get("/users/{user_id}", responses=somelib.error_docs())
def user(user_id: int) -> int:
    if user_id < 0:
        raise HTTPException(status_code=404)
    return user_id
"""

_HELPER_MISSING = """\
from fastapi import FastAPI, HTTPException

app = FastAPI()


def error_docs(codes: list[int]) -> dict:
    return {code: {"description": "Error"} for code in codes}


@app.get("/items/{item_id}", responses=error_docs([404]))  # expect: BK208
def read(item_id: int) -> int:
    if item_id > 100:
        raise HTTPException(status_code=409)
    return item_id
"""


class UndocumentedErrorRule(ProjectRule):
    """BK208: the route raises an HTTP status its OpenAPI does not show."""

    code = "BK208"
    cost = 5
    focusable = True  # reported at the route declaration
    VALID = (
        Example(
            _APP + "@app.get('/items/{item_id}', responses={404: {'description': 'No item'}})"
            "\ndef read(item_id: int) -> int:\n    if item_id < 0:\n"
            "        raise HTTPException(status_code=404)\n    return item_id\n"
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/main.py": _INCLUDED_MAIN,
                "app/items.py": _INCLUDED_ITEMS,
            }
        ),
        Example(_ROUTER_DEPENDENCY_DOCUMENTED, note="router-level dependencies, documented"),
        Example(
            "from http import HTTPStatus\n\n" + _APP + "@app.get('/items/{item_id}', "
            "responses={HTTPStatus.NOT_FOUND: {'description': 'No item'}})\n"
            "def read(item_id: int) -> int:\n    if item_id < 0:\n"
            "        raise HTTPException(status_code=HTTPStatus.NOT_FOUND)\n    return item_id\n",
            note="Python's http.HTTPStatus",
        ),
        Example(
            _HELPER,
            note="a helper building responses= from a list of codes; a library call's "
            "responses= may document any code",
        ),
    )
    INVALID = (
        Example(
            _APP + "@app.get('/items/{item_id}')  # expect: BK208\n"
            "def read(item_id: int) -> int:\n    if item_id < 0:\n"
            "        raise HTTPException(status_code=404, detail='No item')\n"
            "    return item_id\n"
        ),
        Example({"app/__init__.py": "", "app/main.py": _DEPENDENCY}),
        Example(_ROUTER_DEPENDENCY, note="a router's and an include_router's dependencies"),
        Example(_HELPER_MISSING, note="a code the helper's list lacks"),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """One finding per route declaration with undocumented statuses; a route under a
        ``responses=`` that cannot be read (a library call, an unknown name) is skipped."""
        above = inherited_responses(ctx.index, ctx.model)
        run_first = inherited_dependencies(ctx.resolver, ctx.model)
        raised: dict[int, list[tuple[int, int]]] = {}  # by id of FunctionInfo (routes share deps)
        for obj in ctx.model.iter_objects():
            for decl in obj.routes:
                if decl.handler is None or decl.kind != "http" or not ctx.index.wanted(decl.file):
                    continue
                own = documented(ctx.index, decl.call.kwarg("responses"), decl.ctx)
                known = union(above.get(obj.key, frozenset()), own)
                if known is None:
                    continue  # a responses= on the way may document any code
                extra = [*run_first.get(obj.key, []), *ctx.resolver.from_lists(decl.deps)]
                missing = self._missing(ctx, decl, known, extra, raised)
                if missing:
                    yield self.finding(
                        decl.file,
                        decl.line,
                        _message(decl, missing, bool(known)),
                        extra={"alt_lines": [decl.def_line]},
                    )

    @staticmethod
    def _missing(
        ctx: ProjectContext,
        decl: RouteDecl,
        known: frozenset[int],
        extra: list[DepNode],
        raised: dict[int, list[tuple[int, int]]],
    ) -> dict[int, str]:
        """Undocumented status -> the dependency raising it (``""`` for the handler); ``known``
        are the codes documented on the route and above it, ``extra`` the dependencies of the
        route's decorator, routers, includes and apps; ``raised`` memoises ``raised_statuses``
        by function."""
        assert decl.handler is not None
        missing: dict[int, str] = {}
        for func in dependency_functions(ctx.resolver, decl.handler, extra=extra):
            source = "" if func is decl.handler else func.info.qualname
            statuses = raised.get(id(func.info))
            if statuses is None:
                statuses = raised[id(func.info)] = list(raised_statuses(ctx.index, func))
            for status, _ in statuses:
                if status in known or status in IMPLICIT:
                    continue
                if not source or status not in missing:
                    missing[status] = source
        return missing


def _message(decl: RouteDecl, missing: dict[int, str], some: bool) -> str:
    """Names every missing code, where a dependency raises it, and the ``responses=`` to add;
    ``some``: a ``responses=`` documents other codes."""
    codes = sorted(missing)
    parts = [
        f"{code} (from dependency {missing[code]})" if missing[code] else str(code)
        for code in codes
    ]
    suggestion = ", ".join(f"{code}: {{'description': ...}}" for code in codes)
    return (
        f"Route {decl.handler_name.rpartition(':')[2]} raises HTTP {', '.join(parts)} but "
        f"{_WHERE[some]} documents it, so the OpenAPI schema and generated clients do not know "
        f"the error; add responses={{{suggestion}}}"
    )
