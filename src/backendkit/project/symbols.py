"""Symbols the project index resolves names to, and static values the evaluator computes."""

from __future__ import annotations

from dataclasses import dataclass, field

from backendkit.summary.model import (
    Assign,
    Call,
    ClassInfo,
    FunctionInfo,
    ModuleSummary,
    Scope,
)


@dataclass(frozen=True)
class Ctx:
    """Where an expression is evaluated: a module and the chain of enclosing function scopes."""

    module: ModuleSummary
    scopes: tuple[Scope, ...]
    prefixes: tuple[str, ...] = ("",)  # qualname prefix per scope ("", "create_app.")
    owners: tuple[FunctionInfo | None, ...] = (None,)  # the function of each scope

    @property
    def prefix(self) -> str:
        """Qualname prefix of names bound in the innermost scope."""
        return self.prefixes[-1]

    def enter(self, func: FunctionInfo) -> Ctx:
        """The context of ``func``'s body."""
        return Ctx(
            self.module,
            (*self.scopes, func.scope),
            (*self.prefixes, f"{func.qualname}."),
            (*self.owners, func),
        )

    def enter_class(self, cls: ClassInfo) -> Ctx:
        """The context of ``cls``'s body: its own names first, then the enclosing scopes.
        Methods are entered from the enclosing context, not from this one (a class body is not
        a scope of the functions defined in it)."""
        return Ctx(
            self.module,
            (*self.scopes, cls.scope),
            (*self.prefixes, f"{cls.qualname}."),
            (*self.owners, None),
        )

    def head(self, func: FunctionInfo, annotation: bool = False) -> Ctx:
        """Where the ``def`` of ``func`` (defined in this context) evaluates its decorators and
        parameter defaults (``annotation``: its annotations): this context, or for a method the
        body of its class, whose names come first there (not in the method's body). A class
        body skips the classes around it, as Python does: a nested class's method sees its own
        class's names, then this context's. Annotations are strings in a module with ``from
        __future__ import annotations``, evaluated later in the module's names (FastAPI's
        ``get_typed_signature``), never the class's."""
        if len(func.qualname) == len(self.prefix) + len(func.name):
            return self  # not a method: the common case, one comparison
        if annotation and postponed(self.module):
            return self
        cls = self.class_of(func)
        return self if cls is None else self.enter_class(cls)

    def class_of(self, func: FunctionInfo) -> ClassInfo | None:
        """The class ``func`` (defined in this context) is a method of, nested classes too,
        found from its qualname in the innermost scope; None for a function."""
        if not func.qualname.startswith(self.prefix):
            return None
        *owners, _name = func.qualname[len(self.prefix) :].split(".")
        scope, found = self.scopes[-1], None
        for owner in owners:
            found = scope.classes.get(owner)
            if found is None:
                return None
            scope = found.scope
        return found

    def outer(self) -> Ctx:
        """The context the innermost scope is defined in (itself for a module's)."""
        if len(self.scopes) == 1:
            return self
        return Ctx(self.module, self.scopes[:-1], self.prefixes[:-1], self.owners[:-1])

    def truncate(self, scope: Scope) -> Ctx:
        """The enclosing context whose innermost scope is ``scope``."""
        for index, candidate in enumerate(self.scopes):
            if candidate is scope:
                end = index + 1
                return Ctx(self.module, self.scopes[:end], self.prefixes[:end], self.owners[:end])
        return self


@dataclass(frozen=True)
class ModuleSym:
    """A module of the project."""

    module: str


@dataclass(frozen=True)
class FuncSym:
    """A function or method of the project, with the context it was defined in."""

    info: FunctionInfo
    ctx: Ctx = field(compare=False)

    @property
    def qualname(self) -> str:
        """``pkg.mod:outer.inner`` form."""
        return f"{self.ctx.module.module}:{self.info.qualname}"

    def head(self, annotation: bool = False) -> Ctx:
        """Where its ``def`` evaluates decorators and defaults, or annotations (``Ctx.head``:
        a method's class body first)."""
        return self.ctx.head(self.info, annotation)


@dataclass(frozen=True)
class ClassSym:
    """A class of the project."""

    info: ClassInfo
    ctx: Ctx = field(compare=False)

    @property
    def qualname(self) -> str:
        """``pkg.mod:Class`` form."""
        return f"{self.ctx.module.module}:{self.info.qualname}"


@dataclass(frozen=True)
class VarSym:
    """A variable bound by assignment in a module or function scope."""

    name: str
    assign: Assign
    ctx: Ctx = field(compare=False)

    @property
    def qualname(self) -> str:
        """``pkg.mod:name`` or ``pkg.mod:factory.name`` form."""
        return f"{self.ctx.module.module}:{self.ctx.prefix}{self.name}"


@dataclass(frozen=True)
class ParamSym:
    """A parameter of a project function; its value comes from the function's call sites."""

    name: str
    index: int
    func: FunctionInfo = field(compare=False)
    ctx: Ctx = field(compare=False)  # the context of the function's body

    @property
    def qualname(self) -> str:
        """``pkg.mod:func.param`` form."""
        return f"{self.ctx.module.module}:{self.func.qualname}.{self.name}"

    def head(self, annotation: bool = False) -> Ctx:
        """Where the function's ``def`` evaluates this parameter's default, or its annotation
        (``Ctx.head``): outside the body, a method's class body first."""
        return self.ctx.outer().head(self.func, annotation)


@dataclass(frozen=True)
class External:
    """Something outside the project, by its import path (``fastapi.security.HTTPBearer``)."""

    qualname: str

    @property
    def last(self) -> str:
        """The final component of the import path."""
        return self.qualname.rpartition(".")[2]

    def is_from(self, *packages: str) -> bool:
        """True when the import path starts with one of ``packages``."""
        return any(self.qualname == p or self.qualname.startswith(p + ".") for p in packages)


@dataclass(frozen=True)
class Instance:
    """The result of calling a class: ``cls`` is a ``ClassSym`` or an ``External``."""

    cls: ClassSym | External
    call: Call
    ctx: Ctx = field(compare=False)
    origin: VarSym | None = None


@dataclass(frozen=True)
class OneOf:
    """A value that is one of several, such as a loop variable or a parameter with several
    callers; consumers that register things (routers, includes) take each of them."""

    values: tuple[object, ...]


@dataclass(frozen=True)
class Unresolved:
    """A value that cannot be known statically, with a short reason for reports."""

    reason: str


def postponed(module: ModuleSummary) -> bool:
    """``module`` has ``from __future__ import annotations`` (PEP 563)."""
    binding = module.scope.imports.get("annotations")
    return binding is not None and binding.module == "__future__"


Symbol = ModuleSym | FuncSym | ClassSym | VarSym | ParamSym | External | Unresolved
Value = object  # str, int, float, bool, None, list, Instance, Symbol or Unresolved
