"""BK112: authentication endpoints without rate limiting."""

from __future__ import annotations

import re
from collections.abc import Iterable

from backendkit.findings import Finding
from backendkit.project.conventions import AUTH_SEGMENTS, conventional_segment
from backendkit.project.symbols import FuncSym
from backendkit.result import Route
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.errors import raised_statuses
from backendkit.rules.support import also_at, dependency_functions, find_function, per_endpoint
from backendkit.summary.model import Call, Name, Scope

#: names of a counter of failed tries (``MAX_TRIES``, ``failed_logins``), a limiter of its own
_ATTEMPTS = re.compile(r"attempt|tries|fail", re.IGNORECASE)
LIMITER = re.compile(r"(rate|limit|throttl|slowapi)", re.IGNORECASE)

_APP = (
    "from fastapi import Depends, FastAPI\n\nfrom app.limits import rate_limit\n\napp = FastAPI()\n"
)


def _auth_segment(route: Route) -> str:
    """The authentication segment of a POST route that anonymous callers reach, by BK101's
    position-aware convention (``/api/v1/auths/signin``, ``/login/access-token``; not
    ``/tenants/{id}/register`` or ``/token/revoke-all``), or "": a route that requires
    authentication is no sign-in or sign-up (a bot has no token to bring), and signing out
    or refreshing takes no password."""
    if "POST" not in route.methods or route.auth == "required":
        return ""
    segment = conventional_segment(route.path, ("POST",)).lower()
    return segment if segment in AUTH_SEGMENTS else ""


#: the sign-up segments among ``AUTH_SEGMENTS`` (what ``_auth_segment`` returns)
_SIGNUP_SEGMENTS = frozenset({"signup", "sign-up", "register"})


