"""Authentication done by an app's middleware, before any route runs.

A middleware authenticates when its code (the function of ``@app.middleware("http")``, or the
``dispatch`` / ``__call__`` of a class added with ``app.add_middleware(Cls)`` or
``FastAPI(middleware=[Middleware(Cls)])``, a ``BaseHTTPMiddleware`` or a pure ASGI
middleware) reads a credential (``project/credentials.py``: the Authorization header, an
API-key or token header, a session cookie) and, on a later line, answers 401/403 for want of
it, by the rule dependencies follow (``credentials.rejected_read``: under an ``if`` whose test
reads the credential or a value derived from it, in an ``except`` handler, or after an ``if``
testing it that returns): a response built with ``status_code=401`` (or as the
second positional argument of a ``...Response`` class), an ASGI message ``{"status": 401}``, a
raised 401/403 error, or a 401/403 response a project helper builds (``responsehelpers.py``),
returned (``return unauthorized("bad key")`` in ``dispatch`` or an ``@app.middleware("http")``
function) or sent as an ASGI app (``unauthorized(...)(scope, receive, send)``).

The routes of such an app, and of the apps mounted under it, are not ``none`` but
``unknown``: a middleware usually lets some paths through (health probes, the documentation,
a login page), and which ones is decided at run time by code the route inventory cannot map to
routes. The middleware is named in the route's auth chain. WebSocket routes are guarded only
by pure ASGI middleware (a class's ``__call__``) that does not compare the scope type with
``"http"``: ``@app.middleware("http")`` functions and ``BaseHTTPMiddleware`` classes (their
``dispatch``) never see a WebSocket handshake (Starlette hands any scope that is not ``http``
straight on).

A middleware whose check depends on the request path (it compares or tests
``request.url.path``, ``scope["path"]`` or a local bound to them) without first handing some
requests on to the next app (``return await call_next(request)`` under an ``if``: the
allow-list of public paths, after which every other path is checked) guards only some paths,
and the analysis cannot tell which: it changes no route's status (a route it leaves open is
reported, not hidden as ``unknown``).

A middleware added only under a condition (``if SERVER_SECURE: app.add_middleware(...)``, or
in a loop; an ``@app.middleware("http")`` function defined under an ``if``) guards its routes
in one configuration only: they keep their status with a ``Switch`` where it is added (BK101
reports the configuration without it once), unless a middleware the app adds always
authenticates too, or another added under a condition does (an ``if``/``else`` may add either).
"""

from __future__ import annotations

import re

from backendkit.project.appmodel import AppModel, AppObject, Mount, RouteDecl
from backendkit.project.authstatus import AuthStatus, Switch
from backendkit.project.credentials import CredentialChecks, rejected_read
from backendkit.project.deps import DependencyResolver
from backendkit.project.responsehelpers import HelperResponses
from backendkit.project.returns import Origin
from backendkit.project.statuscodes import AUTH_STATUSES
from backendkit.project.symbols import ClassSym, Ctx, FuncSym
from backendkit.project.text import expr_text
from backendkit.project.walk import IncludeWalk
from backendkit.summary.model import Call, CallSite, Const, DictExpr, Expr, Name, Scope, Seq

#: the methods of a middleware class that see each request
_METHODS = ("dispatch", "__call__")
#: the request path in a middleware: ``request.url.path``, ``scope["path"]``
_PATH = re.compile(r"\burl\.path\b|\bpath_info\b|\[['\"](raw_)?path['\"]\]|\.get\(['\"]path['\"]")
#: calls that test a path (on it or given it)
_PATH_TESTS = frozenset(
    {"startswith", "endswith", "match", "fullmatch", "search", "fnmatch", "fnmatchcase"}
)
#: middleware parameters that are not the next app
_NOT_NEXT = frozenset({"self", "request", "scope", "receive", "send", "websocket"})


