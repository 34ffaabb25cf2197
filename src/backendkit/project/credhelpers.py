"""Readers for ``credentials.py``: the identity an auth middleware put on ``request.state``
that a dependency rejects without (agno's ``require_admin``), the parameters FastAPI fills from
a dependency or scheme, the class a method belongs to (a nested one too), and whether a
function may hand on ``None`` (an optional user)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from backendkit.project.credflow import CredentialRead, derived, tests_any
from backendkit.project.index import ProjectIndex
from backendkit.project.keptchecks import kept_checks
from backendkit.project.rejections import Bearers, lets_missing_through, unchecked
from backendkit.project.symbols import ClassSym, Ctx, External, FuncSym, Instance, OneOf, Symbol
from backendkit.summary.model import (
    ATTR_TESTS,
    BinOp,
    Call,
    CallSite,
    Const,
    Expr,
    IfBlock,
    IfExp,
    Name,
    Param,
    Scope,
    Subscript,
    Unknown,
)

if TYPE_CHECKING:  # credentials imports this module
    from backendkit.project.credentials import CredentialChecks

#: Starlette's classes whose ``.user`` is what ``AuthenticationMiddleware`` authenticated
_CONNECTIONS = frozenset({"Request", "HTTPConnection", "WebSocket"})
#: words of a ``request.state`` attribute holding the identity an auth middleware found
#: (``operator``: hayhooks' ``request.state.tracing_operator``; ``admin``: fastapi-admin's
#: ``request.state.admin``). Not ``session`` (often a database session) nor ``current``.
_STATE_WORDS = (
    *("auth", "user", "token", "claim", "scope", "principal", "identity", "subject"),
    *("operator", "admin", "account", "member", "staff", "login", "logged", "credential"),
    "jwt",
)
#: FastAPI's parameter functions that read a credential, by the kind of place they read
_PARAM_KINDS = {"Header": "header", "Cookie": "cookie", "Query": "query"}
#: FastAPI's markers of a parameter filled by a dependency
DEPENDENCY_MARKERS = ("Depends", "Security")


def param_marker(index: ProjectIndex, param: Param, ctx: Ctx) -> tuple[str, Call] | None:
    """``("header" | "cookie" | "query", call)`` for a parameter declared with FastAPI's
    ``Header``, ``Cookie`` or ``Query``, as its default or in its ``Annotated``
    annotation."""
    candidates = [param.default]
    annotation = param.annotation
    if isinstance(annotation, Subscript) and annotation.items:
        candidates += annotation.items[1:]
    for expr in candidates:
        if isinstance(expr, Call) and isinstance(expr.func, Name):
            found = index.lookup(expr.func.dotted, ctx)
            if isinstance(found, External) and found.is_from("fastapi"):
                kind = _PARAM_KINDS.get(found.last)
                if kind:
                    return kind, expr
    return None


def state_check(scope: Scope, line: int, params: Sequence[Param] = ()) -> str:
    """``"request.state authenticated"`` when the rejection on ``line`` is under an ``if``
    whose test reads an identity a middleware put on the request's state
    (``request.state.user``, ``getattr(request.state, "authenticated", False)``); not the
    application's state (``request.app.state.authentication_enabled`` is a setting)."""
    bound = _identity_locals(scope, params)
    for block in scope.ifs:
        if not block.holds(line):
            continue
        for read in block.reads:
            found = _identity_read(read, params)
            if found:
                return found
        for site in scope.calls:
            if block.in_test(site.line) and (found := _getattr_state(site.call)):
                return found
        for held, found in bound:
            if tests_any(block, held):
                return found
    return ""


def _identity_locals(scope: Scope, params: Sequence[Param]) -> list[tuple[set[str], str]]:
    """The locals of ``scope`` bound to an identity on the request (``admin =
    request.state.admin``, ``user = getattr(request.state, "user", None)``), each with the
    names computed from it (``derived``) and what it reads (``request.state admin``)."""
    found: list[tuple[set[str], str]] = []
    for name, assigns in scope.assigns.items():
        for assign in assigns:
            read = _bound_identity(assign.value, params)
            if read:
                found.append((derived(scope, name), read))
                break
    return found


