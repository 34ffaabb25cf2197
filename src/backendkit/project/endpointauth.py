"""Authentication an endpoint does in its own body, the last check before its work::

    @app.post("/a")
    async def a(request: Request) -> dict:
        token = request.headers.get("Authorization")
        if token != KEY:
            raise HTTPException(status_code=401)
        ...

An endpoint is no dependency: any ``return`` sends a response, and its 401/403s are as often
business rules (an ownership check, a private document, a method it refuses) as a missing
credential. So it counts as checking a credential only in the plain shape above: its first
401/403 (raised, or a response it returns: ``return JSONResponse(..., status_code=401)``) is
for want of a credential it reads (``credentials.rejected_read``), nothing returns
before it, and every ``if`` holding it tests only that credential (or a value derived from it)
and configuration (module-level names: ``KEY``, ``settings.api_key``), not the request's path,
method, query or a record it loaded (``if doc["private"] and token != doc["token"]``). Or it
hands the credential (a parameter's, or one it reads from the request in its body) to a
project function that checks it as a dependency would, in a call nothing skips or catches and
nothing returns before (``user = get_user_from_token(token)``). Or it verifies a webhook's
signature first (``stripe.Webhook.construct_event``: ``webhooks.py``).
A parameter a security scheme fills is a credential it reads (``token: str | None =
Depends(oauth2_scheme)`` with ``auto_error=False``).
"""

from __future__ import annotations

from functools import partial

from backendkit.project.configauth import configuration
from backendkit.project.credentials import CredentialChecks, CredentialRead, rejected_read
from backendkit.project.credflow import derived, handed_on, mentions
from backendkit.project.credhelpers import connection_param
from backendkit.project.statuscodes import AUTH_STATUSES
from backendkit.project.symbols import FuncSym
from backendkit.project.webhooks import verified_signature
from backendkit.summary.model import OR, Call, CallSite, Const, Expr, IfExp, Name, Scope, Unknown


def endpoint_check(checks: CredentialChecks, func: FuncSym) -> str:
    """The credential the endpoint ``func`` checks in its own body before anything else it
    does, by the rule of the module docstring ("" for none)."""
    return (
        _own_check(checks, func) or _handed_check(checks, func) or verified_signature(checks, func)
    )


def _own_check(checks: CredentialChecks, func: FuncSym) -> str:
    """The credential ``func`` rejects without, in the plain shape (the module docstring)."""
    answered = _answered(checks, func)
    lines = [*checks.errors.rejection_lines(func), *answered]
    if not lines:
        return ""
    reads = [*checks.reads(func), *checks.scheme_reads(func)]
    first, scope = min(lines), func.info.scope
    if any(line < first for line in (*scope.return_lines, *scope.bare_returns)):
        return ""  # a response sent before the check
    if not decided_by_credential(checks, func, first, checks.credential_names(func, reads)):
        return ""
    site = answered.get(first) or checks.errors.raised_site(func, first)
    found = None if site is None else rejected_read(scope, reads, first, site)
    return found.what if found is not None else ""


def _answered(checks: CredentialChecks, func: FuncSym) -> dict[int, CallSite]:
    """The lines where ``func`` returns a 401/403 response it builds there (``return
    JSONResponse({...}, status_code=401)``, the status as keyword or second argument): an
    endpoint's answer, as a raised one is (litellm's realtime calls)."""
    inner = func.ctx.enter(func.info)
    found: dict[int, CallSite] = {}
    for site in func.info.scope.calls:
        call = site.call
        if site.use != "return" or not isinstance(call.func, Name):
            continue
        status = call.arg(1, "status_code") if call.func.dotted.endswith("Response") else None
        if status is not None and checks.errors.status_of(status, inner) in AUTH_STATUSES:
            found.setdefault(site.line, site)
    return found


def _handed_check(checks: CredentialChecks, func: FuncSym) -> str:
    """The credential one of ``func``'s parameters takes (or, failing that, one its body reads
    from the request) that it hands to a project function that checks it, as a dependency
    would (``user = get_user_from_token(token)``, freqtrade), or that such a function checks
    when handed the endpoint's request
    (``_get_authenticated_user(request)``, phoenix: ``request.user`` or a header read there):
    a call nothing skips or catches, before which nothing returns."""
    reads = [*checks.param_reads(func), *checks.scheme_reads(func)]
    requests = _request_params(func)
    if not reads and not requests:
        return ""
    found = _handed(checks, func, reads, requests)
    if found or not requests:
        return found
    # read from the request in the body (``key = request.headers.get("x-api-key")``): only
    # now, as reading every endpoint's body slowed the link by a quarter
    body = [read for read in checks.reads(func, filled=False) if read.holder]
    return _handed(checks, func, [*reads, *body], requests) if body else ""