class MiddlewareAuth:
    """Which routes run behind an authenticating middleware (computed on first use)."""

    def __init__(self, model: AppModel, resolver: DependencyResolver) -> None:
        self.model = model
        self.index = model.index
        self.errors = resolver.errors
        self.credentials: CredentialChecks = resolver.credentials
        self.helpers = HelperResponses(self.index, self.errors.status_of)
        self._guards: dict[tuple[str, int], str] | None = None
        self._apps: dict[tuple[str, bool], str] = {}
        #: the link of a middleware added only under a condition -> where it is added
        self._optional: dict[str, Origin] = {}

    def behind(self, status: AuthStatus, app: str, decl: RouteDecl) -> AuthStatus:
        """``status`` of a route of root app ``app``: ``unknown`` through the middleware when
        nothing in its dependencies requires authentication and every path to it from that
        app passes an authenticating middleware."""
        if status.status not in ("none", "optional") or not app:
            return status
        if self._guards is None:
            self._guards = _GuardWalk(self).run(self.model)
        label = self._guards.get((app, id(decl)), "")
        if label in self._optional:  # not added in every configuration: a switch
            return AuthStatus(status.status, (), Switch(self._optional[label], (label,), (label,)))
        return AuthStatus("unknown", (label,)) if label else status

    def guard(self, obj: AppObject, websocket: bool = False) -> str:
        """The chain link of the first middleware of app ``obj`` that authenticates ("");
        for a ``websocket`` route only pure ASGI middleware counts."""
        key = (obj.key, websocket)
        if key not in self._apps:
            found = [
                (link, origin)
                for func, name, http_only, origin in self._middleware(obj)
                if not (websocket and http_only) and (link := self.checks(func, name))
            ]
            found.sort(key=lambda pair: pair[1] is not None)  # one added always comes first
            self._apps[key] = found[0][0] if found else ""
            self._note_optional(found)
        return self._apps[key]

    def _note_optional(self, found: list[tuple[str, Origin | None]]) -> None:
        """When every authenticating middleware of an app is added under a condition, and no
        ``if``/``else`` adds one in each branch, the first is a switch (``_optional``)."""
        origins = [origin for _link, origin in found if origin is not None]
        if found and len(origins) == len(found) and not self._either(origins):
            self._optional[found[0][0]] = origins[0]

    def _either(self, origins: list[Origin]) -> bool:
        """Two of these conditional additions are in the two branches of one module-level
        ``if``/``else``: every configuration adds one of them (two independent ``if``s may
        add neither)."""
        ifs = {s.path: s.scope.ifs for s in self.index.modules.values()}
        for path, first, _text in origins:
            for other_path, second, _other in origins:
                if other_path == path and any(
                    block.orelse and block.first < first < block.orelse <= second < block.end
                    for block in ifs.get(path, ())
                ):
                    return True
        return False

    def _middleware(self, obj: AppObject) -> list[tuple[FuncSym, str, bool, Origin | None]]:
        """``(function, name, HTTP only, where it is added under a condition)`` for each
        middleware function or method of ``obj``: a function (``@app.middleware("http")``)
        and a ``dispatch`` method (``BaseHTTPMiddleware``) see HTTP requests only, a
        ``__call__`` every ASGI scope."""
        out: list[tuple[FuncSym, str, bool, Origin | None]] = []
        for expr, ctx, origin in _registered(obj):
            target = self.index.resolve_expr(expr, ctx)
            if isinstance(target, FuncSym):
                out.append((target, target.qualname, True, origin))
            elif isinstance(target, ClassSym):
                for method in _METHODS:
                    found = self.index.class_member(target, method)
                    if isinstance(found, FuncSym):
                        http_only = method == "dispatch" or _asks_http(found.info.scope)
                        out.append((found, target.qualname, http_only, origin))
        return out

    def checks(self, func: FuncSym, name: str, kind: str = "middleware") -> str:
        """``"<name> (<kind>, checks header authorization)"`` when ``func`` reads a
        credential and rejects the request with a 401/403 for want of it (the rule of
        ``credentials.rejected_read``: under an ``if`` testing it, in an ``except`` handler),
        for every path, else ""."""
        found = self.checked(func)
        return f"{name} ({kind}, checks {found[1]})" if found else ""

    def checked(self, func: FuncSym) -> tuple[int, str] | None:
        """``first_check`` of ``func`` when it holds for every path (not path-conditional)."""
        found = self.first_check(func)
        return None if found is None or _path_conditional(func, found[0]) else found

    def first_check(self, func: FuncSym) -> tuple[int, str] | None:
        """The line of ``func``'s first 401/403 for want of a credential it reads, and what
        that credential is (``header authorization``); None when it has none."""
        reads = self.credentials.reads(func)
        if not reads:
            return None
        scope = func.info.scope
        for line, site in sorted(self._rejections(func), key=lambda pair: pair[0]):
            found = rejected_read(scope, reads, line, site)
            if found is not None:
                return line, found.what
        return None

    def _rejections(self, func: FuncSym) -> list[tuple[int, CallSite]]:
        """``(line, call)`` for each 401/403 answer of ``func``: a response or an ASGI message
        (``_rejects``), or a raised error (the call building it)."""
        found = [(site.line, site) for site in func.info.scope.calls if self._rejects(site, func)]
        for line in self.errors.auth_raise_lines(func):
            site = self.errors.raised_site(func, line)
            if site is not None:
                found.append((line, site))
        return found

    def _rejects(self, site: CallSite, func: FuncSym) -> bool:
        """A call that answers 401/403 (a response or an ASGI message), or sends the 401/403
        response a project helper builds (``_sent``)."""
        inner = func.ctx.enter(func.info)
        call = site.call
        statuses = [call.kwarg("status_code")]
        if isinstance(call.func, Name) and call.func.dotted.endswith("Response"):
            statuses.append(call.arg(1))
        statuses += [_message_status(arg) for arg in call.args]
        if any(
            self.errors.status_of(expr, inner) in AUTH_STATUSES
            for expr in statuses
            if expr is not None
        ):
            return True
        sent = _sent(site, func)
        return sent is not None and self.helpers.rejects(sent, inner)


