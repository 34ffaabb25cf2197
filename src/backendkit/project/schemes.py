"""Whether a ``fastapi.security`` scheme instance rejects anonymous callers.

A scheme rejects them (raises 401/403) unless it has ``auto_error=False``, in the call or
through a project subclass (``super().__init__(auto_error=False)``, an ``auto_error``
parameter defaulting to ``False``, ``self.auto_error = False``), or a project subclass's
``__call__`` calls ``super().__call__(...)`` inside a ``try`` whose first handler that catches
the scheme's ``HTTPException`` (``except HTTPException``, ``Exception``, ``BaseException``, a
bare ``except:``, a tuple holding one of them) holds no ``raise``: the error becomes a return
value, as ``auto_error=False`` makes it ``None``.
"""

from __future__ import annotations

from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import (
    ClassSym,
    Ctx,
    External,
    FuncSym,
    Instance,
    Unresolved,
    VarSym,
)
from backendkit.summary.model import Attr, Call, CallSite, Const, Expr, Name, Seq

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
#: the builtins an ``except`` catches every exception by
_CATCH_ALL = frozenset({"Exception", "BaseException"})
#: how many names bound to names an ``except`` target is followed through
_DEPTH = 5


class SchemeCheck:
    """Names a scheme class and decides whether its instances reject anonymous callers."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index

    def scheme_name(self, cls: ClassSym | External) -> str | None:
        """The ``fastapi.security`` class ``cls`` is or derives from, if any."""
        bases = [cls] if isinstance(cls, External) else self.index.external_bases(cls)
        for base in bases:
            if base.is_from("fastapi", "starlette") and base.last in SECURITY_SCHEMES:
                return base.last
        return None

    def rejects_anonymous(self, inst: Instance) -> bool:
        """The scheme raises for a request without credentials: ``auto_error`` is on and no
        ``__call__`` of the project turns the error of ``super().__call__`` into a value."""
        return self._auto_error(inst) and not self._swallows(inst.cls)

    def _auto_error(self, inst: Instance) -> bool:
        """``auto_error=`` in the call, else what the project subclasses make of it, else
        FastAPI's True."""
        given = inst.call.kwarg("auto_error")
        if given is not None:
            return self.index.value(given, inst.ctx) is not False
        if isinstance(inst.cls, ClassSym):
            for klass in self.index.mro(inst.cls):
                found = self._class_auto_error(klass)
                if found is not None:
                    return found
        return True

    def _class_auto_error(self, klass: ClassSym) -> bool | None:
        """What ``klass`` itself makes of ``auto_error``: ``self.auto_error = False``, or what
        its ``__init__`` does with it; None when it says nothing."""
        assigned = klass.info.instance_attrs.get("auto_error")
        if isinstance(assigned, Const) and isinstance(assigned.value, bool):
            return assigned.value
        init = klass.info.scope.functions.get("__init__")
        return None if init is None else self._init_auto_error(FuncSym(init, klass.ctx))

    def _init_auto_error(self, init: FuncSym) -> bool | None:
        """The default of an ``auto_error`` parameter of ``init`` (without one the caller
        passes it positionally: unseen), or the value ``init`` passes to
        ``super().__init__(auto_error=...)``; None when it says nothing of it."""
        param = next((p for p in init.info.params if p.name == "auto_error"), None)
        if param is not None:
            return param.default is None or self.index.value(param.default, init.ctx) is not False
        inner = init.ctx.enter(init.info)
        for site in init.info.scope.calls:
            passed = site.call.kwarg("auto_error")
            if passed is not None and getattr(site.call.func, "attr", "") == "__init__":
                return self.index.value(passed, inner) is not False
        return None

    def _swallows(self, cls: ClassSym | External) -> bool:
        """The ``__call__`` overrides along the project bases of ``cls``, most derived first:
        one that swallows the error of ``super().__call__`` decides; one that calls it
        unprotected leaves it to the next; one that never calls it replaces the check (its
        own raises are read as a dependency's)."""
        if not isinstance(cls, ClassSym):
            return False
        for klass in self.index.mro(cls):
            info = klass.info.scope.functions.get("__call__")
            if info is None:
                continue
            func = FuncSym(info, klass.ctx)
            sites = [site for site in info.scope.calls if _is_super_call(site.call)]
            if any(self._protected(site, func) for site in sites):
                return True
            if not sites:
                return False
        return False

    def _protected(self, site: CallSite, func: FuncSym) -> bool:
        """A ``try`` of ``func`` around ``site`` whose first handler catching an
        ``HTTPException`` holds no ``raise`` (an inner ``try`` that re-raises leaves the error
        to the outer ones)."""
        inner = func.ctx.enter(func.info)
        for block in func.info.scope.tries:
            if not block.first <= site.line < block.end:
                continue
            handler = next((h for h in block.handlers if self._catches(h.caught, inner)), None)
            if handler is not None and not handler.raises:
                return True
        return False

    def _catches(self, caught: Expr | None, ctx: Ctx, depth: int = 0) -> bool:
        """An ``except`` naming ``caught`` (None: bare) catches a scheme's ``HTTPException``:
        FastAPI's or Starlette's, ``Exception``, ``BaseException``, or a tuple holding one
        (written in place or bound to a name)."""
        if caught is None:
            return True
        if isinstance(caught, Seq):
            return any(self._catches(item, ctx, depth) for item in caught.items)
        if isinstance(caught, Name):
            return self._name_catches(caught, ctx, depth)
        found = self.index.value(caught, ctx)
        return isinstance(found, External) and _is_http_error(found)

    def _name_catches(self, caught: Name, ctx: Ctx, depth: int) -> bool:
        """``_catches`` for a name: a class, or a variable holding a tuple of them."""
        symbol = self.index.lookup(caught.dotted, ctx)
        if isinstance(symbol, VarSym) and symbol.assign.value is not None and depth < _DEPTH:
            return self._catches(symbol.assign.value, symbol.ctx, depth + 1)
        if isinstance(symbol, Unresolved):  # a builtin the index does not name
            return caught.dotted in _CATCH_ALL
        return isinstance(symbol, External) and _is_http_error(symbol)


def _is_http_error(cls: External) -> bool:
    """FastAPI's or Starlette's ``HTTPException``, or a class every exception derives from."""
    if cls.qualname.removeprefix("builtins.") in _CATCH_ALL:
        return True
    return cls.last == "HTTPException" and cls.is_from("fastapi", "starlette")


def _is_super_call(call: Call) -> bool:
    """``super().__call__(...)`` (``super(Cls, self)`` too)."""
    func = call.func
    return (
        isinstance(func, Attr)
        and func.attr == "__call__"
        and isinstance(func.value, Call)
        and func.value.func == Name("super")
    )
