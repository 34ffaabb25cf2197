"""What the receiver of a query-like call is, for BK304: a database client, known not to be
one (an HTTP client, a container, a web framework's object), or unknown. Types come from
``ReceiverTypes`` (annotations, constructors, ``with`` bindings, factories' return
annotations) and, here, from the bindings it does not follow: ``x = await helper()`` (the
helper's return annotation) and ``for x in items`` over an annotated ``list[T]`` (``T``), in a
``for`` statement or in a comprehension (``[c.get(k) for c in conns]``: ``Scope.comp_binds``)."""

from __future__ import annotations

from backendkit.graphs.receivers import ReceiverTypes
from backendkit.project.index import ProjectIndex
from backendkit.project.members import MethodValues
from backendkit.project.symbols import ClassSym, Ctx, External, FuncSym, ParamSym, VarSym
from backendkit.summary.model import Assign, Expr, LoopItem, ModuleSummary, Name, Subscript

#: Libraries whose objects are known to run no database query: HTTP clients (their sessions
#: ``get`` URLs), FastAPI's and Starlette's objects (``request.session`` is a dict, an
#: ``HTTPConnection`` a mapping), in-memory caches, context variables and the ``collections``
#: containers. Any other library counts as a possible database client (pyodbc, oracledb,
#: snowflake, ...), and so does redis: a command per item is a round trip per item.
NOT_DATABASES = (
    *("aiohttp", "httpx", "httpcore", "requests", "requests_cache", "niquests", "urllib3"),
    *("urllib", "http.client", "fastapi", "starlette", "cachetools", "contextvars"),
    "collections",
)
#: Builtin and ``typing``/``collections.abc`` container types (``dict``, ``Mapping``...):
#: their ``get`` reads a key. ``object`` and ``Any`` say nothing about the receiver.
CONTAINERS = frozenset(
    {
        *("dict", "list", "set", "frozenset", "tuple", "str", "bytes", "bytearray"),
        *("Dict", "List", "Set", "FrozenSet", "Tuple", "DefaultDict", "OrderedDict"),
        *("ChainMap", "Counter", "Mapping", "MutableMapping", "Sequence", "MutableSequence"),
        *("AbstractSet", "MutableSet"),
    }
)
#: Database client libraries and their classes whose query methods run a query (a session,
#: a connection, a cursor, a pool, a collection): a receiver of one of these is a database
#: client whatever its variable's name. Their other classes (``Result``, ``Row``...) are not.
DATABASES = (
    *("sqlalchemy", "sqlmodel", "asyncpg", "psycopg", "psycopg2", "aiosqlite", "sqlite3"),
    *("pymysql", "aiomysql", "MySQLdb", "aiopg", "pymongo", "motor", "databases"),
)
DB_CLASSES = frozenset(
    {
        *("Session", "AsyncSession", "scoped_session", "async_scoped_session"),
        *("Connection", "AsyncConnection", "Cursor", "AsyncCursor", "Pool", "Database"),
        *("Collection", "AsyncIOMotorCollection", "AsyncIOMotorDatabase"),
    }
)
#: Generic containers whose first argument is the type of their items (``for x in xs``).
_ITEMS_OF = frozenset(
    {
        *("list", "List", "Sequence", "MutableSequence", "Iterable", "Iterator", "Collection"),
        *("set", "Set", "frozenset", "FrozenSet", "AbstractSet", "MutableSet"),
    }
)