def _handed(
    checks: CredentialChecks, func: FuncSym, reads: list[CredentialRead], requests: set[str]
) -> str:
    """``_handed_check`` with the credentials ``reads`` and the request parameters
    ``requests``."""
    scope = func.info.scope
    exits = (*scope.return_lines, *scope.bare_returns)
    wanted = partial(_may_hand, requests=requests, held=_held(scope, reads))
    for site, callee, bound in checks.unconditional_callees(func, wanted=wanted):
        if any(line < site.line for line in exits):
            return ""  # a response sent before the call
        given = handed_on(scope, reads, _plain(site.call), callee, bound) if reads else []
        found = _checked_by(checks, callee, given, _hands(site.call, requests))
        if found:
            return found
    return ""


def _held(scope: Scope, reads: list[CredentialRead]) -> set[str]:
    """The names of ``scope`` that hold a credential of ``reads`` or a value computed from
    one (``derived``)."""
    return {name for read in reads if read.holder for name in derived(scope, read.holder)}


def _checked_by(checks: CredentialChecks, callee: FuncSym, given: list, handed: bool) -> str:
    """The credential ``callee`` checks when handed the ``given`` credentials or (``handed``)
    the endpoint's request ("" when handed neither, or when it checks none)."""
    return checks.dependency_check(callee, 1, given) if given or handed else ""


def _may_hand(call: Call, requests: set[str], held: set[str]) -> bool:
    """Whether ``call`` may hand the endpoint's request (``_hands``) or a credential (a name
    of ``held``, or an argument the summary keeps no parts of: ``handed_on``); checked before
    its callee is resolved, which may evaluate much of the project."""
    args = (*call.args, *(value for _key, value in call.kwargs))
    return _hands(call, requests) or any(
        isinstance(arg, Unknown) or mentions(arg, held) for arg in args
    )


def _request_params(func: FuncSym) -> set[str]:
    """The names of ``func``'s parameters FastAPI fills with the connection (``Request``,
    ``WebSocket``, ``HTTPConnection``)."""
    return {p.name for p in func.info.params if connection_param(p)}


def _hands(call: Call, names: set[str]) -> bool:
    """``call`` passes one of ``names`` as an argument, and no literal (``user_required=False``
    may turn the helper's check off)."""
    args = (*call.args, *(value for _key, value in call.kwargs))
    if any(isinstance(arg, Const) for arg in args):
        return False
    return any(isinstance(arg, Name) and arg.dotted in names for arg in args)


def decided_by_credential(
    checks: CredentialChecks, func: FuncSym, line: int, held: set[str], configured: bool = True
) -> bool:
    """Every ``if`` holding ``line`` tests only the credential (``held``: names holding it or
    a value derived from it) and, when ``configured``, configuration."""
    body = func.ctx.enter(func.info)

    def known(read: str) -> bool:
        return (
            read in held
            or read.partition(".")[0] in held
            or (configured and configuration(checks.index, read, body, closures=False))
        )

    return all(all(map(known, b.reads)) for b in func.info.scope.ifs if b.holds(line))


def _plain(call: Call) -> Call:
    """``call`` with the arguments the summary keeps no parts of (``token or DEFAULT``) made
    ``None``: an endpoint hands on the credential itself, not a value that may replace a
    missing one (``get_user(token or DEFAULT_TOKEN)`` lets anonymous callers in)."""
    args = tuple(Const(None) if _replaceable(a) else a for a in call.args)
    kwargs = tuple((k, Const(None) if _replaceable(v) else v) for k, v in call.kwargs)
    return Call(call.func, args, kwargs)


def _replaceable(arg: Expr) -> bool:
    """``token or DEFAULT``, or a value the summary keeps no parts of."""
    return isinstance(arg, Unknown) or (isinstance(arg, IfExp) and arg.flag == OR)
