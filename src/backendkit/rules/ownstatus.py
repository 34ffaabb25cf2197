"""Which routes answer FastAPI's default 200 for sure (BK201, BK202): the status a route
declares, one its handler assigns to the ``Response`` FastAPI passes it, or one it builds a
response with and returns."""

from __future__ import annotations

from backendkit.project.index import ProjectIndex
from backendkit.project.statuscodes import status_code_of
from backendkit.project.symbols import Ctx, External, FuncSym
from backendkit.result import Route
from backendkit.rules.base import ProjectContext
from backendkit.rules.rawresponses import JSON, NOT_JSON, PACKAGES
from backendkit.rules.support import find_function, unwrap_annotation
from backendkit.summary.model import Call, Expr, Name

RESPONSES = JSON | NOT_JSON  # the response classes a handler may return built


class DefaultStatus:
    """Which routes answer FastAPI's default 200 for sure: a ``status_code=`` of 200 or none,
    and no other status assigned to the handler's ``Response`` parameter in its body. A
    ``status_code=`` the analysis cannot evaluate (an object whose ``__getattr__`` maps status
    names) is explicit but unknown, and so is a ``response.status_code = value`` whose value
    cannot be evaluated: neither is the default."""

    def __init__(self, ctx: ProjectContext) -> None:
        self.ctx = ctx
        #: (file, line) of the route declarations that pass ``status_code=``
        self.declared = {
            (decl.file, decl.line)
            for obj in ctx.model.iter_objects()
            for decl in obj.routes
            if decl.call.kwarg("status_code") is not None
        }

    def kept(self, route: Route) -> bool:
        """Whether ``route`` answers 200 unless it raises."""
        if route.status_code is None and (route.file, route.line) in self.declared:
            return False  # declared, but not statically known
        if route.status_code not in (None, 200):
            return False
        handler = find_function(self.ctx.index, route.handler)
        return handler is None or not _sets_own_status(self.ctx.index, handler)


def _sets_own_status(index: ProjectIndex, handler: FuncSym) -> bool:
    """The handler answers another status than the declared one: it assigns it to its
    ``Response`` parameter (``_assigns_status``) or returns a response built with it
    (``_returned_status``)."""
    inner = handler.ctx.enter(handler.info)
    if _assigns_status(index, handler, inner):
        return True
    codes = [_returned_status(index, returned, inner) for returned in handler.info.scope.returns]
    return _other_success(codes)


def _other_success(codes: list[int | None]) -> bool:
    """The returns' statuses (None: not known) answer another success than 200: one is a
    known one, or all but the errors are unknown (a proxy's)."""
    success = [code for code in codes if code is None or code < 300]  # errors say nothing
    if any(code is not None and code != 200 for code in success):
        return True
    return bool(success) and all(code is None for code in success)


def _assigns_status(index: ProjectIndex, handler: FuncSym, inner: Ctx) -> bool:
    """The handler assigns ``<its Response parameter>.status_code = value`` in its body
    (FastAPI sends the response it passed, with that status) with a value other than 200, or
    one the analysis cannot evaluate. A ``Response`` parameter that is never assigned a status
    (unused, handed to a helper, used through ``response.set_cookie(...)``) keeps the declared
    status."""
    assigns = handler.info.scope.attr_assigns
    for param in handler.info.params:
        values = assigns.get(f"{param.name}.status_code")
        annotation = unwrap_annotation(param.annotation)
        if not values or not isinstance(annotation, Name):
            continue
        typing = handler.head(annotation=True)  # a method's class body first
        if not _is_response_class(index.lookup(annotation.dotted, typing)):
            continue
        if any(status_code_of(index.value(value, inner)) != 200 for value, _ in values):
            return True
    return False


def _returned_status(index: ProjectIndex, returned: Expr, ctx: Ctx) -> int | None:
    """The status of a response the handler builds and returns (``return
    JSONResponse(content, status_code=201)``: 201), None when the analysis cannot evaluate it
    (an upstream response's), 200 for any other return. A route answers another success
    status than 200 when one return builds it, or when every return but the error responses
    builds a response whose status is not known (a proxy's); a response of unknown status
    (``exc.status_code``) next to a plain ``return item`` says nothing of what a creation
    answers."""
    if not isinstance(returned, Call) or not isinstance(returned.func, Name):
        return 200
    built = index.lookup(returned.func.dotted, ctx)
    if not (isinstance(built, External) and built.is_from(*PACKAGES) and built.last in RESPONSES):
        return 200
    status = returned.arg(1, "status_code")
    return 200 if status is None else status_code_of(index.value(status, ctx))


def _is_response_class(found: object) -> bool:
    """fastapi's or starlette's ``Response`` (fastapi re-exports starlette's)."""
    return (
        isinstance(found, External)
        and found.last == "Response"
        and (found.is_from("fastapi") or found.is_from("starlette"))
    )
