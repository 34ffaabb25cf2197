"""What the receiver of a method call is: the class of a typed parameter, variable or
attribute, of a constructor's or annotated factory's result, or a library object (a literal, or
what a library function returned). Mixed into the call-graph builder (``calls.py``)."""

from __future__ import annotations

from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx, External, FuncSym, ParamSym, Symbol, VarSym
from backendkit.summary.model import (
    Attr,
    BinOp,
    Call,
    Const,
    DictExpr,
    Expr,
    FString,
    Name,
    Seq,
    Subscript,
)

#: Container classes of ``builtins`` and ``collections``: what ``self.x = defaultdict(list)``
#: stores is typed, unlike another library's lowercase callable's result.
_CONTAINERS = frozenset(
    {
        *("dict", "list", "set", "frozenset", "tuple", "bytearray"),
        *("defaultdict", "OrderedDict", "Counter", "ChainMap", "deque"),
    }
)
_WRAPPERS = frozenset({"Annotated", "Optional", "Union", "ClassVar", "Final"})
#: Generics whose first argument is what ``with f() as x`` binds when ``f`` returns one: a
#: ``@contextmanager`` generator's yield type, or the managed type of a context manager.
_ENTERED = frozenset(
    {
        *("Iterator", "AsyncIterator", "Generator", "AsyncGenerator", "Iterable"),
        *("AsyncIterable", "ContextManager", "AsyncContextManager", "AbstractContextManager"),
        "AbstractAsyncContextManager",
    }
)
#: Library functions by the class of what they return (a lowercase factory is not read as a
#: class): SQLAlchemy's and SQLModel's ``create_engine`` make an ``Engine``.
LIBRARY_FACTORIES = {
    "sqlalchemy.create_engine": "sqlalchemy.engine.Engine",
    "sqlalchemy.engine.create_engine": "sqlalchemy.engine.Engine",
    "sqlmodel.create_engine": "sqlalchemy.engine.Engine",
}
#: The classes of attributes of FastAPI's and Starlette's objects (by class name): the
#: ``session`` of a request or websocket (SessionMiddleware) is a dict.
_LIBRARY_ATTRS = {
    f"{owner}.session": External("builtins.dict")
    for owner in ("Request", "HTTPConnection", "WebSocket")
}