class AuthRateLimitRule(ProjectRule):
    """BK112: login, token, register and password reset routes without a rate limiter."""

    code = "BK112"
    cost = 0.25
    VALID = (
        Example(
            _APP + "\n\n@app.post('/login', dependencies=[Depends(rate_limit('login'))])\n"
            "def login() -> dict[str, str]:\n    return {}\n"
        ),
        Example(
            "from fastapi import FastAPI, Request\nfrom slowapi import Limiter\n\n"
            "limiter = Limiter(key_func=lambda r: '')\napp = FastAPI()\n\n\n"
            "@app.post('/register')\n@limiter.limit('5/minute')\n"
            "def register(request: Request) -> dict[str, str]:\n    return {}\n"
        ),
        Example(
            "from fastapi import Depends, FastAPI\nfrom fastapi.security import HTTPBearer\n\n"
            "app = FastAPI()\n\n\n"
            "@app.post('/oauth/clients/register', dependencies=[Depends(HTTPBearer())])\n"
            "def register_client() -> dict[str, str]:\n    return {}\n",
            note="an authenticated route registering a resource is no sign-up",
        ),
        Example(
            "from fastapi import FastAPI, HTTPException\n\nfrom app.attempts import ATTEMPTS\n\n"
            "app = FastAPI()\n\n\n@app.post('/auths/signin')\n"
            "def signin(email: str) -> dict[str, str]:\n    if ATTEMPTS.too_many(email):\n"
            "        raise HTTPException(status_code=429, detail='Too many attempts')\n"
            "    return {}\n",
            note="the handler consults a limiter itself and answers 429 (open-webui's sign-in)",
        ),
        Example(
            "from authlib.integrations.starlette_client import OAuth\n"
            "from fastapi import FastAPI, Request\n\napp = FastAPI()\noauth = OAuth()\n\n\n"
            "@app.post('/auth/login')\nasync def login(request: Request):\n"
            "    uri = str(request.url_for('auth'))\n"
            "    return await oauth.google.authorize_redirect(request, uri)\n",
            note="an OAuth start: the provider's redirect, no password (khoj's login)",
        ),
    )
    INVALID = (
        Example(
            "from typing import Annotated\n\nfrom fastapi import Depends, FastAPI, Request\n"
            "from fastapi.security import OAuth2PasswordRequestForm\n\napp = FastAPI()\n\n\n"
            "@app.post('/api/v1/login/access-token')  # expect: BK112\n"
            "def login(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict[str, str]:\n"
            "    return {}\n\n\n"
            "@app.post('/api/v1/auths/signin')  # expect: BK112\n"
            "async def signin(request: Request) -> dict[str, str]:\n"
            "    await request.form()\n    return {}\n\n\n"
            "@app.post('/api/v2/login')  # expect: BK112\n"
            "async def login_then_redirect(request: Request):\n"
            "    if (await request.form()).get('password') != 'x':\n"
            "        return {'error': 'denied'}\n"
            "    return await request.app.state.oauth.google.authorize_redirect(request, '/')\n"
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """POST routes of authentication endpoints with no limiter dependency or decorator."""
        names = [str(n) for n in self.options.get("limiters", [])]
        if self._global_limiter(ctx, names):
            return
        unlimited = (
            route
            for route in ctx.routes
            if route.kind == "http"
            and _auth_segment(route)
            and not self._limited(ctx, route, names)
        )
        for route, others in per_endpoint(unlimited):
            risk = _risk(_auth_segment(route))
            yield self.finding(
                route.file,
                route.line,
                f"Route {'|'.join(route.methods)} {route.path}{also_at(others)} {risk}; "
                "add a limiter "
                "(slowapi's @limiter.limit, a rate-limit dependency) or name yours in "
                "[tool.backendkit.rate-limit] limiters",
                extra={"alt_lines": [route.def_line]},
            )

    @staticmethod
    def _limited(ctx: ProjectContext, route: Route, names: list[str]) -> bool:
        labels = [*route.dependencies, *route.auth_chain]
        handler = find_function(ctx.index, route.handler)
        if handler is not None:
            labels += [
                (
                    d.func.dotted
                    if isinstance(d, Call) and isinstance(d.func, Name)
                    else getattr(d, "dotted", "")
                )
                for d in handler.info.decorators
            ]
        named = any(LIMITER.search(label) or label.rpartition(":")[2] in names for label in labels)
        return named or _answers_429(ctx, handler) or _oauth_start(handler)

    @staticmethod
    def _global_limiter(ctx: ProjectContext, names: list[str]) -> bool:
        """An app-wide limiter middleware: slowapi's SlowAPIMiddleware and the like, or a
        middleware class named in the ``limiters`` option."""
        for obj in ctx.model.iter_objects():
            for site, _ in obj.middleware:
                target = site.call.arg(0, "middleware_class")
                if not isinstance(target, Name):
                    continue
                if LIMITER.search(target.dotted) or target.dotted.rpartition(".")[2] in names:
                    return True
        return False


def _oauth_start(handler: FuncSym | None) -> bool:
    """The handler only starts an OAuth sign-in: it takes the request alone, has no ``if``
    that returns or raises, and each of its returns is the provider's redirect (authlib's
    ``await oauth.google.authorize_redirect(request, uri)``): no password reaches it (khoj's
    ``POST /auth/login``)."""
    if handler is None or [p.name for p in handler.info.params] != ["request"]:
        return False
    scope = handler.info.scope
    lines = scope.return_lines
    if not lines or scope.ifs or scope.bare_returns:
        return False
    return set(lines) <= _redirect_lines(scope)


def _redirect_lines(scope: Scope) -> set[int]:
    """The lines of ``scope`` that return an ``authorize_redirect(...)`` call."""
    return {
        site.line
        for site in scope.calls
        if site.use == "return"
        and isinstance(site.call.func, Name)
        and site.call.func.dotted.rpartition(".")[2] == "authorize_redirect"
    }


def _answers_429(ctx: ProjectContext, handler: FuncSym | None) -> bool:
    """The handler, or a function of its dependency tree, raises a 429 itself under an ``if``
    that asks a limiter (open-webui's ``if await signin_rate_limiter.is_limited(...): raise
    HTTPException(429)``; a test reading a name with rate, limit, throttle, attempt, tries or
    fail: ``if len(recent) >= MAX_TRIES``): a 429
    for anything else (an upstream quota, a read-only mode) limits no guessing."""
    if handler is None:
        return False
    return any(
        code == 429 and _asks_limiter(func, line)
        for func in dependency_functions(ctx.resolver, handler)
        for code, line in raised_statuses(ctx.index, func)
    )


def _asks_limiter(func: FuncSym, line: int) -> bool:
    """An ``if`` in ``func`` tests a limiter and decides ``line``: in its body or its ``else:``
    (not an ``elif``, whose own test decides: ``elif READ_ONLY: raise HTTPException(429)``)."""
    return any(
        (block.in_body(line) or 0 < block.orelse <= line < block.end)
        and any(LIMITER.search(read) or _ATTEMPTS.search(read) for read in block.reads)
        for block in func.info.scope.ifs
    )


def _risk(segment: str) -> str:
    """What an unlimited endpoint allows: account creation abuse for signup routes, password
    guessing for the others."""
    if segment in _SIGNUP_SEGMENTS:
        return (
            "creates accounts but has no rate limit: bots can register accounts in bulk and "
            "probe which emails already have one"
        )
    return "authenticates users but has no rate limit: passwords can be guessed at full speed"
