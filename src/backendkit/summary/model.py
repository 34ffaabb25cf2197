"""Plain-data summaries of one module, written by the per-file pass: small dataclasses of strings,
numbers, tuples, lists and dicts, so a summary can be pickled or shipped back from a worker
process. The project pass sees no libcst node."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar

from backendkit.findings import Finding
from backendkit.summary.blocks import IfBlock, Narrowing, TryBlock

if TYPE_CHECKING:
    from backendkit.summary.condforms import ParamTest

# Expressions: a static, lossy picture of the source expressions the analysers care about.


@dataclass(frozen=True)
class Const:
    """A literal: str, bytes, int, float, bool or None."""

    value: object


@dataclass(frozen=True)
class Name:
    """A name or a dotted chain of attributes on a name (``settings.API_V1_STR``)."""

    dotted: str


@dataclass(frozen=True)
class Attr:
    """An attribute of something that is not a plain name (``get_settings().prefix``)."""

    value: Expr
    attr: str


@dataclass(frozen=True)
class Call:
    """A call with its positional and keyword arguments (``*args`` become ``Unknown``)."""

    func: Expr
    args: tuple[Expr, ...] = ()
    kwargs: tuple[tuple[str, Expr], ...] = ()

    def kwarg(self, key: str) -> Expr | None:
        """The expression passed as keyword ``key``, if any."""
        for name, value in self.kwargs:
            if name == key:
                return value
        return None

    def arg(self, index: int, key: str | None = None) -> Expr | None:
        """Positional argument ``index``, or keyword ``key`` when not given positionally."""
        if index < len(self.args):
            return self.args[index]
        return self.kwarg(key) if key else None


@dataclass(frozen=True)
class Seq:
    """A list, tuple or set display."""

    items: tuple[Expr, ...]
    kind: str = "list"


@dataclass(frozen=True)
class DictExpr:
    """A dict display; ``None`` keys stand for ``**spread`` entries."""

    items: tuple[tuple[Expr | None, Expr], ...]


@dataclass(frozen=True)
class Subscript:
    """``value[items]``, such as ``Annotated[User, Depends(get_user)]``."""

    value: Expr
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class BinOp:
    """A binary operation, ``op`` being the libcst operator class name (``Add``, ``BitOr``)."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class FString:
    """An f-string: ``Const`` parts for text and other expressions for placeholders."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class LoopItem:
    """The target of ``for target in iterable`` (``index`` picks a tuple-unpacked part)."""

    iterable: Expr
    loop: int
    index: int | None = None


#: ``IfExp.flag`` of ``a or b``
OR = "or"


@dataclass(frozen=True)
class IfExp:
    """``body if test else orelse``: the value is one of the two branches; ``flag`` is the
    test when it is a plain name (``[Security(auth)] if is_auth else None``), ``OR`` for
    ``body or orelse`` (no name is spelt so), else ""."""

    body: Expr
    orelse: Expr
    flag: str = ""


@dataclass(frozen=True)
class Lambda:
    """``lambda: body``, a lambda without parameters (``Field(default_factory=lambda: ...)``);
    a lambda with parameters is ``Unknown``."""

    body: Expr


@dataclass(frozen=True)
class Starred:
    """``*value`` in a list, tuple or set display (``[*COMMON, Depends(auth)]``)."""

    value: Expr


@dataclass(frozen=True)
class Unknown:
    """Anything the analysers do not model; ``kind`` is the libcst node type (or ``NonEmpty``:
    a comprehension that yields at least once, ``exprs.non_empty``)."""

    kind: str


@dataclass(frozen=True)
class Mapped(Unknown):
    """A comprehension that applies methods to each item of one iterable, with no ``if``
    (``[o.strip() for o in origins.split(",")]``): ``element`` is read with ``target`` bound
    to each item of ``iterable``. An ``Unknown`` of the same ``kind`` to every analyser that
    does not look for it (only CORS origins read from the environment do: ``corsenv``)."""

    element: Expr
    target: str
    iterable: Expr


# fmt: off
Expr = (
    Const | Name | Attr | Call | Seq | DictExpr | Subscript | BinOp | FString | LoopItem | IfExp
    | Lambda | Starred | Unknown
)
# fmt: on

# ---------------------------------------------------------------------------------------------
# Scopes, functions, classes, modules.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportBinding:
    """What a local name imported: ``from {module} import {name}`` or ``import {module}``.

    ``level`` counts the leading dots of a relative import. For ``import a.b`` (no alias) the
    bound name is ``a`` and ``module`` is ``a``; with ``as c`` it is ``a.b``.
    """

    module: str
    name: str | None
    level: int
    line: int


@dataclass(frozen=True)
class Assign:
    """One binding of a name by assignment (``x = value`` or ``x: T = value``)."""

    value: Expr | None
    line: int
    annotation: Expr | None = None


@dataclass(frozen=True)
class CallSite:
    """A call in a scope, with the line of its callee expression."""

    call: Call
    line: int
    # the enclosing loop bodies of the same scope, outermost first: ``for`` loops (by the line
    # of the ``for``; not its iterable, evaluated once), ``while`` bodies and comprehensions
    # (by minus their line, in ``Scope.loops`` as ``Unknown``)
    loops: tuple[int, ...] = ()
    # how many ``if``/``elif``, ``while`` or ``match`` ``case`` bodies and ``else:`` blocks (of
    # an ``if``, ``for``, ``while`` or ``try``) of its scope hold it (``guarded``: any); a
    # ``for`` body does not count (the call is in ``loops``: ``conditional`` covers both), nor
    # do ``try`` and ``with`` bodies (a ``try`` body is in ``Scope.tries``)
    guards: int = 0
    # what the statement does with the call's result: "with" (a with item), "with=name" (a
    # with item bound by ``as name``), "=name" (bound to a plain name), "return", "yield",
    # "attr" (an attribute of it is taken), or "" (other)
    use: str = ""
    in_finally: bool = False  # inside a ``finally:`` block of its scope
    in_except: bool = False  # inside an ``except:`` handler of its scope
    # the lambdas whose body holds the call, outermost first, each as the call it is an
    # argument of and its position or keyword (``to_thread(lambda: f())``: ``((to_thread, 0),)``);
    # a lambda that is not an argument is left out
    lambdas: tuple[tuple[Call, int | str], ...] = ()
    awaited: bool = False  # ``await f(...)``: it returns an awaitable, so it cannot block

    @property
    def guarded(self) -> bool:
        """Some ``if``, ``while``, ``case`` or ``else`` body of its scope holds it."""
        return self.guards > 0

    @property
    def conditional(self) -> bool:
        """The call may not run when its scope runs to its line: it is guarded, or in a loop
        body (a ``for`` loop or comprehension may run zero times)."""
        return self.guarded or bool(self.loops)


#: calls that only report or describe an error they are handed, by the callee's last name:
#: logging methods, ``print``, error trackers and the builtins that make text of it or look
#: at it (a project function of such a name is read as any other)
REPORT_CALLS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print"}
    | {"capture_exception", "capture_message", "record_exception", "print_exc", "format_exc"}
    | {"str", "repr", "format", "type", "isinstance", "getattr", "hasattr", "len"}
)
ATTR_TESTS = frozenset({"getattr", "hasattr"})  # builtins an ``if`` test reads an attribute by


@dataclass(frozen=True)
class Compare:
    """One ``==`` / ``!=`` comparison (a chain ``a == b == c`` gives one record per pair)."""

    left: Expr
    op: str  # "==" or "!="
    right: Expr
    line: int


@dataclass
class Scope:
    """The names a module, class or function body binds, and the calls and raises in it."""

    assigns: dict[str, list[Assign]] = field(default_factory=dict)
    imports: dict[str, ImportBinding] = field(default_factory=dict)
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    calls: list[CallSite] = field(default_factory=list)
    returns: list[Expr] = field(default_factory=list)
    raises: list[tuple[Expr, int]] = field(default_factory=list)
    params: dict[str, int] = field(default_factory=dict)
    loops: dict[int, Expr] = field(default_factory=dict)
    withs: list[tuple[Expr, int]] = field(default_factory=list)  # context managers entered
    yields: list[tuple[Expr, int]] = field(default_factory=list)
    compares: list[Compare] = field(default_factory=list)
    caught: dict[str, Expr] = field(default_factory=dict)  # ``except T as name``: name -> T
    item_assigns: dict[str, list[tuple[Expr, int]]] = field(default_factory=dict)  # x[k] = v
    aug_assigns: dict[str, list[Assign]] = field(default_factory=dict)  # x += v as x + v
    tries: tuple[TryBlock, ...] = ()  # ``try`` statements with handlers, in the order they end
    #: earlier definitions of a function name defined again later in this scope (``functions``
    #: holds the latest, which the name refers to): their decorators still ran, so a route
    #: registered by the first ``def`` of a name exists as well
    shadowed: tuple[FunctionInfo, ...] = ()

    # Sparse facts, which most scopes lack: class attributes holding an empty value, set on an
    # instance (``sparse_dict``, ``+=``) only when it has some: free in the pickled summary, an
    # empty dataclass field costs ~7 bytes per scope (five as fields: summaries 4% larger).

    #: ``if`` statements holding a raise or return (at module level: every ``if``), by end
    ifs: ClassVar[tuple[IfBlock, ...]] = ()
    #: ``a.b = v`` (any dotted target, in every scope): target -> [(value, line)]; ``self.x =
    #: v`` in a method is ``ClassInfo.instance_attrs`` instead
    attr_assigns: ClassVar[Mapping[str, list[tuple[Expr, int]]]] = MappingProxyType({})
    #: names bound by a comprehension's ``for`` (``[c.get(k) for c in conns]``), as a ``for``
    #: loop's targets are (a ``LoopItem`` of the comprehension's loop); kept out of
    #: ``assigns``: they are local to the comprehension and shadow nothing outside it
    comp_binds: ClassVar[Mapping[str, list[Assign]]] = MappingProxyType({})
    return_lines: ClassVar[tuple[int, ...]] = ()  # the line of each ``returns`` entry
    bare_returns: ClassVar[tuple[int, ...]] = ()  # the lines of ``return`` without a value
    #: a ``return`` of a test (``return key in KEYS``): line -> what it reads (``IfBlock.reads``)
    return_reads: ClassVar[Mapping[int, tuple[str, ...]]] = MappingProxyType({})
    reraises: ClassVar[bool] = False  # a bare ``raise`` (re-raising what is handled) is here
    #: each ``except T as name`` in source order: (its first line, the line after it, name, T);
    #: ``caught`` keeps the last ``T`` of a name, this which handler a use is in (``caught_at``)
    caught_lines: ClassVar[tuple[tuple[int, int, str, Expr], ...]] = ()
    #: a module's ``if __name__ == "__main__":`` bodies: (first line, line after the last)
    main_guard: ClassVar[tuple[tuple[int, int], ...]] = ()
    #: ``raise name`` (not a call): line -> (``CallSite.conditional``, ``CallSite.in_except``)
    raised_names: ClassVar[Mapping[int, tuple[bool, bool]]] = MappingProxyType({})
    #: ``if isinstance(name, T):`` bodies (``Narrowing``), in the order they end
    narrowed: ClassVar[tuple[Narrowing, ...]] = ()
    #: the ``if`` without ``else`` ending an ``async def`` body (in ``ifs`` too if it holds an
    #: exit): what it holds runs only when its test holds (a websocket endpoint's ``if token:``)
    tail_if: ClassVar[IfBlock | None] = None
    param_tests: ClassVar[tuple[ParamTest, ...]] = ()  # ``if`` tests on parameters
    #: names bound by ``with ... as``, ``match`` captures and a nested function's ``nonlocal``
    rebinds: ClassVar[frozenset[str]] = frozenset()
    loop_exits: ClassVar[Mapping[int, tuple[int, ...]]] = MappingProxyType({})  # loopexits.py
    #: the lines (first, end) of ``with`` statements and of ``try`` statements up to a
    #: ``finally:`` holding a ``return``, ``break`` or ``continue``: an error raised there may
    #: end in a manager's ``__exit__`` or in that ``finally:``
    opaque: ClassVar[tuple[tuple[int, int], ...]] = ()
    #: the strings ``in`` tests look up or look values up among (``v in ("a", "b")``)
    in_literals: ClassVar[tuple[str, ...]] = ()

    def in_try(self, line: int) -> bool:
        """``line`` is in the body of one of this scope's ``try`` statements (its handlers may
        catch what is raised there), or before a ``finally:`` that returns."""
        return any(block.covers(line) for block in self.tries)

    def caught_at(self, name: str, line: int) -> Expr | None:
        """What the ``except T as name`` of this scope a use of ``name`` on ``line`` is in
        catches (``except GroupError as e: ... except Exception as e: ...`` bind two; the
        innermost holding ``line`` when handlers nest); None when ``line`` is in none."""
        found = [
            (start, kind)
            for start, end, bound, kind in self.caught_lines
            if bound == name and start <= line < end
        ]
        return max(found, key=lambda pair: pair[0])[1] if found else None

    def last_assign(self, name: str) -> Assign | None:
        """The last assignment of ``name`` in this scope, if any."""
        found = self.assigns.get(name)
        return found[-1] if found else None


@dataclass(frozen=True)
class Param:
    """A function parameter; ``kind`` is posonly, normal, vararg, kwonly or kwarg."""

    name: str
    kind: str
    annotation: Expr | None = None
    default: Expr | None = None


@dataclass
class FunctionInfo:
    """A function or method: signature, decorators, position and its body's scope."""

    name: str
    qualname: str
    line: int = 0
    start_line: int = 0
    end_line: int = 0
    is_async: bool = False
    params: list[Param] = field(default_factory=list)
    decorators: list[Expr] = field(default_factory=list)
    decorator_lines: list[int] = field(default_factory=list)
    returns: Expr | None = None
    has_docstring: bool = False
    scope: Scope = field(default_factory=Scope)
    #: Sparse flags, as ``Scope.ifs``: set on an instance when True. ``falls_off``: a function
    #: that returns a value may also reach the end of its body, returning None (its last
    #: statement is not a ``return`` or ``raise``, nor an ``if``/``else``, ``try``, ``with`` or
    #: ``while True`` whose every way out is one; without a ``return`` value it is not checked).
    falls_off: ClassVar[bool] = False
    conditional: ClassVar[bool] = False  # its ``def`` is under an ``if``/``case``/``while``


