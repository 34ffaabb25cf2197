"""Authentication done by a router's route class, before each of its routes runs.

``APIRouter(route_class=AuthRoute)`` builds every route registered on that router (and keeps
it when the router is included elsewhere) as an ``AuthRoute``, whose ``get_route_handler``
returns the function FastAPI calls with each request ("Custom Request and APIRoute class" in
FastAPI's docs). When that function reads a credential and answers 401/403 for want of it, on
every path, by the rule authenticating middleware follows (``MiddlewareAuth.checks``: the
rejection under an ``if`` testing the credential, in an ``except`` handler, not only for some
request paths), no request reaches the router's endpoints without one: its HTTP routes are
``required``, with the route class in their auth chain.

A route class that only times or logs the request, one from a library, or a route object given
whole (built as the class the code names) changes nothing.
"""

from __future__ import annotations

from backendkit.project.appobjects import AppObject
from backendkit.project.endpointauth import decided_by_credential
from backendkit.project.index import ProjectIndex
from backendkit.project.middleware import MiddlewareAuth
from backendkit.project.symbols import ClassSym, FuncSym

#: the method of a route class that returns the request handler
_HANDLER_FACTORY = "get_route_handler"


class RouteClassAuth:
    """Which routers' route classes authenticate every request (computed on first use)."""

    def __init__(self, index: ProjectIndex, middleware: MiddlewareAuth) -> None:
        self.index = index
        self.middleware = middleware
        self._links: dict[str, str] = {}

    def guard(self, obj: AppObject) -> str:
        """The chain link of ``obj``'s route class when its handler authenticates, else ""."""
        if obj.route_class is None:
            return ""
        if obj.key not in self._links:
            self._links[obj.key] = self._link(obj)
        return self._links[obj.key]

    def _link(self, obj: AppObject) -> str:
        expr, ctx = obj.route_class  # type: ignore[misc]
        cls = self.index.resolve_expr(expr, ctx)
        if not isinstance(cls, ClassSym):
            return ""
        factory = self.index.class_member(cls, _HANDLER_FACTORY)
        if not isinstance(factory, FuncSym):
            return ""  # APIRoute's own (or a library's) handler
        inner = factory.ctx.enter(factory.info)
        links = []
        for returned in factory.info.scope.returns:  # each handler it may build must check
            handler = self.index.resolve_expr(returned, inner)
            if not isinstance(handler, FuncSym) or handler.info is factory.info:
                return ""
            links.append(self._checks(handler, cls.qualname))
        return links[0] if links and all(links) else ""

    def _checks(self, handler: FuncSym, name: str) -> str:
        """The link of ``handler`` when it checks every request the same way: the middleware
        rule (``MiddlewareAuth.checked``), in the plain shape: nothing returns before the
        first rejection, each ``if`` holding it tests only the credential (not the method,
        the path or a setting: ``decided_by_credential`` without configuration), and no
        handler of its own swallows a raised one."""
        found = self.middleware.checked(handler)
        if found is None:
            return ""
        line, scope = found[0], handler.info.scope
        if any(exit_ < line for exit_ in (*scope.return_lines, *scope.bare_returns)):
            return ""
        raised = any(at == line for _call, at in scope.raises)
        if raised and line not in self.middleware.errors.rejection_lines(handler):
            return ""  # caught by its own ``try``
        checks = self.middleware.credentials
        held = checks.credential_names(handler, checks.reads(handler))
        if not decided_by_credential(checks, handler, line, held, configured=False):
            return ""
        return f"{name} (route class, checks {found[1]})"


__all__ = ["RouteClassAuth"]