def _sent(site: CallSite, func: FuncSym) -> Call | None:
    """The call whose result ``site`` answers the request with: ``helper(...)`` of
    ``helper(...)(scope, receive, send)`` (the response called as an ASGI app, returned or
    awaited; also through a local, ``response = helper(...)`` then ``response(scope, receive,
    send)``), or the call a ``dispatch`` or middleware function returns (``return
    unauthorized("bad key")``); a pure ASGI ``__call__`` sends nothing by returning it."""
    callee = site.call.func
    if isinstance(callee, Call):
        return callee
    if isinstance(callee, Name) and (made := _made_by(func.info.scope, callee.dotted, site.line)):
        return made
    if site.use == "return" and func.info.name != "__call__":
        return site.call
    return None


def _made_by(scope: Scope, name: str, line: int) -> Call | None:
    """The call the local ``name`` is bound to last before ``line`` (``response =
    unauthorized("bad key")``), if it is bound to a call."""
    before = [assign for assign in scope.assigns.get(name, ()) if assign.line <= line]
    value = max(before, key=lambda assign: assign.line).value if before else None
    return value if isinstance(value, Call) else None


def _asks_http(scope: Scope) -> bool:
    """A pure ASGI ``__call__`` that compares something with ``"http"`` (``if scope["type"]
    == "http":`` around its check, or ``!= "http"`` handing other scopes on) checks HTTP
    requests only."""
    http = Const("http")
    return any(http in (compare.left, compare.right) for compare in scope.compares)


def middleware_classes(obj: AppObject) -> list[tuple[Expr, Ctx, int]]:
    """The middleware classes ``obj`` registers, with their context and line: those of
    ``add_middleware`` and of ``FastAPI(middleware=[Middleware(Cls)])`` (``@app.middleware``
    functions are in ``obj.hooks``)."""
    found = [(site.call.arg(0, "middleware_class"), ctx, site.line) for site, ctx in obj.middleware]
    found += _constructed(obj)
    return [(expr, ctx, line) for expr, ctx, line in found if expr is not None]


def _constructed(obj: AppObject) -> list[tuple[Expr, Ctx, int]]:
    """The classes of ``FastAPI(middleware=[Middleware(Cls)])``."""
    stack = obj.instance.call.kwarg("middleware")
    items = stack.items if isinstance(stack, Seq) else ()
    found = [
        (item.arg(0, "cls"), obj.instance.ctx, obj.line) for item in items if isinstance(item, Call)
    ]
    return [(expr, ctx, line) for expr, ctx, line in found if expr is not None]


def _registered(obj: AppObject) -> list[tuple[Expr, Ctx, Origin | None]]:
    """What ``obj`` registers as middleware: ``@app.middleware`` functions and the classes of
    ``middleware_classes``, with where an ``add_middleware`` under an ``if`` (or in a loop)
    adds it: a configuration without it is a switch (letta's ``if SERVER_SECURE:``)."""
    found = [
        (expr, ctx, _hook_origin(expr, ctx, line))
        for kind, expr, ctx, line in obj.hooks
        if kind == "middleware"
    ]
    for site, ctx in obj.middleware:
        expr = site.call.arg(0, "middleware_class")
        if expr is not None:
            text = f"a configuration without app.add_middleware({expr_text(expr)})"
            origin = (ctx.module.path, site.line, text) if site.conditional else None
            found.append((expr, ctx, origin))
    return found + [(expr, ctx, None) for expr, ctx, _line in _constructed(obj)]


def _hook_origin(expr: Expr, ctx: Ctx, line: int) -> Origin | None:
    """Where an ``@app.middleware("http")`` decorator on line ``line`` registers its function
    only under a condition: the ``def`` is under an ``if`` (prefect's ``if auth_string is not
    None:``), or the call form ``app.middleware("http")(func)`` is; a loop adds it (to each
    app it runs over)."""
    scope = ctx.scopes[-1]
    defs = (*scope.shadowed, *scope.functions.values())
    decorated = any(f.conditional and line in f.decorator_lines for f in defs)
    called = any(
        site.line == line and site.guarded and _registers_middleware(site.call)
        for site in scope.calls
    )
    if not (decorated or called):
        return None
    return (ctx.module.path, line, f"a configuration without the middleware {expr_text(expr)}")


