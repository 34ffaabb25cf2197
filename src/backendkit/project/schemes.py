"""Whether a ``fastapi.security`` scheme instance rejects anonymous callers.

A scheme rejects them (raises 401/403) unless it has ``auto_error=False``, in the call (by
keyword, or by position, bound to each project subclass's ``__init__`` in turn) or through a
project subclass (``super().__init__(auto_error=False)``, an ``auto_error`` parameter
defaulting to ``False``, ``self.auto_error = False``); an ``auto_error`` the analysis cannot
tell is not rejecting. A project subclass's ``__call__`` that never calls ``super().__call__``
replaces the check: the scheme does not reject by itself (its own raises are read as a
dependency's). One that calls ``super().__call__(...)`` inside a ``try`` whose first handler
that catches the scheme's ``HTTPException`` (``except HTTPException``, ``Exception``,
``BaseException``, a bare ``except:``, a tuple holding one of them; FastAPI's ``HTTPException``
does not catch the Starlette one the API-key schemes raise) holds no ``raise`` and hands the
error to no call swallows it (``caught.py``): the error becomes a return value, as
``auto_error=False`` makes it ``None``.
"""

from __future__ import annotations

from backendkit.project.caught import FASTAPI_ERROR, HTTP_ERROR, Catches
from backendkit.project.index import ProjectIndex
from backendkit.project.initargs import (
    Args,
    Bound,
    bind_params,
    init_call_skip,
    substitute_args,
)
from backendkit.project.symbols import (
    ClassSym,
    External,
    FuncSym,
    Instance,
)
from backendkit.summary.model import (
    Attr,
    Call,
    Const,
    FunctionInfo,
    Name,
    Unknown,
)

SECURITY_SCHEMES = frozenset(
    {
        "OAuth2PasswordBearer",
        "OAuth2AuthorizationCodeBearer",
        "OAuth2",
        "OpenIdConnect",
        "HTTPBearer",
        "HTTPBasic",
        "HTTPDigest",
        "HTTPBase",
        "APIKeyHeader",
        "APIKeyQuery",
        "APIKeyCookie",
        "SecurityBase",
    }
)
#: the schemes whose ``__call__`` raises FastAPI's ``HTTPException`` (the API-key and OpenID
#: Connect schemes raise Starlette's, which ``except fastapi.HTTPException`` does not catch)
_FASTAPI_RAISES = frozenset(
    {"HTTPBearer", "HTTPBasic", "HTTPDigest", "HTTPBase", "OAuth2"}
    | {"OAuth2PasswordBearer", "OAuth2AuthorizationCodeBearer"}
)
#: where FastAPI's classes that take ``auto_error`` positionally have it (after ``self``)
_POSITION = {"OAuth2PasswordBearer": 4, "OAuth2AuthorizationCodeBearer": 6}