def _bound_identity(value: Expr | None, params: Sequence[Param]) -> str:
    """The identity on the request ``value`` reads (see ``_identity_read``,
    ``_getattr_state``), else ""."""
    if isinstance(value, Name):
        return _identity_read(value.dotted, params)
    return _getattr_state(value) if isinstance(value, Call) else ""


def _identity_read(read: str, params: Sequence[Param]) -> str:
    """``read`` as an identity on the request (``request.state authenticated``, ``conn.user``),
    else ""."""
    head, _, attr = read.rpartition(".state.")
    if head and not _app_state(head) and _identity(attr):
        return f"{head}.state {attr}"
    return f"{read.partition('.')[0]}.user" if _connection_user(read, params) else ""


def _getattr_state(call: Call) -> str:
    """``getattr(request.state, "user", None)`` with an identity's name."""
    if not (isinstance(call.func, Name) and call.func.dotted == "getattr"):
        return ""
    target, attr = call.arg(0, ""), call.arg(1, "")
    if not (isinstance(target, Name) and target.dotted.endswith(".state")):
        return ""
    if _app_state(target.dotted.removesuffix(".state")):
        return ""
    if isinstance(attr, Const) and isinstance(attr.value, str) and _identity(attr.value):
        return f"{target.dotted} {attr.value}"
    return ""


def vouched(scope: Scope, line: int) -> bool:
    """``line`` is in the body of an ``if`` (the innermost holding it) that runs only for a
    request an upstream check vouched for: its test requires an identity on the request's
    state and nothing else (``if request.state.user:``, ``elif getattr(request.state,
    "operator", False) is True:``; not ``... and request.state.user is None``, not
    ``request.state.is_public``), which a middleware or an earlier dependency sets after
    authenticating the caller. A ``return`` there lets no anonymous caller through."""
    holding = [block for block in scope.ifs if block.holds(line)]
    if not holding:
        return False
    block = max(holding, key=lambda b: b.first)
    if not block.in_body(line) or not any(map(_state_identity, block.present)):
        return False
    return all(
        read in ATTR_TESTS or any(p == read or p.startswith(read + ".") for p in block.present)
        for read in block.reads
    )


def _state_identity(name: str) -> bool:
    """``request.state.user`` (an identity's name on the request's state, not the app's), or
    ``request.scope.user`` (the ASGI scope's, where Starlette's ``AuthenticationMiddleware``
    puts the user)."""
    head, _, attr = name.rpartition(".state.")
    if not head:
        head, _, attr = name.rpartition(".scope.")
    return bool(head) and not _app_state(head) and _identity(attr)


def _app_state(owner: str) -> bool:
    """``request.app`` or ``app``: what holds the application's state, set once for every
    request (a configuration flag, not an identity)."""
    return owner.rpartition(".")[2] == "app"


def _connection_user(read: str, params: Sequence[Param]) -> bool:
    """``request.user`` (or ``.user.is_authenticated``) of one of ``params`` typed as
    Starlette's request, websocket or connection: the user Starlette's
    ``AuthenticationMiddleware`` put there (arize-phoenix's ``isinstance(conn.user, ...)``)."""
    head, _, rest = read.partition(".")
    if rest.partition(".")[0] != "user":
        return False
    return any(param.name == head and connection_param(param) for param in params)


def connection_param(param: Param) -> bool:
    """A parameter FastAPI fills with the connection (annotated ``Request``, ``WebSocket``
    or ``HTTPConnection``)."""
    annotation = param.annotation
    return isinstance(annotation, Name) and annotation.dotted.rpartition(".")[2] in _CONNECTIONS


def _identity(attr: str) -> bool:
    """A state attribute named like an identity (``authenticated``, ``user_id``, ``claims``)."""
    first = attr.partition(".")[0].lower()
    return any(word in first for word in _STATE_WORDS)


def injected(param: Param) -> bool:
    """A parameter FastAPI fills from a dependency or security scheme (``Depends`` /
    ``Security``, as its default or in ``Annotated``), also in one branch of a conditional
    default (``None if header is None else Security(header)``: lightrag's API key, a
    credential when the scheme is configured)."""
    return _marker(param) is not None