class QueryReceivers:
    """Classifies receivers of query-like calls in the project ``index``."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self.types = ReceiverTypes(index)
        self.methods = MethodValues(index)

    def is_database(self, receiver: str, body: Ctx, method: str = "") -> bool | None:
        """``True`` when the object ``receiver`` names in ``body`` is a database client's
        session, connection or cursor, ``False`` when its type is known and is not a database
        client's (``not_a_database``; a project class deriving from one, such as an ``LRUCache
        (OrderedDict)``, that does not define ``method`` itself), ``None`` when that cannot be
        told from its type."""
        found = self.types.receiver_class(receiver, body)
        if found is None and "." not in receiver:
            found = self._bound_class(receiver, body)
        elif found is None and receiver.startswith("self."):
            found = self._self_attr_class(receiver, body)
        if isinstance(found, ClassSym):
            return self._project_class(found, method)
        if isinstance(found, External):
            if not_a_database(found):
                return False
            return True if _database_class(found) else None
        return None

    def _self_attr_class(self, receiver: str, body: Ctx) -> ClassSym | External | None:
        """The class of ``self.a.b`` in a method: through the typed attributes of the class
        the method belongs to (``self.cache: dict = {}`` in its ``__init__``)."""
        param = self.index.lookup("self", body)
        if not isinstance(param, ParamSym) or param.index != 0:
            return None
        owner = self.methods.owner_class(param)
        return self.types.attribute_class(owner, receiver.split(".")[1:]) if owner else None

    def _project_class(self, cls: ClassSym, method: str) -> bool | None:
        """A project class deriving from a database client's class is one (``True``); one
        deriving from a class known not to be one (a ``dict``, an ``OrderedDict``, an HTTP
        client) is not (``False``), unless the project defines ``method`` in it (an override
        may run a query); ``None`` otherwise."""
        bases = self.index.external_bases(cls)
        if any(map(_database_class, bases)):
            return True
        if not any(map(not_a_database, bases)):
            return None
        return None if self.index.class_member(cls, method) is not None else False

    def is_annotated_database(self, name: str, body: Ctx) -> bool:
        """The parameter or variable ``name`` is annotated with a database client's session,
        connection or cursor class (``s: Session``). Cheaper than ``is_database``, which
        also types values: for receivers not named like a session."""
        found = self.types.class_of_annotation(*self._annotation(name, body))
        return isinstance(found, External) and _database_class(found)

    def _bound_class(self, name: str, body: Ctx) -> ClassSym | External | None:
        """The class of a local bound by ``name = await helper()`` or ``for name in items``
        (a comprehension's too)."""
        scope = body.scopes[-1]
        if name in scope.comp_binds and name not in scope.assigns and name not in scope.params:
            return self._comprehension_class(scope.comp_binds[name], body)
        symbol = self.index.lookup(name, body)
        if not isinstance(symbol, VarSym) or symbol.assign.annotation is not None:
            return None
        if isinstance(symbol.assign.value, LoopItem):
            return self._item_class(symbol.assign.value, symbol.ctx)
        return self._awaited_class(symbol)

    def _comprehension_class(self, binds: list[Assign], body: Ctx) -> ClassSym | External | None:
        """The item class of a comprehension variable: the same for every comprehension of
        the scope that binds the name."""
        found = {self._item_class(b.value, body) for b in binds if isinstance(b.value, LoopItem)}
        return found.pop() if len(found) == 1 else None

    def _awaited_class(self, var: VarSym) -> ClassSym | External | None:
        """The return annotation of the async project function whose call ``var`` is bound
        to (``session = await get_session()``: the call's use is ``=session``)."""
        use = f"={var.name}"
        sites = var.ctx.scopes[-1].calls
        call = next((s.call for s in sites if s.line == var.assign.line and s.use == use), None)
        if call is None or not isinstance(call.func, Name):
            return None
        helper = self.index.resolve_expr(call.func, var.ctx)
        if isinstance(helper, FuncSym) and helper.info.is_async:
            typing = helper.head(annotation=True)  # a method's class body first
            return self.types.class_of_annotation(helper.info.returns, typing)
        return None

    def _item_class(self, item: LoopItem, ctx: Ctx) -> ClassSym | External | None:
        """``T`` for an item of a name annotated ``list[T]`` (``Sequence[T]``, ``set[T]``...)."""
        if item.index is not None or not isinstance(item.iterable, Name):
            return None
        annotation, where = self._annotation(item.iterable.dotted, ctx)
        while isinstance(annotation, Subscript) and _generic(annotation) in ("Optional", "Final"):
            annotation = annotation.items[0] if annotation.items else None
        if not isinstance(annotation, Subscript) or _generic(annotation) not in _ITEMS_OF:
            return None
        return self.types.class_of_annotation(annotation.items[0], where)

    def _annotation(self, name: str, ctx: Ctx) -> tuple[Expr | None, Ctx]:
        """The annotation of the parameter or variable ``name``, with where it is read (a
        parameter's outside the function's body: a method's in its class body first)."""
        symbol = self.index.lookup(name, ctx)
        if isinstance(symbol, ParamSym):
            found = next((p.annotation for p in symbol.func.params if p.name == name), None)
            return (found, symbol.head(annotation=True)) if found is not None else (None, ctx)
        if isinstance(symbol, VarSym):
            return symbol.assign.annotation, symbol.ctx
        return None, ctx


def _generic(annotation: Subscript) -> str:
    value = annotation.value
    return value.dotted.rpartition(".")[2] if isinstance(value, Name) else ""


def not_a_database(cls: External) -> bool:
    """An HTTP client, a web framework's object, a cache or a container: ``aiohttp.
    ClientSession``, ``requests.Session``, ``request.session``, ``dict``, ``Mapping``."""
    if cls.is_from("builtins", "typing", "typing_extensions", "collections.abc"):
        return cls.last in CONTAINERS
    return cls.is_from(*NOT_DATABASES)


def _database_class(cls: External) -> bool:
    return cls.is_from(*DATABASES) and cls.last in DB_CLASSES


def is_revision_script(module: ModuleSummary) -> bool:
    """An Alembic revision script: module-level ``revision = ...``, ``down_revision = ...``
    and ``def upgrade()``."""
    scope = module.scope
    return all(name in scope.assigns for name in ("revision", "down_revision")) and (
        "upgrade" in scope.functions
    )


#: directories migration scripts live in (``alembic/versions/``, ``db/migrations/versions/``)
_MIGRATION_DIRS = frozenset({"migrations", "migration", "alembic", "versions"})


def is_migration_script(module: ModuleSummary) -> bool:
    """A schema migration script: an Alembic revision script (``is_revision_script``), or a
    module in a migrations directory (``migrations/``, ``versions/``...) that defines both a
    module-level ``up`` / ``upgrade`` and a ``down`` / ``downgrade`` function (agno's
    ``db/migrations/versions/v2_3_0.py``, yoyo-like runners). It runs once per schema change,
    on names the application itself chose, not on request data."""
    if is_revision_script(module):
        return True
    functions = module.scope.functions
    in_dir = not _MIGRATION_DIRS.isdisjoint(module.path.split("/")[:-1])
    return (
        in_dir
        and any(f in functions for f in ("up", "upgrade"))
        and (any(f in functions for f in ("down", "downgrade")))
    )