@dataclass
class ClassInfo:
    """A class: bases, keywords, fields (class-level assignments) and methods."""

    name: str
    qualname: str
    line: int = 0
    end_line: int = 0
    bases: list[Expr] = field(default_factory=list)
    keywords: dict[str, Expr] = field(default_factory=dict)
    decorators: list[Expr] = field(default_factory=list)
    has_docstring: bool = False
    scope: Scope = field(default_factory=Scope)
    #: ``self.x = value`` in its methods: the last value that is not ``None`` (a declaration)
    instance_attrs: dict[str, Expr] = field(default_factory=dict)
    #: the instance attributes assigned a value other than ``None`` more than once
    rebound: list[str] = field(default_factory=list)
    #: the last ``self.x: T`` annotation of each attribute in its methods (sparse)
    instance_annotations: ClassVar[Mapping[str, Expr]] = MappingProxyType({})


@dataclass(frozen=True)
class ImportRecord:
    """One imported module reference, for the import graph (module-level or nested)."""

    module: str
    names: tuple[str, ...]
    level: int
    line: int
    type_checking: bool = False  # under ``if TYPE_CHECKING:``: never runs


@dataclass(frozen=True)
class Directive:
    """A ``# backendkit: ...`` comment: ``kind`` is ignore, ignore-file, public or invalid."""

    line: int
    kind: str
    codes: tuple[str, ...] = ()
    text: str = ""


def sparse_dict(scope: Scope | ClassInfo, name: str) -> dict:
    """The instance's own dict of the sparse fact ``name``, created on first use."""
    found = scope.__dict__.get(name)
    if found is None:
        found = scope.__dict__[name] = {}
    return found  # type: ignore[no-any-return]


@dataclass
class ModuleSummary:
    """Everything later stages need to know about one file, as plain data."""

    path: str
    module: str
    is_package: bool
    line_count: int
    scope: Scope = field(default_factory=Scope)
    imports: list[ImportRecord] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parsed: bool = True

    def package(self) -> str:
        """The package relative imports of this module are resolved against."""
        if self.is_package:
            return self.module
        return self.module.rpartition(".")[0]