def injected_target(param: Param) -> Expr | None:
    """What ``Depends(x)`` / ``Security(x)`` of ``param`` names (``x``), or None."""
    marker = _marker(param)
    return marker.arg(0, "dependency") if marker is not None else None


def _marker(param: Param) -> Call | None:
    """The ``Depends(...)`` / ``Security(...)`` call filling ``param`` (see ``injected``)."""
    candidates = [param.default]
    if isinstance(param.default, IfExp):
        candidates += [param.default.body, param.default.orelse]
    if isinstance(param.annotation, Subscript):
        candidates += param.annotation.items[1:]
    calls = [expr for expr in candidates if isinstance(expr, Call)]
    for call in calls:
        if (
            isinstance(call.func, Name)
            and call.func.dotted.rpartition(".")[2] in DEPENDENCY_MARKERS
        ):
            return call
    return None


def own_class(method: FuncSym) -> ClassSym | None:
    """The class (defined in the scope ``method``'s context is) that ``method`` belongs to."""
    for cls in method.ctx.scopes[-1].classes.values():
        if any(info is method.info for info in cls.scope.functions.values()):
            return ClassSym(cls, method.ctx)
    return None


def attr_class(index: ProjectIndex, cls: ClassSym, attr: str) -> ClassSym | None:
    """The project class of the object ``self.<attr>`` holds in the methods of ``cls`` (or
    of a project base): the class a method's parameter it is set from is annotated with
    (``def __init__(self, app, auth_manager: AuthManager)``, then ``self.auth_manager =
    auth_manager``: a middleware given its auth manager), or the class it is built from
    (``self.auth = AuthManager()``)."""
    for klass in index.mro(cls):
        expr = klass.info.instance_attrs.get(attr)
        if isinstance(expr, Name):
            found = _annotated_class(index, klass, expr.dotted)
        elif isinstance(expr, Call):
            made = index.value(expr, klass.ctx)
            found = made.cls if isinstance(made, Instance) else None
        else:
            continue
        return found if isinstance(found, ClassSym) else None
    return None


def _annotated_class(index: ProjectIndex, klass: ClassSym, name: str) -> Symbol | None:
    """What the annotation of a parameter ``name`` of a method of ``klass`` names."""
    for method in klass.info.scope.functions.values():
        for param in method.params:
            if param.name == name and isinstance(param.annotation, Name):
                typing = klass.ctx.head(method, annotation=True)  # its class body first
                return index.lookup(param.annotation.dotted, typing)
    return None


def is_method(target: Symbol) -> bool:
    """A function whose first parameter is ``self``: called on an object, it is bound."""
    if not isinstance(target, FuncSym) or not target.info.params:
        return False
    return target.info.params[0].name == "self"


def discarded(site: CallSite, target: FuncSym, scope: Scope) -> bool:
    """``site`` calls the ``async`` project function ``target`` without ``await``, as a
    statement of its own: the coroutine is bound to no name (``task = check(key)``, awaited
    later), entered by no ``async with`` (an ``@asynccontextmanager``), returned or handed to
    another call (``asyncio.gather``): it never runs, nor the 401/403 it would raise
    (``auth_service.validate_key(key)`` in an ``async`` dependency)."""
    if not target.info.is_async or site.awaited or site.use:  # bound, entered, returned
        return False
    return not any(
        site.call in (*other.call.args, *(value for _, value in other.call.kwargs))
        for other in scope.calls
        if other is not site
    )


def may_return_none(func: FuncSym) -> bool:
    """``func`` returns ``None`` explicitly, is annotated to return an optional value, or
    returns a value on some paths and nothing (a bare ``return``, the end of its body) on
    others."""
    return _returns_none(func) or _optional(func.info.returns)


def annotated_only(func: FuncSym) -> bool:
    """``func`` may return ``None`` by its annotation alone (``-> Optional[str]``): it
    returns no ``None`` itself, and a value on every path."""
    return bool(func.info.scope.returns) and not _returns_none(func)


