"""Routes given as route objects: ``APIRoute("/path", handler, methods=["POST"])`` (also
``APIWebSocketRoute``, Starlette's ``Route``, ``WebSocketRoute`` and ``Mount``, and a project
subclass of one: a custom ``route_class``) in the ``routes=`` list of ``FastAPI(...)`` or
``APIRouter(...)``, inline or through a list (built in steps, in a factory), or added to an
object's route list: ``app.router.routes.append(...)``, ``.extend([...])``, ``.insert(i, ...)``,
``app.routes`` and ``router.routes`` alike.

Each is read as the registration method taking the same arguments (``path, endpoint``, then
keywords) would be: ``add_api_route``, ``add_api_websocket_route``, ``add_route``,
``add_websocket_route``, ``mount`` (``AppModel.route_for``), so its handler, methods and
``dependencies=`` are read the same way. FastAPI builds such a route before any app or router
holds it: the prefix and ``dependencies=`` of the object holding it do not apply to it
(``RouteDecl.whole``), while those of the includes, routers and apps above that object do, as
FastAPI adds them when it includes the router (checked against FastAPI in
``tests/test_route_lists.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backendkit.project.appobjects import AppObject, Mount
from backendkit.project.callbinds import Arg
from backendkit.project.superinit import constructor_keywords
from backendkit.project.symbols import ClassSym, Ctx, External, Instance, Value
from backendkit.project.text import expr_text
from backendkit.project.valueops import alternatives_of
from backendkit.summary.model import Call, CallSite, Name

if TYPE_CHECKING:
    from backendkit.project.appmodel import AppModel

__all__ = ["ROUTE_LIST_ADDS", "RouteObjects"]

#: FastAPI's and Starlette's route classes, by the registration method taking the same
#: arguments
_ROUTE_CLASSES = {
    "APIRoute": "add_api_route",
    "APIWebSocketRoute": "add_api_websocket_route",
    "Route": "add_route",
    "WebSocketRoute": "add_websocket_route",
    "Mount": "mount",
}
#: the calls adding to an object's route list (``app.router.routes.append(route)``)
ROUTE_LIST_ADDS = (".routes.append", ".routes.extend", ".routes.insert")


class RouteObjects:
    """Adds the route objects an app or router is given to its routes."""

    def __init__(self, model: AppModel) -> None:
        self.model = model
        #: functions that build an object with ``routes=`` (they may return an app object)
        self.makers: set[str] = set()

    def listing(self, site: CallSite, ctx: Ctx) -> None:
        """A call given ``routes=`` (``FastAPI(routes=routes)``, maybe): the functions it is
        made in may return an app object (``AppModel._makers``), and the name its result is
        bound to is read now, so that an app nothing else registers on is known."""
        self.makers.update(ctx.prefix.split(".")[:-1])
        if site.use.startswith("="):
            bound = Name(site.use.removeprefix("="))
            self.model.objects_for(self.model.in_force.value(bound, ctx, site.line + 1))

    def given(self, obj: AppObject, keyword: Arg) -> None:
        """The ``routes=`` list ``obj`` is built with: what it holds at the call (a list
        grown in steps before it)."""
        expr, ctx, call = keyword
        line = None if call is None else _line_of(call, ctx)
        items = self.model.index.evaluator.lists.at_line(expr, ctx, line)
        self._add_all(obj, items, line or obj.line)

    def added(self, site: CallSite, func: Name, ctx: Ctx) -> None:
        """``<receiver>.routes.append(route)``, ``.insert(index, route)`` or
        ``.extend(routes)`` on an app or router."""
        receiver, _, method = func.dotted.rpartition(".")
        holders = self.model.holders(Name(receiver.removesuffix(".routes")), ctx, site.line)
        if holders:
            items = self._items(site.call, method, ctx, site.line)
            for obj in holders:
                self._add_all(obj, items, site.line)

    def _items(self, call: Call, method: str, ctx: Ctx, line: int) -> Value:
        """What an addition to a route list adds (a list for ``extend``)."""
        evaluator = self.model.index.evaluator
        if method == "extend" and len(call.args) == 1:
            return evaluator.lists.at_line(call.args[0], ctx, line)
        position = {"append": 0, "insert": 1}[method]
        if len(call.args) != position + 1:
            return None
        return [self.model.in_force.value(call.args[position], ctx, line)]

    def _add_all(self, obj: AppObject, items: Value, line: int) -> None:
        """Add each route object of ``items`` (a list, or each list a ``OneOf`` may be) to
        ``obj``; ``line``: where the list is given, for a route object whose own line is not
        known."""
        for found in alternatives_of(items):
            for item in found if isinstance(found, list) else ():
                for value in alternatives_of(item):
                    if isinstance(value, Instance):
                        self._add(obj, value, line)

    def _add(self, obj: AppObject, route: Instance, line: int) -> None:
        """Add the route object ``route`` to ``obj`` (nothing for another object)."""
        method = self._method(route)
        if method is None:
            return
        call, ctx = route.call, route.ctx
        line = _line_of(call, ctx) or line
        if method == "mount":
            self._mount(obj, call, ctx, line)
            return
        decl = self.model.route_for(method, call, ctx, line)
        decl.whole = True
        keywords = constructor_keywords(self.model.index, route, self.model.members.value)
        if isinstance(route.cls, ClassSym) and "dependencies" in keywords:
            decl.deps = self.model.dependencies(keywords["dependencies"])
        obj.routes.append(decl)

    def _method(self, route: Instance) -> str | None:
        """The registration method a route object's class is read as, if it is one."""
        cls = route.cls
        bases = [cls] if isinstance(cls, External) else self.model.index.external_bases(cls)
        for base in bases:
            if base.is_from("fastapi", "starlette") and base.last in _ROUTE_CLASSES:
                return _ROUTE_CLASSES[base.last]
        return None

    def _mount(self, obj: AppObject, call: Call, ctx: Ctx, line: int) -> None:
        """``Mount(path, app)`` as ``obj.mount(path, app)``; a ``Mount(path, routes=[...])``
        is one entry whose routes are not analysed (as a mounted ASGI app's)."""
        if call.arg(1, "app") is not None:
            self.model.add_mount(obj, CallSite(call, line), ctx)
            return
        path_expr = call.arg(0, "path")
        path = self.model.members.value(path_expr, ctx) if path_expr is not None else ""
        target = f"Mount(routes={expr_text(call.kwarg('routes'))})"
        obj.mounts.append(Mount(path, path_expr, None, target, ctx.module.path, line))


def _line_of(call: Call, ctx: Ctx) -> int | None:
    """The line of ``call``, a call site of ``ctx``'s scope (None when it is not one: a call
    rewritten for a factory's parameters)."""
    return next((site.line for site in ctx.scopes[-1].calls if site.call is call), None)
