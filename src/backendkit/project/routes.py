"""Expands the app model into the route inventory: one ``Route`` per endpoint per app."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

from backendkit.project.appmodel import AppModel, AppObject, Include, Mount, RouteDecl
from backendkit.project.deps import (
    AuthStatus,
    DependencyResolver,
    DepNode,
    auth_status,
    status_code_of,
)
from backendkit.project.middleware import MiddlewareAuth
from backendkit.project.pathtext import PathPart, join_path
from backendkit.project.switches import route_chain
from backendkit.project.text import expr_text
from backendkit.project.walk import IncludeWalk
from backendkit.result import Route
from backendkit.summary.model import ModuleSummary

#: stands for the parameters of an endpoint the analysis could not resolve (a lambda, say)
_UNRESOLVED_ENDPOINT = DepNode(
    "(endpoint not resolved)", "unresolved", reason="endpoint function could not be resolved"
)


#: path segments of authentication endpoints (public by convention, and rate limited)
AUTH_SEGMENTS = frozenset(
    {
        "login",
        "signin",
        "sign-in",
        "token",
        "signup",
        "sign-up",
        "register",
        "password-recovery",
        "recover-password",
        "reset-password",
        "password-reset",
        "forgot-password",
    }
)
#: path segments of probes and API documentation: public by convention as the last segment
PROBE_SEGMENTS = frozenset(
    {
        "health",
        "healthz",
        "health-check",
        "healthcheck",
        "livez",
        "readyz",
        "ready",
        "readiness",
        "liveness",
        "ping",
        "docs",
        "redoc",
        "openapi.json",
    }
)
#: signing out: public by convention too (it acts on the caller's own token or cookie, and must
#: work when that token has expired), but takes no password, so BK112 leaves it alone
SIGN_OUT_SEGMENTS = frozenset({"logout", "signout", "sign-out"})
#: steps of an anonymous caller's authentication, public by convention wherever a sign-in
#: segment would be (r2r's ``/users/refresh-token``, ``/users/verify-email``): the refresh
#: token or the code the caller brings is the credential; BK112 leaves them alone
AUTH_STEP_SEGMENTS = frozenset(
    {"refresh-token", "verify-email", "confirm-email", "request-verify-token"}
)
#: authentication segments (public by convention for GET and POST when only path parameters
#: and authentication sub-actions follow them); ``refresh`` and ``verify`` only right after
#: one of ``REFRESH_CONTEXT`` (``/auth/refresh``, fastapi-users' ``/auth/verify``;
#: ``/cache/refresh`` and ``/documents/verify`` are ordinary endpoints)
_AUTH_LIKE = AUTH_SEGMENTS | SIGN_OUT_SEGMENTS | AUTH_STEP_SEGMENTS | {"refresh"}
REFRESH_CONTEXT = frozenset({"auth", "oauth", "oauth2", "jwt", "session", "sessions", "tokens"})
_IN_REFRESH_CONTEXT = frozenset({"refresh", "verify"})  # authentication after ``REFRESH_CONTEXT``
#: external sign-in providers, as a segment after an authentication one (``/login/google``)
PROVIDERS = frozenset({"google", "github", "gitlab", "microsoft", "apple", "facebook"})
#: segments after which one provider (a path parameter or a name of ``PROVIDERS``) may come
#: before the authentication segment, and after which ``callback`` and ``authorize`` (the
#: start of the flow, a redirect to the provider) open one: ``/oauth/{provider}/login``,
#: ``/auth/{provider}/login``, ``/oauth/{provider}/authorize``, ``/sso/google/callback``
OAUTH_CONTEXT = frozenset({"oauth", "oauth2", "sso", "oidc", "auth"})
_IN_OAUTH_CONTEXT = frozenset({"callback", "authorize"})  # authentication after ``OAUTH_CONTEXT``
_PROVIDER = "{provider}"  # the context a provider segment hands on
_RUNTIME = "{?}"  # a segment computed at run time (``_segments``)
#: what may follow an authentication segment: another one (``/token/refresh``), a step of
#: obtaining, checking or confirming credentials (full-stack-fastapi-template's
#: ``/login/access-token`` and ``/login/test-token``, ``/register/verify``, Airflow's
#: ``/token/cli``, an RFC 8693 ``/token/exchange``), or an external sign-in
#: (``/login/google/callback``); a business action (``/token/revoke-all``,
#: ``/users/register/bulk``) makes the path an ordinary endpoint
AUTH_SUB_ACTIONS = (
    _AUTH_LIKE
    | frozenset(
        {
            "access-token",
            "test-token",
            "refresh-token",
            "verify",
            "confirm",
            "resend",
            "request-verify-token",
            "otp",
            "mfa",
            "2fa",
            "magic-link",
            "cli",
            "exchange",
            "authorize",
            "callback",
            "oauth",
            "oauth2",
            "sso",
        }
    )
    | PROVIDERS
)
#: RFC 8615's prefix of site metadata documents every client must read before signing in
#: (``/.well-known/openid-configuration``, ``oauth-authorization-server``, ``security.txt``)
WELL_KNOWN = ".well-known"
#: path segments of endpoints that are public by convention
CONVENTIONAL_SEGMENTS = _AUTH_LIKE | PROBE_SEGMENTS | {WELL_KNOWN}
#: segments after which nothing is public by convention
PROTECTED_SEGMENTS = frozenset({"admin", "admins", "internal", "private", "management", "staff"})
#: the methods a conventional endpoint may have: an authentication endpoint reads or posts
#: credentials; a probe, the documentation and the root path are only read
_AUTH_METHODS = frozenset({"GET", "POST"})
_AUTH_OPENERS = _AUTH_LIKE | _IN_OAUTH_CONTEXT | _IN_REFRESH_CONTEXT  # for ``_AUTH_METHODS``
_READ_METHODS = frozenset({"GET", "HEAD"})


def conventional_segment(path: str, methods: Iterable[str]) -> str:
    """The conventional public segment of ``path`` for a route with ``methods``, or "".

    An authentication segment (``login`` in ``/api/v1/login/access-token``, a step such as
    ``/users/refresh-token``, ``/oauth/{provider}/authorize``) counts for GET and
    POST when only path parameters and ``AUTH_SUB_ACTIONS`` follow it (not in
    ``/token/revoke-all``); a probe or documentation segment (``/health``,
    ``/api/v1/utils/health-check/``) for GET and HEAD, as the last segment; ``/`` for GET and
    HEAD; a ``.well-known`` segment with anything after it (RFC 8615 metadata) for GET and
    HEAD. None counts after a path parameter (except one provider right after ``oauth``,
    ``auth`` and the like: ``/oauth/{provider}/callback``) or an admin/internal segment. Every
    method of the route must be allowed.
    """
    segment = _candidate_segment(path)
    allowed = _AUTH_METHODS if segment.lower() in _AUTH_OPENERS else _READ_METHODS
    found = set(methods)
    return segment if found and found <= allowed else ""


def _candidate_segment(path: str) -> str:
    """The segment that makes ``path`` public by convention for some method, or ""."""
    segments = _segments(path)
    if _is_root(path, segments):
        return "/"
    previous = ""
    for position, segment in enumerate(segments, 1):
        if segment == _RUNTIME and position < len(segments):
            continue  # a mount point or prefix computed at run time: the context goes on
        found = _opens(segment, previous, segments[position:])
        if found is not None:
            return found
        previous = _context_after(segment, previous)
        if not previous:
            return ""
    return ""


def _opens(segment: str, previous: str, after: list[str]) -> str | None:
    """What ``segment``, with ``after`` following it, makes public ("": nothing, the path is
    not conventional), or None when it opens nothing and the walk goes on."""
    lowered = segment.lower()
    if lowered == WELL_KNOWN and after:
        return segment  # RFC 8615 metadata (OAuth, OpenID, security.txt): public to read
    if _opens_auth(lowered, previous) or (lowered in PROBE_SEGMENTS and not after):
        return _unless_followed(segment, after)
    return None


def _is_root(path: str, segments: list[str]) -> bool:
    """``/``, also where a mount point computed at run time comes before it."""
    return path.endswith("/") and all(s == _RUNTIME for s in segments)


def _segments(path: str) -> list[str]:
    """The segments of ``path``, each part computed at run time (``{?settings.base_url}``,
    whatever its text holds) one ``_RUNTIME`` segment of its own."""
    out: list[str] = []
    rest = path
    while "{?" in rest:
        before, _, after = rest.partition("{?")
        out += [s for s in before.split("/") if s]
        depth, end = 1, 0
        while end < len(after) and depth:
            depth += {"{": 1, "}": -1}.get(after[end], 0)
            end += 1
        out.append(_RUNTIME)
        rest = after[end:]
    return out + [s for s in rest.split("/") if s]


def _context_after(segment: str, previous: str) -> str:
    """What the next segment sees before it: this segment lower-cased, ``_PROVIDER`` for a
    provider right after an OAuth segment (``{provider}`` in ``/oauth/{provider}/login``), or
    "" when nothing after it is public by convention (a path parameter, an admin segment)."""
    lowered = segment.lower()
    parameter = segment.startswith("{")
    if previous in OAUTH_CONTEXT and (parameter or lowered in PROVIDERS):
        return _PROVIDER
    return "" if parameter or lowered in PROTECTED_SEGMENTS else lowered


def _opens_auth(lowered: str, previous: str) -> bool:
    """Whether the (lower-cased) segment starts an authentication endpoint, given the segment
    before it: ``refresh`` and ``verify`` do only after ``auth`` and the like, ``callback``
    and ``authorize`` only after ``oauth`` and the like or a provider following one
    (``/oauth/{provider}/callback``; ``/payments/authorize`` is an ordinary endpoint)."""
    if lowered in AUTH_SEGMENTS or lowered in SIGN_OUT_SEGMENTS or lowered in AUTH_STEP_SEGMENTS:
        return True
    if lowered in _IN_OAUTH_CONTEXT:
        return previous in OAUTH_CONTEXT or previous == _PROVIDER
    return lowered in _IN_REFRESH_CONTEXT and previous in REFRESH_CONTEXT


def _unless_followed(segment: str, rest: list[str]) -> str:
    """``segment`` when the ``rest`` of the path is only path parameters and authentication
    sub-actions (``/token/refresh``, ``/password-recovery/{email}``), else "". Nothing may
    follow a sign-out segment: ``/users/logout/{user_id}`` signs out another user."""
    if segment.lower() in SIGN_OUT_SEGMENTS and rest:
        return ""
    if all(s != _RUNTIME and (s.startswith("{") or s.lower() in AUTH_SUB_ACTIONS) for s in rest):
        return segment
    return ""


@dataclass(frozen=True)
class PublicPolicy:
    """Which routes are public by convention, by configuration, or by a mark in the code."""

    paths: tuple[str, ...] = ()
    handlers: tuple[str, ...] = ()
    conventions: bool = True

    def reason(self, route: RouteDecl, path: str, summary: ModuleSummary | None) -> str:
        """Why the route is public, briefly (``conventional: health``), or an empty string."""
        if summary is not None and _marked_public(route, summary):
            return "marked '# backendkit: public'"
        segment = conventional_segment(path, route.methods) if self.conventions else ""
        if segment:
            return f"conventional: {segment}"
        for pattern in self.paths:
            if fnmatchcase(path, pattern):
                return f"public-paths: '{pattern}'"
        short = route.handler_name.rpartition(":")[2].rpartition(".")[2]
        for pattern in self.handlers:
            if fnmatchcase(short, pattern):
                return f"public-handlers: '{pattern}'"
        return ""


def _marked_public(route: RouteDecl, summary: ModuleSummary) -> bool:
    first = min(route.line, route.def_line) - 1
    lines = range(first, max(route.line, route.def_line) + 1)
    return any(d.kind == "public" and d.line in lines for d in summary.directives)


@dataclass(frozen=True)
class _At:
    """Where the route walk stands: the path so far, the dependencies FastAPI adds to every
    route below, and whether an include on the way was conditional."""

    prefix: list[PathPart]
    deps: list[DepNode]
    guarded: bool = False
    #: for the routes of a router no app includes: the call it was handed to, if any
    handed: str = ""
    #: for a route object given whole, when its object's own dependencies do not apply
    unapplied: str = ""


class RouteBuilder(IncludeWalk[_At]):
    """Walks apps, includes and mounts, merging prefixes and dependencies as FastAPI does."""

    def __init__(self, model: AppModel, resolver: DependencyResolver, policy: PublicPolicy):
        super().__init__(_At([], []))
        self.model = model
        self.resolver = resolver
        self.policy = policy
        self.middleware = MiddlewareAuth(model, resolver)
        self.routes: list[Route] = []
        self.app = ""  # the root app being walked ("" for a router no app includes)

    def build(self) -> list[Route]:
        """Every route of every root app, then of routers that no app includes."""
        for root in self.model.roots():
            self.app = root.display if root.kind == "app" else ""
            self.walk_from(root)
        self.routes.sort(key=lambda r: (r.app == "", r.app, r.path, r.methods, r.handler))
        return _with_alternatives(self.routes)

    def enter(self, obj: AppObject, above: _At) -> _At:
        """The object's prefix and dependencies join the path; its routes are added (a route
        object given whole gets only what reached the object)."""
        here = _At(
            [*above.prefix, (obj.prefix, obj.prefix_expr)],
            above.deps + self.resolver.from_lists(obj.deps, (obj.file, obj.line)),
            above.guarded,
            above.handed or (obj.handed[0] if obj.handed and not self.app else ""),
        )
        whole = replace(above, handed=here.handed, unapplied=_unapplied(obj))
        for decl in obj.routes:
            self._add(decl, whole if decl.whole else here)
        return here

    def include(self, inc: Include, here: _At) -> _At:
        """``include_router(prefix=..., dependencies=...)`` extends both."""
        return _At(
            [*here.prefix, (inc.prefix, inc.prefix_expr)],
            here.deps + self.resolver.from_lists(inc.deps, (inc.file, inc.line)),
            here.guarded or inc.guarded,
            here.handed,
        )

    def leave(self, obj: AppObject, above: _At, here: _At) -> None:
        """Routers included from a library call or computed at run time: one entry each."""
        for opaque in obj.opaque:
            where = [*here.prefix, (opaque.path, opaque.path_expr)]
            self._add_mount(opaque.target, where, opaque.file, opaque.line, "include", opaque.note)

    def mount(self, mount: Mount, above: _At) -> _At:
        """A mounted FastAPI app keeps the path to the mount point, not the dependencies."""
        return _At([*above.prefix, (mount.path, mount.path_expr)], [], mount.guarded)

    def foreign_mount(self, obj: AppObject, mount: Mount, above: _At) -> None:
        """A mounted ASGI app the analysis cannot see into: one entry."""
        where = [*above.prefix, (mount.path, mount.path_expr)]
        self._add_mount(mount.target, where, mount.file, mount.line)

    def _add(self, decl: RouteDecl, at: _At) -> None:
        app = self.app
        path, resolved = join_path([*at.prefix, (decl.path, decl.path_expr)])
        nodes = at.deps + self.resolver.from_lists(decl.deps, (decl.file, decl.line))
        if decl.handler is not None:
            nodes += self.resolver.param_dependencies(decl.handler)
            status = auth_status(nodes)
            if status.status != "required":  # the endpoint may check a credential itself
                status = auth_status([*nodes, self.resolver.endpoint_node(decl.handler)])
        else:  # the endpoint's own parameters may hold the authentication
            status = auth_status([*nodes, _UNRESOLVED_ENDPOINT])
        status = self.middleware.behind(status, app, decl)
        auth = status.status
        if at.handed and auth == "none":
            auth = "unknown"  # what the call it was handed to adds is not known
        summary = self.model.index.modules.get(decl.ctx.module.module)
        reason = self.policy.reason(decl, path, summary)
        if auth == "required" and reason.startswith("conventional"):
            reason = ""  # an authenticated logout is not public, whatever its path says
        notes = _notes(decl, at, resolved, bool(app)) + caught_notes(nodes)
        self._record(
            status,
            Route(
                methods=decl.methods,
                path=path,
                kind=decl.kind,
                app=app,
                handler=decl.handler_name,
                file=decl.file,
                line=decl.line,
                def_line=decl.def_line,
                auth=auth,
                auth_chain=route_chain(decl.handler_name, status),
                public=bool(reason),
                public_reason=reason,
                path_resolved=resolved,
                status_code=self._status(decl),
                response_model=self._response_model(decl),
                dependencies=tuple(n.label for n in nodes),
                is_async=bool(decl.handler and decl.handler.info.is_async),
                notes=tuple(notes),
            ),
        )

    def _record(self, status: AuthStatus, route: Route) -> None:
        """Add ``route``; the switch that gives it its status is kept for BK101."""
        self.routes.append(route)
        if status.switch is not None:
            self.resolver.switched.record(route, status.switch)

    def _add_mount(
        self,
        target: str,
        prefix: list[PathPart],
        file: str,
        line: int,
        kind: str = "mount",
        note: str = "",
    ) -> None:
        path, resolved = join_path(prefix)
        note = note or (
            "router from a library call or computed at run time: its routes are not analysed"
            if kind == "include"
            else "mounted ASGI app: its own routes are not analysed"
        )
        self.routes.append(
            Route(
                methods=("*",),
                path=path,
                kind=kind,
                app=self.app,
                handler=target,
                file=file,
                line=line,
                def_line=line,
                path_resolved=resolved,
                notes=(note,),
            )
        )

    def _status(self, decl: RouteDecl) -> int | None:
        expr = decl.call.kwarg("status_code")
        if expr is None:
            return None
        return status_code_of(self.model.index.value(expr, decl.ctx))

    @staticmethod
    def _response_model(decl: RouteDecl) -> str | None:
        expr = decl.call.kwarg("response_model")
        if expr is not None:
            return expr_text(expr)
        if decl.handler is not None and decl.handler.info.returns is not None:
            return expr_text(decl.handler.info.returns)
        return None


def _with_alternatives(routes: list[Route]) -> list[Route]:
    """Note on each endpoint served at several paths (a router included or mounted twice,
    or in both branches of an ``if``) the other paths, in the inventory's order."""
    paths: dict[tuple[object, ...], list[str]] = {}
    for route in routes:
        paths.setdefault(_endpoint(route), []).append(route.path)
    out = []
    for route in routes:
        others = [p for p in paths[_endpoint(route)] if p != route.path]
        if others and route.kind in ("http", "websocket"):
            note = "same endpoint also at " + ", ".join(dict.fromkeys(others))
            route = replace(route, notes=(*route.notes, note))
        out.append(route)
    return out