class SchemeCheck:
    """Names a scheme class and decides whether its instances reject anonymous callers."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self.catches = Catches(index)

    def scheme_name(self, cls: ClassSym | External) -> str | None:
        """The ``fastapi.security`` class ``cls`` is or derives from, if any."""
        return scheme_name(self.index, cls)

    def rejects_anonymous(self, inst: Instance) -> bool:
        """The scheme raises for a request without credentials: ``auto_error`` is surely on
        and no ``__call__`` of the project replaces the check or turns the error of
        ``super().__call__`` into a value."""
        return self._auto_error(inst) and not self._swallows(inst.cls)

    def _auto_error(self, inst: Instance) -> bool:
        """``auto_error`` as the call passes it (by keyword or position) through the
        ``__init__`` of each project subclass to FastAPI's class, else what a subclass sets
        (``self.auto_error = False``), else FastAPI's True. A value the analysis cannot tell
        (a setting read at run time, several possibilities) is not rejecting."""
        args = Args.of(inst.call, inst.ctx)
        if isinstance(inst.cls, ClassSym):
            for klass in self.index.mro(inst.cls):
                assigned = klass.info.instance_attrs.get("auto_error")
                if isinstance(assigned, Const) and isinstance(assigned.value, bool):
                    return assigned.value
                init = klass.info.scope.functions.get("__init__")
                if init is None:
                    continue
                found = self._through_init(FuncSym(init, klass.ctx), args)
                if isinstance(found, bool):
                    return found
                args = found
            bases = self.index.external_bases(inst.cls)
            position = next((_POSITION.get(base.last) for base in bases), None)
        else:
            position = _POSITION.get(inst.cls.last)
        if position is None:
            passed = args.keywords.get("auto_error")
        else:
            passed = args.get(position, "auto_error")
        return passed is None or self._true(passed)

    def _through_init(self, init: FuncSym, args: Args) -> Args | bool:
        """What ``init``, called with ``args``, makes of ``auto_error``: the value of its
        ``auto_error`` parameter, else the arguments it passes to the next ``__init__``
        (``super().__init__(...)``), else True when it passes none on (the base is built
        with its defaults)."""
        bound = bind_params(init, args)
        if any(p.name == "auto_error" for p in init.info.params):
            passed = bound.get("auto_error")
            return passed is not None and self._true(passed)
        inner = init.ctx.enter(init.info)
        for site in init.info.scope.calls:
            skip = init_call_skip(site)
            if skip is not None:
                passed = substitute_args(Args.of(site.call, inner, skip), bound)
                return _with_spread(passed, site.call, init, args)
        return True

    def _true(self, passed: Bound) -> bool:
        """The argument surely evaluates to True."""
        return self.index.value(*passed) is True

    def _swallows(self, cls: ClassSym | External) -> bool:
        """The ``__call__`` overrides along the project bases of ``cls``, most derived first:
        one that never calls ``super().__call__`` replaces the check (the scheme does not
        reject by itself; its own raises are read as a dependency's); one that swallows the
        error of ``super().__call__`` decides; one that calls it unprotected leaves it to the
        next."""
        if not isinstance(cls, ClassSym):
            return False
        raised = FASTAPI_ERROR if self.scheme_name(cls) in _FASTAPI_RAISES else HTTP_ERROR
        for klass in self.index.mro(cls):
            info = klass.info.scope.functions.get("__call__")
            if info is None:
                continue
            func = FuncSym(info, klass.ctx)
            sites = [site for site in info.scope.calls if _is_super_call(site.call)]
            if not _calls_super(info) or any(
                self.catches.swallowed(func, site.line, raised) for site in sites
            ):
                return True
        return False


def scheme_name(index: ProjectIndex, cls: ClassSym | External) -> str | None:
    """The ``fastapi.security`` class ``cls`` is or derives from, if any."""
    bases = [cls] if isinstance(cls, External) else index.external_bases(cls)
    for base in bases:
        if base.is_from("fastapi", "starlette") and base.last in SECURITY_SCHEMES:
            return base.last
    return None


def _with_spread(passed: Args, call: Call, init: FuncSym, args: Args) -> Args:
    """``passed`` with the keywords the caller gave ``init`` that its ``**kwargs`` collects,
    when the call spreads them on (``super().__init__(**kwargs)``)."""
    params = init.info.params
    if not any(p.kind == "kwarg" for p in params):
        return passed
    if not any(isinstance(arg, Unknown) and arg.kind == "Starred" for arg in call.args):
        return passed
    named = {p.name for p in params}
    spread = {key: item for key, item in args.keywords.items() if key not in named}
    return Args(passed.positional, {**spread, **passed.keywords})


def _calls_super(info: FunctionInfo) -> bool:
    """``info`` calls ``super().__call__``, itself or in a function nested in it."""
    scope = info.scope
    if any(_is_super_call(site.call) for site in scope.calls):
        return True
    return any(_calls_super(inner) for inner in scope.functions.values())


def _is_super_call(call: Call) -> bool:
    """``super().__call__(...)`` (``super(Cls, self)`` too)."""
    func = call.func
    return (
        isinstance(func, Attr)
        and func.attr == "__call__"
        and isinstance(func.value, Call)
        and func.value.func == Name("super")
    )
