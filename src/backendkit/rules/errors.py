"""BK208: HTTP errors a route raises that its ``responses=`` does not document."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from backendkit.findings import Finding
from backendkit.project.appmodel import AppObject, RouteDecl
from backendkit.project.deps import status_code_of
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx, External, FuncSym, Instance
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.support import dependency_functions
from backendkit.summary.model import DictExpr, Expr

IMPLICIT = frozenset({401, 403, 422})  # security schemes and validation speak for these

_APP = "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n\n"


def raised_statuses(index: ProjectIndex, func: FuncSym) -> Iterator[tuple[int, int]]:
    """``(status, line)`` of every ``HTTPException`` ``func`` raises with a static status."""
    inner = func.ctx.enter(func.info)
    for expr, line in func.info.scope.raises:
        value = index.value(expr, inner)
        if isinstance(value, Instance) and isinstance(value.cls, External):
            if value.cls.last != "HTTPException":
                continue
            status = status_code_of(index.value(value.call.arg(0, "status_code"), value.ctx))
            if status is not None:
                yield status, line


def documented(index: ProjectIndex, responses: Expr | None, ctx: Ctx) -> set[int]:
    """Status codes that a ``responses={...}`` argument documents."""
    if not isinstance(responses, DictExpr):
        return set()
    codes: set[int] = set()
    for key, _ in responses.items:
        value = index.value(key, ctx) if key is not None else None
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        status = status_code_of(value)
        if status is not None:
            codes.add(status)
    return codes


class UndocumentedErrorRule(ProjectRule):
    """BK208: the route raises an HTTP status its OpenAPI does not show."""

    code = "BK208"
    VALID = (
        Example(
            _APP + "@app.get('/items/{item_id}', responses={404: {'description': 'No item'}})"
            "\ndef read(item_id: int) -> int:\n    if item_id < 0:\n"
            "        raise HTTPException(status_code=404)\n    return item_id\n"
        ),
    )
    INVALID = (
        Example(
            _APP + "@app.get('/items/{item_id}')  # expect: BK208\n"
            "def read(item_id: int) -> int:\n    if item_id < 0:\n"
            "        raise HTTPException(status_code=404, detail='No item')\n"
            "    return item_id\n"
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """One finding per route declaration with undocumented statuses."""
        for obj in ctx.model.iter_objects():
            for decl in obj.routes:
                if decl.handler is None or decl.kind != "http":
                    continue
                missing = self._missing(ctx, obj, decl)
                if missing:
                    codes = ", ".join(str(c) for c in sorted(missing))
                    yield self.finding(
                        decl.file,
                        decl.line,
                        f"Route {decl.handler_name.rpartition(':')[2]} raises HTTP {codes} but its "
                        "responses= does not document it, so the OpenAPI schema and generated "
                        "clients do not know the error; add responses={"
                        f"{sorted(missing)[0]}: {{'description': ...}}}}",
                        extra={"alt_lines": [decl.def_line]},
                    )

    def _missing(self, ctx: ProjectContext, obj: AppObject, decl: RouteDecl) -> set[int]:
        index = ctx.index
        assert decl.handler is not None
        functions = dependency_functions(ctx.resolver, decl.handler)
        raised = {status for f in functions for status, _ in raised_statuses(index, f)}
        known = documented(index, decl.call.kwarg("responses"), decl.ctx)
        known |= documented(index, obj.instance.call.kwarg("responses"), obj.instance.ctx)
        return raised - known - IMPLICIT