def _endpoint(route: Route) -> tuple[object, ...]:
    """What makes routes one endpoint: one registration of one handler for one app."""
    return (route.app, *route.endpoint_key())


#: the words of a note on a dependency that catches its own 401/403 (``caught_notes``)
CAUGHT = "catches the 401/403 it raises on line"


def caught_notes(nodes: list[DepNode]) -> list[str]:
    """A note for each dependency in the trees of ``nodes`` that raises a 401/403 only to
    catch it itself (``DepNode.caught``)."""
    notes: list[str] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if node.caught:
            name = node.label.rpartition(":")[2] or node.label
            notes.append(f"{name} {CAUGHT} {node.caught} itself")
        stack += reversed([*node.children, *node.alternatives])
    return list(dict.fromkeys(notes))


def _notes(decl: RouteDecl, at: _At, resolved: bool, in_app: bool) -> list[str]:
    """What a route's record should say about how it was found."""
    notes: list[str] = []
    if not resolved:
        notes.append("part of the path is computed at run time")
    if at.handed:
        notes.append(at.handed)
    elif not in_app:
        notes.append("router is not included in any app the analysis could see")
    if decl.handler is None:
        notes.append("endpoint function could not be resolved")
    if at.guarded:
        notes.append("included under a condition; reported as if the condition holds")
    if decl.whole and at.unapplied:
        notes.append(at.unapplied)
    return notes


def _unapplied(obj: AppObject) -> str:
    """Why ``obj``'s own ``dependencies=`` are not a route object's it holds ("": none)."""
    if not obj.deps:
        return ""
    return (
        f"a route object given whole: the dependencies= of {obj.display} do not apply to it "
        "(FastAPI adds them only to the routes it builds)"
    )