class ReceiverTypes:
    """Receiver typing for the call-graph builder; ``index`` is the project's index."""

    index: ProjectIndex

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index

    def _on_class(self, cls: ClassSym, parts: list[str]) -> FuncSym | External | None:
        """The method ``a.b.m`` reached from an instance of ``cls`` through typed attributes;
        a method the project classes do not define comes from an external base class."""
        for depth, attr in enumerate(parts):
            if depth == len(parts) - 1:
                return self._called_attr(cls, attr) or self._method(cls, attr)
            nxt = self._attr_class(cls, attr)
            if isinstance(nxt, External):  # ``self.name.strip()`` with ``name: str``
                return External(".".join([nxt.qualname, *parts[depth + 1 :]]))
            if nxt is None:
                return None
            cls = nxt
        return None

    def _called_attr(self, cls: ClassSym, attr: str) -> FuncSym | None:
        """``self.checker()`` where ``checker`` is not a method of ``cls`` but an attribute
        holding an instance of a project class (set on ``self`` or in the class body): its
        ``__call__``."""
        member = self.index.class_member(cls, attr)
        if isinstance(member, FuncSym):
            return None
        held = self._attr_class(cls, attr)
        if held is None and isinstance(member, VarSym):
            held = self._class_of_value(member.assign.value, member.ctx)
        return self.call_method(held)

    def call_method(self, cls: ClassSym | External | None) -> FuncSym | None:
        """The ``__call__`` that calling an instance of ``cls`` runs (a project class's)."""
        if not isinstance(cls, ClassSym):
            return None
        found = self.index.class_member(cls, "__call__")
        return found if isinstance(found, FuncSym) else None

    def _method(self, cls: ClassSym, attr: str) -> FuncSym | External | None:
        found = self.index.class_member(cls, attr)
        if isinstance(found, FuncSym):
            return found
        bases = self.index.external_bases(cls) if found is None else []
        return External(f"{bases[0].qualname}.{attr}") if bases else None

    def _attr_class(self, cls: ClassSym, attr: str) -> ClassSym | External | None:
        """The class of the attribute ``attr`` of an instance of ``cls``: from its annotation
        in the class body or on ``self.attr: T = ...`` in a method, else from the value a
        method stores (a project class's constructor or factory, or a literal: ``{}``)."""
        for klass in self.index.mro(cls):
            assign = klass.info.scope.last_assign(attr)
            if assign is not None and assign.annotation is not None:
                return self.class_of_annotation(assign.annotation, klass.ctx)
            annotation = klass.info.instance_annotations.get(attr)
            if annotation is not None:
                return self.class_of_annotation(annotation, klass.ctx)
            expr = klass.info.instance_attrs.get(attr)
            if expr is not None:
                return self._stored_class(klass, expr)
        return None

    def _stored_class(self, klass: ClassSym, expr: Expr) -> ClassSym | External | None:
        """The class of what a method of ``klass`` stores in an attribute: a literal's
        builtin type, a builtin or ``collections`` container (``defaultdict(list)``), a
        project class; another library's object is left untyped."""
        kind = _literal_kind(expr)
        if kind is not None:
            return External(f"builtins.{kind}")
        if isinstance(expr, Name) and "__init__" in klass.info.scope.functions:
            init = klass.info.scope.functions["__init__"]
            return _project(self._typed_local(expr.dotted, klass.ctx.enter(init)))
        if isinstance(expr, Call) and isinstance(expr.func, Name):
            callee = self.index.resolve_expr(expr.func, klass.ctx)
            if isinstance(callee, External) and _is_container(callee):
                return callee  # ``dict(...)``, ``defaultdict(list)``, ``OrderedDict()``
        return _project(self._class_of_value(expr, klass.ctx))

    def _typed_local(self, name: str, body: Ctx) -> ClassSym | External | None:
        return self._typed_symbol(name, self.index.lookup(name, body), body)

    def _typed_symbol(self, name: str, symbol: Symbol, body: Ctx) -> ClassSym | External | None:
        """The class of a parameter or variable ``name`` from its annotation or value."""
        if isinstance(symbol, ParamSym):
            param = next((p for p in symbol.func.params if p.name == name), None)
            if param is None:
                return None
            # read outside the body (a method's annotation: in its class body first)
            return self.class_of_annotation(param.annotation, symbol.head(annotation=True))
        if isinstance(symbol, VarSym):
            if symbol.assign.annotation is not None:
                return self.class_of_annotation(symbol.assign.annotation, symbol.ctx)
            return self._class_of_value(symbol.assign.value, symbol.ctx)
        return None

    def _class_of_value(self, expr: Expr | None, ctx: Ctx) -> ClassSym | External | None:
        """The class of ``Repo(...)`` (an instance created by a constructor call; an external
        callee counts as a class when its name is capitalised: ``httpx.Client``, and so does
        its ``from_*`` classmethod: ``redis.Redis.from_url``) or of
        ``make_repo()`` (a project function whose return annotation names the class)."""
        if isinstance(expr, Call) and isinstance(expr.func, Name):
            found = self.index.resolve_expr(expr.func, ctx)
            if isinstance(found, ClassSym):
                return found
            if isinstance(found, External):
                return _made_by(found)
            if isinstance(found, FuncSym) and found.info.returns is not None:
                return self.class_of_annotation(found.info.returns, found.head(annotation=True))
        return None

    def class_of_annotation(
        self, expr: Expr | None, ctx: Ctx, depth: int = 0
    ) -> ClassSym | External | None:
        """The class an annotation names: ``Repo``, ``"Repo"``, ``Repo | None``,
        ``Optional[Repo]``, ``Annotated[Repo, Depends(...)]``, a generic ``Repo[Item]`` or an
        alias of one of these."""
        if expr is None or depth > 10:
            return None
        options = _alternatives(expr)
        if options is not None:
            found = (self.class_of_annotation(option, ctx, depth + 1) for option in options)
            return next(filter(None, found), None)
        expr = _as_name(expr)
        if expr is None:
            return None
        found = self.index.lookup(expr.dotted, ctx)
        if isinstance(found, VarSym) and found.assign.value is not None:
            return self.class_of_annotation(found.assign.value, found.ctx, depth + 1)
        return found if isinstance(found, (ClassSym, External)) else None

    def receiver_class(self, dotted: str, body: Ctx) -> ClassSym | External | None:
        """The class of the object ``a.b.c`` names in ``body``: ``a``'s (``_bound_class``),
        then each attribute's through the typed attributes of project classes (and
        ``request.session``, Starlette's session dict)."""
        head, *attrs = dotted.split(".")
        return self.attribute_class(self._bound_class(head, body), attrs)

    def attribute_class(
        self, cls: ClassSym | External | None, attrs: list[str]
    ) -> ClassSym | External | None:
        """The class of the attribute path ``attrs`` (``["a", "b"]`` for ``.a.b``) of an
        instance of ``cls``."""
        for attr in attrs:
            if isinstance(cls, ClassSym):
                cls = self._attr_class(cls, attr)
            elif isinstance(cls, External):
                cls = _LIBRARY_ATTRS.get(f"{cls.last}.{attr}") if _is_web(cls) else None
            else:
                return None
        return cls

    def _bound_class(self, name: str, body: Ctx) -> ClassSym | External | None:
        """The class of the local ``name``: from ``with Client() as name`` in ``body``'s own
        scope (``_entered_class``), else from its annotation or value (a constructor call, a
        literal)."""
        entered = self.entered_class(name, body)
        if entered is not None:
            return entered
        symbol = self.index.lookup(name, body)
        return self._typed_symbol(name, symbol, body) or _literal_class(symbol)

    def entered_class(self, name: str, body: Ctx) -> ClassSym | External | None:
        """The class of what ``with call as name`` in ``body``'s own scope binds
        (``_entered_class``), or None (no such ``with``, or its class is not known)."""
        bound = f"with={name}"
        entered = next((s.call for s in body.scopes[-1].calls if s.use == bound), None)
        return None if entered is None else self._entered_class(entered, body)

    def _entered_class(self, call: Call, ctx: Ctx) -> ClassSym | External | None:
        """The class of what ``with call as x`` binds: ``Session`` for a project factory
        annotated ``-> Iterator[Session]`` (a ``@contextmanager`` generator; also
        ``AsyncIterator``, ``Generator``, ``AsyncGenerator`` and the ``ContextManager``
        generics), else the class ``call`` creates or returns (``Client()``, ``-> Repo``)."""
        found = self.index.resolve_expr(call.func, ctx) if isinstance(call.func, Name) else None
        returns = found.info.returns if isinstance(found, FuncSym) else None
        if isinstance(found, FuncSym) and isinstance(returns, Subscript):
            name = returns.value.dotted if isinstance(returns.value, Name) else ""
            if name.rpartition(".")[2] in _ENTERED:
                first = returns.items[0] if returns.items else None
                return self.class_of_annotation(first, found.head(annotation=True))
        return self._class_of_value(call, ctx)

    def _library_attr(self, expr: Attr) -> External | None:
        """``", ".join``: a method of a literal is the builtin type's."""
        kind = _literal_kind(expr.value)
        return External(f"builtins.{kind}.{expr.attr}") if kind is not None else None

    def _library_receiver(self, symbol: Symbol | None, rest: str) -> External | None:
        """A library's method reached through a project name: ``Model.model_validate()`` on a
        project class that inherits it from its only library base (every base resolved), or
        ``_TABLE.get()`` on a name bound to a literal. What a library *function* returns is
        not typed: ``typing.cast``, ``copy.copy`` or ``max`` return project objects."""
        if isinstance(symbol, ClassSym):
            if "." in rest or not self._bases_known(symbol):
                return None
            found = self._method(symbol, rest)
            return found if isinstance(found, External) else None
        found = _literal_class(symbol)
        return External(f"{found.qualname}.{rest}") if found is not None else None

    def _bases_known(self, cls: ClassSym) -> bool:
        """Every base of ``cls`` and its project bases resolved, with one library base."""
        index = self.index
        resolved = [
            index.resolve_expr(base, klass.ctx)
            for klass in index.mro(cls)
            for base in klass.info.bases
        ]
        known = all(isinstance(found, (ClassSym, External)) for found in resolved)
        return known and len({f.qualname for f in resolved if isinstance(f, External)}) == 1


