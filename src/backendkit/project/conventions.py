"""Paths that are public by convention: authentication endpoints (sign-in, sign-out, token
refresh, OAuth callbacks), probes, the API documentation and site metadata (``PublicPolicy``
in ``routes`` applies them)."""

from __future__ import annotations

from collections.abc import Iterable

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
        "liveliness",  # LiteLLM's and others' name for the liveness probe
        "live",
        "alive",
        "heartbeat",
        "ping",
        "docs",
        "redoc",
        "openapi.json",
        *("favicon", "favicon.ico", "robots.txt"),  # what browsers and crawlers fetch unasked
    }
)
#: checks of a health probe (``/health/live`` ends with a probe segment of its own)
_CHECKS = frozenset({"db", "database", "redis", "cache", "deps", "dependencies", "startup"})
#: what may follow a probe or documentation segment as the last one: a check of a health
#: probe (``/health/db``, ``/healthz/ready``), the OAuth2 redirect page of FastAPI's Swagger
#: UI (``/docs/oauth2-redirect``, its ``swagger_ui_oauth2_redirect_url``)
PROBE_PARTS = {
    "docs": frozenset({"oauth2-redirect"}),
    **dict.fromkeys(("health", "healthz", "health-check", "healthcheck"), _CHECKS),
}
#: directories of static files (``/assets/{filename:path}``): public by convention for GET and
#: HEAD when only path parameters follow (the file's name), like a ``StaticFiles`` mount
STATIC_SEGMENTS = frozenset({"static", "assets", "public"})
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
REFRESH_CONTEXT = frozenset(
    {"auth", "auths", "oauth", "oauth2", "jwt", "session", "sessions", "tokens"}
)
#: authentication after ``REFRESH_CONTEXT``: ``/auth/refresh``, a magic link, an LDAP sign-in
#: or a second factor (open-webui's ``/auths/ldap`` and ``/auths/mfa/verify``, khoj's
#: ``/auth/magic``); ``/users/mfa`` and ``/config/ldap`` are ordinary endpoints
_IN_REFRESH_CONTEXT = frozenset({"refresh", "verify", "magic", "magic-link", "ldap", "mfa", "2fa"})
#: external sign-in providers, as a segment after an authentication one (``/login/google``)
PROVIDERS = frozenset({"google", "github", "gitlab", "microsoft", "apple", "facebook"})
#: segments after which one provider (a path parameter or a name of ``PROVIDERS``) may come
#: before the authentication segment, and after which ``callback`` and ``authorize`` (the
#: start of the flow, a redirect to the provider) open one: ``/oauth/{provider}/login``,
#: ``/auth/{provider}/login``, ``/oauth/{provider}/authorize``, ``/sso/google/callback``
OAUTH_CONTEXT = frozenset({"oauth", "oauth2", "sso", "oidc", "auth"})
_IN_OAUTH_CONTEXT = frozenset({"callback", "authorize"})  # authentication after ``OAUTH_CONTEXT``
#: RFC 7009's token revocation right after ``OAUTH_CONTEXT`` (``/oauth2/revoke``): the token it
#: revokes is its credential (not after a provider: ``/auth/{provider}/revoke`` unlinks one)
_REVOKE = "revoke"
#: OAuth segments after which a provider as the last segment starts the sign-in
#: (``/oauth/{provider}``, chainlit's ``/auth/oauth/{provider_id}``; not ``/auth/{id}``)
FLOW_STARTS = OAUTH_CONTEXT - {"auth"}
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
_AUTH_OPENERS = _AUTH_LIKE | _IN_OAUTH_CONTEXT | _IN_REFRESH_CONTEXT | {_REVOKE}  # GET, POST
_READ_METHODS = frozenset({"GET", "HEAD"})
#: a route for OPTIONS alone answers CORS preflight requests, which browsers send without
#: credentials (Fetch standard, CORS-preflight request): it cannot require authentication
PREFLIGHT = "OPTIONS"


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
    method of the route must be allowed. A ``static``, ``assets`` or ``public`` segment
    followed only by path parameters (``/assets/{filename:path}``) counts for GET and HEAD
    (static files). A route for OPTIONS alone gives ``OPTIONS`` whatever its path, unless an
    admin/internal segment is in it (``PREFLIGHT``).
    """
    found = set(methods)
    if found == {PREFLIGHT}:
        protected = any(s.lower() in PROTECTED_SEGMENTS for s in _segments(path))
        return "" if protected else PREFLIGHT
    segment = _candidate_segment(path)
    allowed = _AUTH_METHODS if segment.lower() in _AUTH_OPENERS else _READ_METHODS
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
    if lowered in PROBE_SEGMENTS and _probe_end(lowered, after):
        return segment
    if _opens_auth(lowered, previous):
        return _unless_followed(segment, after)
    return _opens_to_read(segment, previous, after)


def _probe_end(probe: str, after: list[str]) -> bool:
    """Nothing follows the probe segment, or one of its ``PROBE_PARTS`` (``/health/db``)."""
    return not after or (len(after) == 1 and after[0].lower() in PROBE_PARTS.get(probe, ()))


def _opens_to_read(segment: str, previous: str, after: list[str]) -> str | None:
    """What ``segment`` makes public to read (``_opens``): a static file (``/assets/{name}``)
    or the redirect that starts an OAuth sign-in (``/oauth/{provider}``); else None."""
    lowered = segment.lower()
    if lowered in STATIC_SEGMENTS and after and all(_parameter(s) for s in after):
        return segment  # a static file, named by the path parameter
    if previous in FLOW_STARTS and not after and (_parameter(segment) or lowered in PROVIDERS):
        return previous
    return None


def _parameter(segment: str) -> bool:
    """``segment`` is a path parameter (``{filename:path}``), not a part computed at run time."""
    return segment.startswith("{") and segment != _RUNTIME


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
    if lowered == _REVOKE:
        return previous in OAUTH_CONTEXT
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