def _returns_none(func: FuncSym) -> bool:
    """``func`` returns ``None`` itself: explicitly, or by a bare ``return`` or the end of
    its body in a function that returns a value elsewhere."""
    scope = func.info.scope
    if any(isinstance(r, Const) and r.value is None for r in scope.returns):
        return True
    lines = zip(scope.returns, scope.return_lines, strict=False)  # () when no line is kept
    if any(_unchecked_none(scope, r, at) for r, at in lines):
        return True
    return bool(scope.returns) and bool(scope.bare_returns or func.info.falls_off)


def _unchecked_none(scope: Scope, expr: Expr, line: int) -> bool:
    """``return decode(token) if token else None`` with no ``raise`` before it: a
    conditional expression one of whose branches is ``None``, reached before any check (after
    a 401, ``return lookup(wid) if wid else None`` hands on the checked caller's value)."""
    if not isinstance(expr, IfExp) or any(at < line for _raised, at in scope.raises):
        return False
    return _none_branch(expr)


def _none_branch(expr: Expr) -> bool:
    if isinstance(expr, IfExp):
        return _none_branch(expr.body) or _none_branch(expr.orelse)
    return isinstance(expr, Const) and expr.value is None


def returns_nothing(func: FuncSym) -> bool:
    """``func`` returns no value: it is annotated ``-> None``, or every ``return`` is bare or
    ``return None`` and it is not annotated as optional (a guard, ``def verify_key(request)
    -> None``, used in ``dependencies=[...]``: its ``None`` is no missing identity handed on;
    ``return await handle_auth_error(e)`` in such a guard returns what a function that
    raises returns)."""
    if func.info.returns is not None and is_none(func.info.returns):
        return True
    returned = func.info.scope.returns
    nothing = all(isinstance(r, Const) and r.value is None for r in returned)
    return nothing and not _optional(func.info.returns)


def preflight_returns(scope: Scope) -> set[int]:
    """The lines of ``scope``'s returns under ``if request.method == "OPTIONS":``: a CORS
    preflight never reaches a route that does not serve ``OPTIONS`` (Starlette answers 405
    before any dependency runs), so such a return lets no caller of the route in."""
    tests = {c.line for c in scope.compares if c.op == "==" and _preflight(c.left, c.right)}
    blocks = [block for block in scope.ifs if block.first in tests and _method_only(block)]
    exits = (*scope.return_lines, *scope.bare_returns)
    return {line for line in exits if any(block.in_body(line) for block in blocks)}


def _method_only(block: IfBlock) -> bool:
    """The test reads the request's method alone (not ``... or request.url.path in OPEN``)."""
    return all(read.endswith(".method") for read in block.reads)


def _preflight(left: Expr, right: Expr) -> bool:
    sides = (left, right)
    method = any(isinstance(e, Name) and e.dotted.endswith(".method") for e in sides)
    return method and Const("OPTIONS") in sides


def _optional(annotation: Expr | None) -> bool:
    """``Optional[T]`` or a union with ``None`` (``T | None``)."""
    if isinstance(annotation, Subscript) and isinstance(annotation.value, Name):
        name = annotation.value.dotted.rpartition(".")[2]
        return name == "Optional" or (name == "Union" and any(map(is_none, annotation.items)))
    if isinstance(annotation, BinOp) and annotation.op == "BitOr":
        sides = (annotation.left, annotation.right)
        return any(is_none(side) or _optional(side) for side in sides)
    return False


def is_none(expr: Expr | None) -> bool:
    """``None`` written as a constant or the name."""
    return expr == Const(None) or expr == Name("None")


def bearers_of(checks: CredentialChecks, func: FuncSym) -> Bearers:
    """``Bearers`` of ``func``: the credentials it reads (``checks.reads``, and a security
    scheme's) and the rejections every caller meets where they are (its 401/403s and the
    calls of rejecting helpers nothing skips, ``check_lines``; not one in a loop, which may
    not run)."""
    reads = [*checks.reads(func), *checks.scheme_reads(func)]
    names = frozenset(read.holder for read in reads if read.holder)
    raised = checks.errors.raised_site

    def found() -> list[int]:
        return [n for n in checks.check_lines(func) if not getattr(raised(func, n), "loops", ())]

    exact = frozenset(
        p.name for p in func.info.params if p.name in names and _as_sent(checks, func, p)
    )
    return Bearers(names, found, lambda: kept_checks(checks, func, reads), exact)