def _alternatives(expr: Expr) -> list[Expr | None] | None:
    """The classes an annotation may stand for: ``A | B``, ``"A | B"``, ``Optional[A]``,
    ``Annotated[A, ...]``; ``None`` for a plain name."""
    if isinstance(expr, BinOp):
        return [expr.left, expr.right]
    if isinstance(expr, Subscript):
        return [_wrapped(expr)]
    if isinstance(expr, Const) and isinstance(expr.value, str) and "|" in expr.value:
        return [Const(part.strip()) for part in expr.value.split("|")]
    return None


def _is_super(expr: Expr, owner: ClassSym) -> bool:
    """``super()`` or ``super(Owner, self)`` inside a method of ``owner``."""
    if not (isinstance(expr, Call) and isinstance(expr.func, Name) and expr.func.dotted == "super"):
        return False
    first = expr.args[0] if expr.args else None
    return first is None or (isinstance(first, Name) and first.dotted == owner.info.name)


def _wrapped(expr: Subscript) -> Expr | None:
    """``X`` of ``Annotated[X, ...]``, ``Optional[X]`` and ``Union[X, ...]``; the generic
    class of ``dict[str, int]`` or ``Mapping[str, int]`` (but not of ``type[X]``, a class
    rather than an instance)."""
    name = expr.value.dotted.rpartition(".")[2] if isinstance(expr.value, Name) else ""
    if name in _WRAPPERS:
        return expr.items[0] if expr.items else None
    return None if name in ("type", "Type") else expr.value


