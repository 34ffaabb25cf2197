"""Code that checks a credential itself: a dependency or a middleware that reads the
Authorization header, an API-key or token header, or a session cookie, and rejects the request.

A credential is read by a parameter declared with FastAPI's ``Header()`` (its ``alias``, else
the parameter's name with ``_`` as ``-``) or ``Cookie()`` (as a default or in ``Annotated``),
by ``<x>.headers.get("...")`` / ``<x>.cookies.get("...")`` (``request``, ``websocket``, a
Starlette ``Headers``, also built in place: ``Headers(scope=scope).get("...")``), or by
``<x>.headers["..."]`` bound to a name. A header is a credential when its name holds
``authorization``, ``api-key`` or ``apikey``, or ends with ``token`` or ``secret``
(``X-API-Key``, ``X-Auth-Token``); a cookie when its name holds ``token``, ``session``,
``auth``, ``jwt`` or ``api-key``. CSRF, captcha and idempotency tokens are not credentials.

What ties a rejection to the credential: it comes after the read, in an ``except`` handler of
the same function or under an ``if`` (``elif``, ``else``) whose test reads the variable holding
the credential or a value derived from it by assignment or call (``user = await
verify(token)``; ``if not user: raise ...``; ``Scope.ifs``). A rejection under an unrelated
test (``if settings.maintenance:``) is not a check. Where that is unknown (the rejection is in a
``for``/``while``/``case`` body or the ``else`` of a ``for``/``try``, under no ``if``; the read
is not held by a name) a rejection after the read still counts. A rejection under no condition
at all is a check when an ``if`` testing the credential returns before it (``if token == KEY:
return token``, then ``raise ...``). A bare ``return`` under an ``if`` testing the credential
before a conditional rejection (``if header is None: return``) lets a missing credential
through: that rejection is no check (``rejected_read``; middleware uses the same rule). A
``return`` (bare or with a value) under an ``if`` testing nothing derived from a credential,
before the rejection (``if request.url.path in OPEN: return``), lets the callers it picks
through: no check (``lets_through``). A credential handed to a project helper is read there
by the parameter it is bound to; one a project helper reads and returns, or a value made from
it, is read by the caller at the call's line, held by the name the call is bound to (``token =
get_token(request)``, ``self.auth_manager.authenticate_request(request)``;
``credflow.returned_credential``), and so is one a helper answers ``None`` without
(``credflow.none_without``: ``if not request.cookies.get(TOKEN): return None`` first); a
401/403 under an ``if`` reading the identity a middleware put on ``request.state`` is a check
(``credhelpers.state_check``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from backendkit.project.configauth import settings_param
from backendkit.project.credflow import (
    CredentialRead,
    derived,
    handed_on,
    holder_of,
    none_lines,
    none_without,
    returned_credential,
)
from backendkit.project.credhelpers import (
    annotated_only,
    attr_class,
    bearers_of,
    discarded,
    exits_before,
    injected,
    injected_target,
    is_method,
    may_return_none,
    own_class,
    param_marker,
    preflight_returns,
    returns_nothing,
    state_check,
    through,
)
from backendkit.project.credreads import get_key, is_credential, named_read, subscript_read
from backendkit.project.httperrors import HttpErrors
from backendkit.project.implicitquery import implicit_query, path_params
from backendkit.project.index import ProjectIndex
from backendkit.project.members import MethodValues
from backendkit.project.rejections import anonymous, rejected_read
from backendkit.project.schemes import scheme_name
from backendkit.project.symbols import ClassSym, Ctx, FuncSym, Instance, OneOf, Unresolved
from backendkit.project.wsmessages import message_reads
from backendkit.summary.model import Attr, Call, CallSite, Const, Expr, Name, Param

__all__ = ["CredentialChecks", "CredentialRead", "is_credential", "rejected_read"]

#: how many calls deep a dependency's credential check is followed into project helpers
_HELPER_DEPTH = 2


class CredentialChecks:
    """Finds the credential reads of a function and decides whether it checks one."""

    def __init__(
        self, index: ProjectIndex, errors: HttpErrors, members: MethodValues | None = None
    ) -> None:
        self.index = index
        self.errors = errors
        self.members = members or MethodValues(index)  # ``Depends(self.get_user)``
        #: (id of a helper's FunctionInfo, depth) -> ``_returned``
        self._returns: dict[tuple[int, int], tuple[str, bool]] = {}
        self.keeping = False  # ``credhelpers._kept_checks`` is being read

    def reads(self, func: FuncSym, depth: int = 0, filled: bool = True) -> list[CredentialRead]:
        """Every credential ``func`` reads, parameters first (unless ``filled`` is False: a
        project function calls it, so FastAPI fills none of them), then its body by line; a
        call of a project helper that reads one and returns it (``token = get_token(request)``,
        up to two calls deep) reads it at the call's line, held by the name bound to it."""
        found = self.param_reads(func, depth) if filled else []
        scope = func.info.scope
        bound: dict[int, str] = {}
        for name, assigns in scope.assigns.items():
            for assign in assigns:
                bound.setdefault(assign.line, name)
                what = subscript_read(assign.value)
                if what:
                    found.append(CredentialRead(what, assign.line, name))
        inner = func.ctx.enter(func.info)
        for site in scope.calls:
            what, when_none = self._get_read(site.call, inner), False
            if not what:
                what, when_none = self._returned_by(site, func, depth)
            if what:
                holder = holder_of(site.use, site.call, bound.get(site.line))
                found.append(CredentialRead(what, site.line, holder, when_none))
        return sorted([*found, *message_reads(scope)], key=lambda read: read.line)

    def param_reads(self, func: FuncSym, depth: int = 0) -> list[CredentialRead]:
        """The credentials ``func``'s parameters read (``Header()``, ``Cookie()``, ``Query()``,
        a project dependency returning one), in order."""
        head = func.head()  # where the parameters' defaults are read: a method's class body
        found = [
            r
            for p in func.info.params
            if (r := self._param_read(p, head) or self._injected_read(p, head, depth))
        ]
        return found + self._implicit_reads(func, {read.holder for read in found})

    def _implicit_reads(self, func: FuncSym, taken: set[str]) -> list[CredentialRead]:
        """``token: str``: the query parameters without ``Query()`` that carry a credential,
        of a function FastAPI calls (``implicitquery.py``), not already read (``taken``)."""
        params = [p for p in func.info.params if p.name not in taken and implicit_query(p)]
        if not params or not self.index.fastapi_called(func.info.name):
            return []  # the common case, before the route's path is read
        path = path_params(func.info)
        return [
            CredentialRead(f"query {p.name.lower()}", 0, p.name)
            for p in params
            if p.name not in path
        ]

    def _get_read(self, call: Call, ctx: Ctx) -> str:
        """``get_read``, also where the key is a name holding a credential's name (``for
        header in ("X-API-Key", "X-Legacy-Key"): request.headers.get(header)``, a constant):
        the first of the values it may hold, when each of them is a credential's name."""
        kind, key = get_key(call)
        if not kind or not isinstance(key, Name):
            return named_read(kind, key)
        value = self.index.value(key, ctx)
        options = value.values if isinstance(value, OneOf) else (value,)
        found = [named_read(kind, Const(o)) if isinstance(o, str) else "" for o in options]
        return found[0] if all(found) else ""  # a name among others is not always read

    def _returned_by(self, site: CallSite, caller: FuncSym, depth: int) -> tuple[str, bool]:
        """``_returned`` of the project function ``site`` calls (an ``async`` one called
        without ``await`` returns a coroutine: neither the credential nor ``None``)."""
        if depth >= _HELPER_DEPTH:
            return "", False
        target, _ = self._callee(site.call.func, caller.ctx.enter(caller.info), caller)
        if (
            target is None
            or target.info is caller.info
            or (target.info.is_async and not site.awaited)
        ):
            return "", False
        return self._returned(target, depth + 1)

    def _returned(self, func: FuncSym, depth: int) -> tuple[str, bool]:
        """The credential ``func`` (a helper or dependency ``depth`` calls deep) reads and
        returns, or a value made from one (``returned_credential``), or else answers ``None``
        without (``none_without``: True then), or ("", False)."""
        key = (id(func.info), depth)
        if key not in self._returns:
            self._returns[key] = ("", False)  # a function calling itself back returns nothing
            reads = [*self.reads(func, depth), *self.scheme_reads(func)]
            scope = func.info.scope
            what = returned_credential(scope, reads)
            none = "" if what else none_without(scope, reads)
            self._returns[key] = (what or none, bool(none))
        return self._returns[key]

    def dependency_check(
        self, func: FuncSym, depth: int = 0, passed: Sequence[CredentialRead] = ()
    ) -> str:
        """What credential the dependency ``func`` checks ("" for none): it reads one (or is
        handed one: ``passed``, its parameters given a credential by the caller) and, on a
        later line of its own body, raises a 401/403 in an ``except`` handler or under an
        ``if`` testing the credential (``_rejects_for``), or under an ``if`` testing the
        identity a middleware put on ``request.state`` (``state_check``); or it calls a
        project function that does so (up to two calls deep: litellm's
        ``user_api_key_auth_websocket`` hands the websocket on; a method of the object a
        project factory returns, ``get_auth_service().check(key)``, counts), handing it the
        credential or not, where nothing can skip or catch the call (no ``if``, loop, ``try``
        or ``except`` around it); nothing lets a caller through before that rejection
        (``lets_through``); and it never hands a missing credential on as ``None`` (no
        ``return None``, no ``Optional`` / ``| None`` return annotation, no bare ``return``
        or end of the body reached in a function that returns a value elsewhere): that is an
        optional user, not authentication. A helper (``depth`` > 0) whose ``None`` comes only
        after its first 401/403 (arize-phoenix's ``authenticated_claims``: ``None`` for its
        system user, once anonymous callers are rejected) still checks: the caller decides
        what reaches the route. So does a guard that returns no value at all
        (``returns_nothing``: ``-> None``), whose ``None`` is no identity: only a ``return``
        before its check (its own 401, or the call that checks) lets callers through, whatever
        it returns (``if token is None: return await audit(request)``)."""
        guard = depth == 0 and returns_nothing(func)
        # an identity that may be None: an optional user (but an ``Optional`` annotation with
        # no ``None`` returned is read as a helper's: ``None`` is no caller's before the 401)
        optional = depth == 0 and not guard and not annotated_only(func)
        if may_return_none(func) and (optional or self._none_first(func, guard)):
            return ""
        reads = self.reads(func, filled=depth == 0)  # a helper's parameters: what it is passed
        reads = sorted([*passed, *reads], key=lambda read: read.line)
        found = self._own_check(func, reads)
        if found or depth >= _HELPER_DEPTH:
            return found
        return self._checked_by_callee(func, depth, reads, guard)

    def _checked_by_callee(
        self, func: FuncSym, depth: int, reads: Sequence[CredentialRead], guard: bool
    ) -> str:
        """What a project function ``func`` always calls checks (see ``dependency_check``),
        when nothing lets callers through before the call (for a ``guard``, no ``None``
        returned before it either)."""
        held = self.credential_names(func, reads)
        nones = self._guard_exits(func) if guard else []
        for site, callee, bound in self.unconditional_callees(func):
            if exits_before(func.info.scope, site.line, held):
                continue
            if any(line < site.line for line in nones):
                continue  # the guard returns before it calls the check
            given = handed_on(func.info.scope, reads, site.call, callee, bound)
            found = self.dependency_check(callee, depth + 1, given)
            if found:
                return found
        return ""

    def _none_first(self, func: FuncSym, guard: bool = False) -> bool:
        """``func`` may return ``None`` before its first 401/403 (or has none of its own;
        for a ``guard``, the calls it checks through are looked at instead)."""
        raised = self.errors.rejection_lines(func)
        if not raised:
            return not guard
        exits = self._guard_exits(func) if guard else none_lines(func.info.scope)
        return any(line < min(raised) for line in exits)

    def _guard_exits(self, func: FuncSym) -> list[int]:
        """The lines where a guard (``-> None``) returns unchecked: a bare ``return``, or one
        whose value is not the result of a project function that rejects (``return await
        verify_bearer(token)`` checks; ``return await audit(request)`` lets the caller in);
        not a return for a CORS preflight (``preflight_returns``)."""
        scope = func.info.scope
        preflight = preflight_returns(scope)
        returned = {site.line: site for site in scope.calls if site.use == "return"}
        exits = [*scope.bare_returns, *scope.return_lines]
        return [
            line
            for line in exits
            if line not in preflight and not self._returns_check(func, returned.get(line))
        ]

    def _returns_check(self, func: FuncSym, site: CallSite | None) -> bool:
        """``site`` (a returned call) runs a project function that checks a credential, the
        guard's own handed on or one it reads (``dependency_check``): ``verify_optional(token)``,
        which returns ``None`` for a missing token or rejects only one that is there, lets the
        caller in."""
        if site is None:
            return False
        target, bound = self._callee(site.call.func, func.ctx.enter(func.info), func)
        if target is None:
            return False
        given = handed_on(func.info.scope, self.reads(func), site.call, target, bound)
        return bool(self.dependency_check(target, 1, given))

    def helper_rejects(self, func: FuncSym, depth: int = 0) -> bool:
        """``func`` raises a 401/403 itself or in a project function it always calls (a
        name, or a method of the object a project factory returns), up to two calls deep."""
        if self.errors.rejection_lines(func):
            return True
        if depth >= _HELPER_DEPTH:
            return False
        callees = self.unconditional_callees(func)
        return any(self.helper_rejects(callee, depth + 1) for _, callee, _ in callees)

    def lets_through(self, func: FuncSym) -> bool:
        """``func`` returns (a bare ``return`` or a value) under an ``if`` that tests nothing
        derived from a credential (``if request.url.path in WHITELIST: return``, ``if
        settings.auth_disabled: return user``) before its first 401/403: the callers that
        test lets through are never checked, whatever checks the others get; or a bare
        ``return`` under an ``if`` testing the credential comes before a conditional first
        401/403 (``if key is None: return``, then ``if key != KEY: raise``): a missing
        credential is let through (``rejected_read`` says so of the check). The first of
        these before the first an anonymous caller meets too (``anonymous``)."""
        lines = self.errors.rejection_lines(func)
        if not lines:
            return False
        bearers, scope, first = bearers_of(self, func), func.info.scope, min(lines)
        held = self.credential_names(func, self.reads(func))
        if through(scope, first, held, bearers, self.errors.raised_site(func, first)):
            return True
        met = min(anonymous(scope, lines, bearers))
        return met != first and through(
            scope, met, held, bearers, self.errors.raised_site(func, met)
        )

    def check_lines(self, func: FuncSym) -> list[int]:
        """The lines of ``func``'s own 401/403s, and of its calls of project functions that
        reject (``helper_rejects``) where nothing skips or swallows them."""
        lines = list(self.errors.rejection_lines(func))
        callees = self.unconditional_callees(func)
        return lines + [site.line for site, callee, _ in callees if self.helper_rejects(callee, 1)]

    def credential_names(self, func: FuncSym, reads: Sequence[CredentialRead]) -> set[str]:
        """The names of ``func`` that hold a credential or a value derived from one: the
        holders of ``reads``, the parameters a dependency or security scheme fills
        (``token: str = Security(oauth2_scheme)``), and what is computed from them."""
        scope = func.info.scope
        held: set[str] = set()
        roots = [read.holder for read in reads if read.holder]
        roots += [p.name for p in func.info.params if injected(p) and not self._settings(p, func)]
        for root in roots:
            held |= derived(scope, root)
        return held

    def unconditional_callees(
        self,
        func: FuncSym,
        depth: int = 0,
        wanted: Callable[[Call], bool] | None = None,
        skipped: Callable[[CallSite], bool] | None = None,
    ) -> Iterator[tuple[CallSite, FuncSym, bool]]:
        """The project functions ``func`` calls where nothing skips the call (``skipped``; by
        default: under a condition, in a loop, a handler or a lambda) or swallows the 401/403
        it lets out (a ``try`` around it may catch other errors: ``except ValueError``), with
        whether the call binds ``self`` (a method called on an object); only at the calls
        ``wanted`` accepts, when given (checked before the callee is resolved, which may
        evaluate much of the project)."""
        inner = func.ctx.enter(func.info)
        scope = func.info.scope
        skipped = skipped or _skipped
        for site in scope.calls:
            if skipped(site) or (wanted is not None and not wanted(site.call)):
                continue
            target, bound = self._callee(site.call.func, inner, func)
            if not _runs_other(site, target, func):
                continue
            if not scope.in_try(site.line) or self._escapes(func, site.line, target, depth):
                yield site, target, bound

    def _escapes(self, func: FuncSym, line: int, callee: FuncSym, depth: int) -> bool:
        """Some 401/403 that ``callee``, called on ``line`` in a ``try`` of ``func``, lets out
        (itself, or a project function it always calls) gets past that ``try``."""
        errors = OneOf(self._let_out(callee, depth + 1))
        catches = self.errors.catches
        if not errors.values or catches.swallowed(func, line, errors):
            return False
        return not catches.passed_on(func, line, errors)  # not known: the call may be skipped

    def _let_out(self, func: FuncSym, depth: int) -> tuple[object, ...]:
        """The 401/403 errors ``func`` lets out, its own and those of the project functions
        it always calls (up to ``_HELPER_DEPTH`` calls deep)."""
        found = [error for _at, error in self.errors.escaping_errors(func)]
        if depth < _HELPER_DEPTH:
            for _site, callee, _bound in self.unconditional_callees(func, depth):
                found += self._let_out(callee, depth + 1)
        return tuple(found)

    def _callee(self, callee: Expr, ctx: Ctx, caller: FuncSym) -> tuple[FuncSym | None, bool]:
        """The project function a call runs, and whether it binds ``self``: a name
        (``check(key)``, ``svc.check(key)``, ``self._impl(key)`` in a method) or a method of
        the object a call returns (``get_auth_service().check(key)``); the ``__call__`` of a
        project object called (``check = KeyChecker(key); await check(request)``, lnbits)."""
        if isinstance(callee, Attr) and isinstance(callee.value, Call):
            return self._method(self._made(callee.value, ctx), callee.attr)
        if isinstance(callee, Call):
            return self._method(self._made(callee, ctx), "__call__")
        if not isinstance(callee, Name):
            return None, False
        head, _, attr = callee.dotted.partition(".")
        if head == "self" and attr.count(".") <= 1:
            found = self._self_method(attr, caller)
            if found[0] is not None:
                return found
        return self._named(callee, ctx, bool(attr))

    def _named(self, callee: Name, ctx: Ctx, dotted: bool) -> tuple[FuncSym | None, bool]:
        """The project function a name calls (bound when a method of an object: ``dotted``),
        or the ``__call__`` of the project object a plain name holds."""
        target = self.index.lookup(callee.dotted, ctx)
        if isinstance(target, FuncSym):
            return target, dotted and is_method(target)
        if dotted:
            return None, False
        call, bound = self._method(self._made(callee, ctx), "__call__")
        if call is None or self.lets_through(call):  # ``if not self.key: return None`` first
            return None, False
        return call, bound

    def _made(self, expr: Expr, ctx: Ctx) -> ClassSym | None:
        """The project class of the object ``expr`` makes or holds, if known."""
        made = self.index.value(expr, ctx)
        return made.cls if isinstance(made, Instance) and isinstance(made.cls, ClassSym) else None

    def _self_method(self, attr: str, caller: FuncSym) -> tuple[FuncSym | None, bool]:
        """``self.<attr>`` in a method (``caller``): a method of its class, or (``attr``
        dotted) a method of the project object an attribute holds
        (``self.auth_manager.authenticate_request``: ``attr_class``)."""
        owner = own_class(caller)
        field, _, method = attr.rpartition(".")
        if field and owner is not None:
            owner = attr_class(self.index, owner, field)
        return self._method(owner, method)

    def _method(self, cls: object, attr: str) -> tuple[FuncSym | None, bool]:
        """The method ``attr`` of the project class ``cls`` (bound), or nothing."""
        target = self.index.class_member(cls, attr) if isinstance(cls, ClassSym) else None
        return (target, True) if isinstance(target, FuncSym) else (None, False)

    def _own_check(self, func: FuncSym, reads: Sequence[CredentialRead]) -> str:
        """The credential ``func`` reads (or is handed) and rejects without, in its own body
        (""); the identity on ``request.state`` it rejects without (``state_check``)."""
        scope = func.info.scope
        held = self.credential_names(func, reads)
        for line in self.errors.rejection_lines(func):
            if exits_before(scope, line, held):
                continue
            site = self.errors.raised_site(func, line)
            found = None if site is None else rejected_read(scope, reads, line, site)
            if found is not None:
                return found.what
            state = state_check(scope, line, func.info.params)
            if state:
                return state
        return ""

    def _param_read(self, param: Param, ctx: Ctx) -> CredentialRead | None:
        """A ``Header()`` / ``Cookie()`` / ``Query()`` parameter with a credential's name."""
        marker = param_marker(self.index, param, ctx)
        if marker is None:
            return None
        kind, call = marker
        alias = call.kwarg("alias")
        if isinstance(alias, Const) and isinstance(alias.value, str):
            name = alias.value
        else:
            name = param.name.replace("_", "-") if kind == "header" else param.name
        if not is_credential(kind, name):
            return None
        return CredentialRead(f"{kind} {name.lower()}", 0, param.name)

    def _injected_read(self, param: Param, ctx: Ctx, depth: int) -> CredentialRead | None:
        """A parameter filled by a project dependency that returns a credential it reads or a
        value made from one (an optional user: ``SESSIONS.get(request.cookies.get("token"))``,
        gradio's ``get_current_user``), read before the body runs."""
        dependency = injected_target(param)
        if depth >= _HELPER_DEPTH or not isinstance(dependency, Name):
            return None
        target = self.index.lookup(dependency.dotted, ctx)
        if isinstance(target, Unresolved):  # ``self.get_user`` in a method (or its closure)
            target = self.members.value(dependency, ctx)
        if not isinstance(target, FuncSym):
            return None
        what, when_none = self._returned(target, depth + 1)
        return CredentialRead(what, 0, param.name, when_none) if what else None

    def _settings(self, param: Param, func: FuncSym) -> bool:
        """``param`` of ``func`` holds the settings, not a credential (``settings_param``)."""
        return settings_param(self.index, param, func.head())

    def scheme_reads(self, func: FuncSym) -> Iterator[CredentialRead]:
        """The parameters of ``func`` a security scheme fills (``token: str | None =
        Depends(oauth2_scheme)``), as reads of the credentials the scheme takes."""
        head = func.head()
        for param in func.info.params:
            target = injected_target(param)
            found = self.index.value(target, head) if target is not None else None
            name = scheme_name(self.index, found.cls) if isinstance(found, Instance) else None
            if name:
                yield CredentialRead(f"{name} credentials", 0, param.name)


def _skipped(site: CallSite) -> bool:
    """A call that may not run (under a condition, in a loop, a handler or a lambda)."""
    return site.conditional or site.in_except or bool(site.lambdas)


def _runs_other(site: CallSite, target: FuncSym | None, func: FuncSym) -> bool:
    """``site`` of ``func`` runs the project function ``target``, another one (not a
    recursive call, not a coroutine never awaited: ``discarded``)."""
    if target is None or target.info is func.info:
        return False
    return not discarded(site, target, func.info.scope)