def _as_sent(checks: CredentialChecks, func: FuncSym, param: Param) -> bool:
    """``param`` holds what the caller sent: its default (also that of a ``Header()``,
    ``Cookie()`` or ``Query()`` marker) is none or ``None``, or it is filled by one of
    FastAPI's security schemes; and the body never assigns it."""
    scope = func.info.scope
    bound = (scope.assigns, scope.aug_assigns, scope.rebinds)
    if any(param.name in names for names in bound):
        return False
    return _no_default(param.default, lambda scheme: _is_scheme(checks, func, scheme))


def _no_default(expr: Expr | None, scheme: Callable[[Expr], bool]) -> bool:
    """``expr``, a parameter's default, gives a caller who sends nothing no value (``scheme``
    tells whether a ``Security()`` / ``Depends()`` argument is a security scheme, which does
    not either; a project function may return a default key)."""
    if isinstance(expr, IfExp):
        return _no_default(expr.body, scheme) and _no_default(expr.orelse, scheme)
    if isinstance(expr, Call) and isinstance(expr.func, Name):
        marker = expr.func.dotted.rpartition(".")[2]
        if marker in ("Security", "Depends"):
            found = expr.arg(0, "dependency")
            return found is not None and scheme(found)
        if marker in ("Header", "Cookie", "Query"):
            return _no_default(expr.arg(0, "default"), scheme)
    return expr is None or expr == Const(None) or expr == Unknown("Ellipsis")  # ``...``: required


def _is_scheme(checks: CredentialChecks, func: FuncSym, expr: Expr) -> bool:
    """``expr`` (in ``func``'s module) is an instance of one of FastAPI's security schemes
    (``APIKeyHeader(...)``), or may be one or ``None``."""
    value = checks.index.value(expr, func.ctx)
    options = value.values if isinstance(value, OneOf) else (value,)
    return all(option is None or _scheme_instance(option) for option in options)


def _scheme_instance(value: object) -> bool:
    """``value`` is an instance of a class of ``fastapi.security``."""
    return (
        isinstance(value, Instance)
        and isinstance(value.cls, External)
        and value.cls.is_from("fastapi")
        and ".security" in value.cls.qualname
    )


def through(
    scope: Scope, line: int, held: set[str], bearers: Bearers, site: CallSite | None
) -> bool:
    """Callers whose credential was not checked (``Bearers.checked``) are let through before
    the rejection on ``line`` (raised at ``site``): a return under a test of something else
    (``exits_before``), or, before a conditional rejection, a return for a missing credential
    (``lets_missing_through``)."""
    if exits_before(scope, line, held, bearers):
        return True
    conditional = site is not None and (site.conditional or site.in_except)
    missing = CredentialRead("", 0, "")
    return conditional and lets_missing_through(scope, missing, line, held, bearers)


def exits_before(scope: Scope, line: int, held: set[str], bearers: Bearers | None = None) -> bool:
    """A ``return`` (bare or with a value) before ``line``, under an ``if`` that does not hold
    ``line`` and whose test reads none of ``held`` (``if request.url.path in OPEN: return``):
    the callers that test picks are let through before the rejection on ``line``. Not one
    only callers whose credential was checked reach (``Bearers.checked``: ``if token: if
    token not in TOKENS: raise``, then ``if not KEY_SET: return``)."""
    preflight = preflight_returns(scope)
    returns = (*scope.return_lines, *scope.bare_returns)
    exits = [e for e in unchecked(scope, returns, bearers) if e not in preflight]
    exits = [e for e in exits if not vouched(scope, e)]
    return any(
        early < line and block.holds(early) and not block.holds(line) and not tests_any(block, held)
        for early in exits
        for block in scope.ifs
    )