def _registers_middleware(call: Call) -> bool:
    """``app.middleware("http")``, or the call form's ``app.middleware("http")(func)``."""
    func = call.func.func if isinstance(call.func, Call) else call.func
    return isinstance(func, Name) and func.dotted.rpartition(".")[2] == "middleware"


def _path_conditional(func: FuncSym, rejection: int) -> bool:
    """``func`` tests the request path (``request.url.path.startswith("/admin")``, ``path ==
    "/reset"``, ``re.match(pattern, scope["path"])``) and passes no request on to the next
    app before its first rejection (on line ``rejection``): it checks only some paths, and
    which ones the analysis cannot map to routes. The allow-list pattern (the public paths
    passed on first: ``return await call_next(request)`` under an ``if``) checks every other
    path, so it is not path-conditional."""
    scope = func.info.scope
    passed_on = any(_passes_on(site, func) and site.line < rejection for site in scope.calls)
    return not passed_on and _tests_path(scope)


def _tests_path(scope: Scope) -> bool:
    """A comparison or a test call (``_PATH_TESTS``) of ``scope`` reads the request path."""
    paths = _path_locals(scope)
    compared = (operand for c in scope.compares for operand in (c.left, c.right))
    if any(_mentions_path(operand, paths) for operand in compared):
        return True
    for site in scope.calls:
        callee = site.call.func
        if isinstance(callee, Name) and callee.dotted.rpartition(".")[2] in _PATH_TESTS:
            operands = [Name(callee.dotted.rpartition(".")[0]), *site.call.args]
            if any(_mentions_path(operand, paths) for operand in operands):
                return True
    return False


def _path_locals(scope: Scope) -> set[str]:
    """The local names bound to the request path (``path = request.url.path``)."""
    return {
        name
        for name, assigns in scope.assigns.items()
        if any(_mentions_path(a.value, set()) for a in assigns)
    }


def _mentions_path(expr: Expr | None, paths: set[str]) -> bool:
    """``expr`` is or holds the request path, or a local bound to it."""
    if expr is None:
        return False
    if isinstance(expr, Name) and expr.dotted.partition(".")[0] in paths:
        return True
    return bool(_PATH.search(expr_text(expr)))


def _passes_on(site: CallSite, func: FuncSym) -> bool:
    """A call, under an ``if``, handing the request on to the next app: ``call_next(request)``
    (a parameter after the request) or ``self.app(scope, receive, send)``."""
    callee = site.call.func
    if not site.guarded or not isinstance(callee, Name):
        return False
    names = {p.name for p in func.info.params} - _NOT_NEXT
    return callee.dotted in names or callee.dotted in ("self.app", "self._app")


def _message_status(expr: Expr) -> Expr | None:
    """The ``"status"`` of an ASGI message written as a dict display."""
    if isinstance(expr, DictExpr):
        for key, value in expr.items:
            if key == Const("status"):
                return value
    return None


class _GuardWalk(IncludeWalk[tuple[str, str]]):
    """Folds "the authenticating middleware on the way" along every include and mount path:
    a mounted app runs behind its parent's middleware, and its own. The state is the link for
    HTTP routes and the one for WebSocket routes (pure ASGI middleware only)."""

    def __init__(self, owner: MiddlewareAuth) -> None:
        super().__init__(("", ""))
        self.owner = owner
        self.root = ""
        self.guards: dict[tuple[str, int], str] = {}
        self._mounts: dict[int, tuple[str, str]] = {}

    def run(self, model: AppModel) -> dict[tuple[str, int], str]:
        """``(root app, id(route)) -> middleware link``; a route some path from its root reaches
        without one gets ""."""
        for root in model.roots():
            if root.kind == "app":
                self.root = root.display
                self.walk_from(root)
        return self.guards

    def enter(self, obj: AppObject, above: tuple[str, str]) -> tuple[str, str]:
        """An app's own middleware joins what guards it already; its routes are recorded."""
        app = obj.kind == "app"
        http = above[0] or (self.owner.guard(obj) if app else "")
        socket = above[1] or (self.owner.guard(obj, websocket=True) if app else "")
        for decl in obj.routes:
            here = socket if decl.kind == "websocket" else http
            key = (self.root, id(decl))
            self.guards[key] = here if self.guards.get(key, here) == here else ""
        return http, socket

    def leave(self, obj: AppObject, above: tuple[str, str], here: tuple[str, str]) -> None:
        """Remember what the mounts of ``obj`` start from."""
        for mount in obj.mounts:
            self._mounts[id(mount)] = here

    def mount(self, mount: Mount, above: tuple[str, str]) -> tuple[str, str]:
        """A mounted app starts behind its parent's middleware."""
        return self._mounts.get(id(mount), ("", ""))