def _as_name(expr: Expr) -> Name | None:
    """A name, or the name in a string annotation (``"Repo"``)."""
    if isinstance(expr, Const) and isinstance(expr.value, str):
        return Name(expr.value)
    return expr if isinstance(expr, Name) else None


def _is_container(external: External) -> bool:
    """A builtin or ``collections`` container class (``dict``, ``defaultdict``...)."""
    return external.is_from("builtins", "collections") and external.last in _CONTAINERS


def _is_class(external: External) -> bool:
    return external.last[:1].isupper()


def _made_by(external: External) -> External | None:
    """The class of what calling the library's ``external`` makes: a capitalised class
    itself, the class of a ``from_*`` classmethod, a known factory's (``LIBRARY_FACTORIES``)."""
    if _is_class(external):
        return external
    built = _built_by(external)
    if built is None and external.qualname in LIBRARY_FACTORIES:
        return External(LIBRARY_FACTORIES[external.qualname])
    return built


def _built_by(external: External) -> External | None:
    """The capitalised external class whose ``from_*`` classmethod ``external`` is
    (``redis.Redis.from_url`` builds a ``redis.Redis``), else None."""
    owner, _, last = external.qualname.rpartition(".")
    if last.startswith("from_") and owner.rpartition(".")[2][:1].isupper():
        return External(owner)
    return None


def _literal_class(symbol: Symbol | None) -> External | None:
    """``builtins.dict`` for a variable bound to ``{}`` without an annotation (a literal's
    builtin type)."""
    if not isinstance(symbol, VarSym) or symbol.assign.annotation is not None:
        return None
    kind = _literal_kind(symbol.assign.value)
    return External(f"builtins.{kind}") if kind is not None else None


def _is_web(cls: External) -> bool:
    return cls.is_from("fastapi", "starlette")


def _literal_kind(value: Expr | None) -> str | None:
    """The builtin type of a literal value (``{}``, ``[...]``, ``"..."``, f-strings)."""
    if isinstance(value, DictExpr):
        return "dict"
    if isinstance(value, Seq):
        return value.kind
    if isinstance(value, FString) or (isinstance(value, Const) and isinstance(value.value, str)):
        return "str"
    return None


def _project(found: ClassSym | External | None) -> ClassSym | None:
    return found if isinstance(found, ClassSym) else None
