"""BK303: a database session (or engine connection) opened without a context manager or a
closing ``yield``.

A session is opened by calling ``Session`` / ``AsyncSession`` (SQLAlchemy, SQLModel, or a
project subclass), a ``sessionmaker`` / ``async_sessionmaker`` instance (``SessionLocal()``,
resolved across modules), ``sessionmaker(...)()``, or a project function that returns one of
those (a factory); a connection by ``engine.connect()`` / ``engine.raw_connection()`` on an
engine from ``create_engine`` / ``create_async_engine``. What the enclosing statement does
with the new session decides:

- ``with`` / ``async with`` item: managed.
- bound to a name ``s``: managed when ``s`` is entered by a ``with`` (``with s:``,
  ``with s.begin():``, ``with closing(s):``) or ``s.close()`` runs in a ``finally:``; handed
  over when ``s`` is returned inside another value (``return Repo(s)``); a factory when ``s``
  itself is returned. Otherwise reported: never closed, closed outside ``finally``, or yielded
  by a dependency that does not close it.
- returned: the function is a factory; each of its call sites is judged the same way. A
  factory used as a FastAPI dependency (returned, not yielded) is reported: FastAPI closes
  nothing a dependency returns.
- ``yield``: reported (nothing can close it). ``Session(e).execute(...)``: reported.
- anything else (an argument, ``self.session = ...``): not judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from backendkit.findings import Finding
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx, External, FuncSym, Instance
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.database import ENGINE_FACTORIES, request_functions
from backendkit.rules.support import derives_from, iter_classes, iter_functions
from backendkit.summary.model import Call, CallSite, Expr, FunctionInfo, Name, Scope, Seq

SESSION_CLASSES = ("Session", "AsyncSession")
SESSIONMAKERS = frozenset({"sessionmaker", "async_sessionmaker"})
#: ``extra`` key of a factory's finding that stands only if the factory is a dependency
PENDING = "if-dependency"
CONNECTION_METHODS = frozenset({"connect", "raw_connection"})
CONTEXT_ENTERERS = frozenset({"enter_context", "enter_async_context", "closing", "aclosing"})
_LIBRARIES = ("sqlalchemy", "sqlmodel")

_DB = """\
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite://")
SessionLocal = sessionmaker(bind=engine)
"""

_DEPS_OK = """\
from sqlmodel import Session

from app.db import SessionLocal, engine


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def get_session():
    with Session(engine) as session:
        yield session


def make_session() -> Session:
    session = Session(engine)
    return session


def count() -> int:
    with make_session() as session:
        return len(session.exec("SELECT 1").all())
"""

_DEPS_BAD = """\
from sqlmodel import Session

from app.db import SessionLocal, engine


def get_db():
    return SessionLocal()  # expect: BK303


def get_session():
    session = Session(engine)  # expect: BK303
    yield session


def count() -> int:
    session = SessionLocal()  # expect: BK303
    total = len(session.exec("SELECT 1").all())
    session.close()
    return total
"""

_MAIN = """\
from fastapi import Depends, FastAPI
from sqlmodel import Session

from app.deps import get_db, get_session

app = FastAPI()


@app.get("/n")  # backendkit: ignore[BK101]
def n(db: Session = Depends(get_db), session: Session = Depends(get_session)) -> int:
    return 1
"""


@dataclass(frozen=True)
class _Verdict:
    """What happens to one new session: ``kind`` is ok, factory or a problem message."""

    kind: str
    message: str = ""


_OK = _Verdict("ok")
_FACTORY = _Verdict("factory")


def _enters(expr: Expr, name: str) -> bool:
    """A ``with`` item that closes or ends ``name``: ``session``, ``session.begin()`` /
    ``begin_nested()``, or a wrapper given it (``closing(session)``)."""
    if _is_name(expr, name):
        return True
    if not isinstance(expr, Call):
        return False
    if isinstance(expr.func, Name) and expr.func.dotted in (
        f"{name}.begin",
        f"{name}.begin_nested",
    ):
        return True
    return any(_is_name(a, name) for a in expr.args)


def _hands_over(expr: Expr, name: str) -> bool:
    """``name`` itself is an argument or item of ``expr`` (``Repository(session)``,
    ``(session, engine)``); ``session.get(...)`` returns a result, not the session."""
    if isinstance(expr, Call):
        values: tuple[Expr, ...] = (*expr.args, *(v for _, v in expr.kwargs))
    elif isinstance(expr, Seq):
        values = expr.items
    else:
        return False
    return any(_is_name(v, name) or _hands_over(v, name) for v in values)


def _closes(scope: Scope, name: str, *, in_finally: bool) -> bool:
    """``name.close()`` is called (in a ``finally:`` block, when ``in_finally``)."""
    return any(s.in_finally or not in_finally for s in _close_calls(scope, name))


def _close_calls(scope: Scope, name: str) -> list[CallSite]:
    """The ``name.close()`` calls of ``scope``."""
    return [
        s
        for s in scope.calls
        if isinstance(s.call.func, Name) and s.call.func.dotted == f"{name}.close"
    ]


def _is_name(expr: Expr, name: str) -> bool:
    return isinstance(expr, Name) and expr.dotted == name


def _entered(scope: Scope, name: str) -> bool:
    """``with name:`` / ``with name.begin():`` / ``with closing(name):``, or
    ``stack.enter_context(name)``."""
    if any(_enters(expr, name) for expr, _ in scope.withs):
        return True
    return any(
        _last(s.call.func) in CONTEXT_ENTERERS and any(_is_name(a, name) for a in s.call.args)
        for s in scope.calls
    )


def _is_fixture(func: FunctionInfo) -> bool:
    """A pytest fixture: its teardown after ``yield`` runs even when the test fails."""
    return any(_last(d.func if isinstance(d, Call) else d) == "fixture" for d in func.decorators)


def _judge_name(func: FunctionInfo, name: str, label: str) -> _Verdict:
    """The verdict for a session bound to the local ``name``."""
    scope = func.scope
    if _entered(scope, name) or _closes(scope, name, in_finally=True):
        return _OK
    if any(_is_name(r, name) for r in scope.returns):
        return _FACTORY
    if any(_hands_over(r, name) for r in scope.returns):
        return _OK  # handed over inside another object
    return _unclosed(func, name, label)


def _unclosed(func: FunctionInfo, name: str, label: str) -> _Verdict:
    """The problem with a session bound to ``name`` that nothing closes on every path."""
    closes = _closes(func.scope, name, in_finally=False)
    if any(_is_name(v, name) for v, _ in func.scope.yields):
        if closes and _is_fixture(func):
            return _OK
        what = (
            "is closed after the yield but not in `finally:`: when the route raises, FastAPI "
            "throws the exception in at the yield and the close never runs"
            if closes
            else f"is yielded but never closed: nothing closes {name} after the response"
        )
        return _Verdict(
            "bad",
            f"{label} {what}; write `with {label} as {name}: yield {name}` or close it in "
            "`finally:`",
        )
    handlers = {s.in_except for s in _close_calls(func.scope, name)}
    if handlers == {True, False}:
        return _OK  # closed in the ``except:`` handler and after it: both paths
    if handlers == {True}:
        what = "is closed only when something fails: on success it stays open"
    elif closes:
        what = (
            "is closed only when nothing fails: an exception leaves its connection and "
            "transaction open"
        )
    else:
        what = (
            "is never closed: its connection and transaction stay open until the object is "
            "garbage collected, and the pool runs dry under load"
        )
    return _Verdict(
        "bad", f"{label} {what}; use `with {label} as {name}:` (or close it in `finally:`)"
    )


def judge(site: CallSite, func: FunctionInfo, label: str) -> _Verdict:
    """The verdict for the session opened by ``site`` in the body of ``func``."""
    use = site.use
    if use.startswith("="):
        return _judge_name(func, use[1:], label)
    if use == "return":
        return _FACTORY
    if use == "yield":
        return _Verdict(
            "bad",
            f"{label} is yielded but never closed; write `with {label} as session: yield session`",
        )
    if use == "attr":
        return _Verdict(
            "bad",
            f"{label} is used once and never closed; open it with `with {label} as session:`",
        )
    return _OK


class _Openers:
    """Recognises calls that open a session (and the factories found along the way)."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self.names = set(SESSION_CLASSES)
        self.factories: dict[int, FuncSym] = {}
        self._collect_names()

    def _collect_names(self) -> None:
        """Names bound to sessionmakers, their import aliases and project session classes."""
        for info, _ in iter_functions(self.index):
            self._maker_names(info.scope)
        for summary in self.index.modules.values():
            self._maker_names(summary.scope)
        for summary in self.index.modules.values():
            for local, binding in summary.scope.imports.items():
                if binding.name in self.names:
                    self.names.add(local)
        called = self.index.called_names()  # a class never called opens nothing (``label``)
        for cls in iter_classes(self.index):
            if cls.info.name in called and self._is_session_class(cls):
                self.names.add(cls.info.name)

    def _maker_names(self, scope: Scope) -> None:
        for name, assigns in scope.assigns.items():
            for assign in assigns:
                value = assign.value
                if isinstance(value, Call) and _last(value.func) in SESSIONMAKERS:
                    self.names.add(name)

    def add_factory(self, func: FuncSym) -> bool:
        """Remember a function that returns a new session; False if already known."""
        if id(func.info) in self.factories:
            return False
        self.factories[id(func.info)] = func
        self.names.add(func.info.name)
        return True

    def label(self, call: Call, ctx: Ctx) -> str | None:
        """``Session(...)``-style label when ``call`` opens a session, else None."""
        func = call.func
        if isinstance(func, Call):
            return "sessionmaker(...)()" if self._is_maker(self.index.value(func, ctx)) else None
        if not isinstance(func, Name):
            return None
        receiver, _, last = func.dotted.rpartition(".")
        if last in CONNECTION_METHODS and receiver:
            return f"{func.dotted}()" if self._is_engine(Name(receiver), ctx) else None
        if last in self.names and self._opens(self.index.value(func, ctx)):
            return f"{func.dotted}()"
        return None

    def _opens(self, value: object) -> bool:
        """A session class, a sessionmaker instance or a known factory."""
        if self._is_session_class(value) or self._is_maker(value):
            return True
        return isinstance(value, FuncSym) and id(value.info) in self.factories

    def _is_session_class(self, value: object) -> bool:
        if isinstance(value, External):
            return value.is_from(*_LIBRARIES) and value.last in SESSION_CLASSES
        if isinstance(value, ClassSym):
            return any(derives_from(self.index, value, lib, SESSION_CLASSES) for lib in _LIBRARIES)
        return False

    def _is_engine(self, expr: Name, ctx: Ctx) -> bool:
        """``expr`` holds ``create_engine(...)`` / ``create_async_engine(...)``."""
        value = self.index.value(expr, ctx)
        return (
            isinstance(value, Instance)
            and isinstance(value.cls, External)
            and value.cls.is_from(*_LIBRARIES)
            and value.cls.last in ENGINE_FACTORIES
        )

    @staticmethod
    def _is_maker(value: object) -> bool:
        return (
            isinstance(value, Instance)
            and isinstance(value.cls, External)
            and value.cls.is_from("sqlalchemy")
            and value.cls.last in SESSIONMAKERS
        )


def _last(expr: Expr) -> str:
    return expr.dotted.rpartition(".")[2] if isinstance(expr, Name) else ""


def _site_of(scope: Scope, call: Call) -> CallSite | None:
    return next((s for s in scope.calls if s.call is call), None)


class SessionContextRule(ProjectRule):
    """BK303: sessions opened without ``with`` or a closing ``yield`` dependency."""

    code = "BK303"
    cost = 5
    links = False  # reads the index only; ``after_link`` settles the factories' findings
    VALID = (
        Example(
            {"app/__init__.py": "", "app/db.py": _DB, "app/deps.py": _DEPS_OK, "app/main.py": _MAIN}
        ),
    )
    INVALID = (
        Example(
            {
                "app/__init__.py": "",
                "app/db.py": _DB,
                "app/deps.py": _DEPS_BAD,
                "app/main.py": _MAIN,
            }
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Every session-opening call in a function, judged by what is done with it."""
        run = _Run(self, ctx)
        for info, where in iter_functions(ctx.index):
            yield from run.check_function(FuncSym(info, where), info.scope.calls)
        yield from run.factories()

    def after_link(self, ctx: ProjectContext, findings: list[Finding]) -> list[Finding]:
        """Keep a factory's finding (marked ``PENDING``) only if FastAPI calls the factory
        as a dependency: whether it does is known once the routes are."""
        if not any(PENDING in finding.extra for finding in findings):
            return findings
        dependencies = {func.qualname for func in request_functions(ctx)}
        kept = []
        for finding in findings:
            factory = finding.extra.pop(PENDING, None)
            if factory is None or factory in dependencies:
                kept.append(finding)
        return kept


class _Run:
    """One run of BK303: openers, the factories found and the call sites already judged."""

    def __init__(self, rule: SessionContextRule, ctx: ProjectContext) -> None:
        self.rule = rule
        self.ctx = ctx
        self.openers = _Openers(ctx.index)
        self.pending: list[FuncSym] = []
        self.returned_at: dict[int, tuple[str, int, str]] = {}
        self.judged: set[int] = set()

    def check_function(self, func: FuncSym, sites: Iterable[CallSite]) -> Iterator[Finding]:
        """Judge the sessions opened by ``sites`` (calls in ``func``'s body)."""
        inner = func.ctx.enter(func.info)
        for site in sites:
            if id(site) in self.judged:
                continue
            label = self.openers.label(site.call, inner)
            if label is None:
                continue
            self.judged.add(id(site))
            verdict = judge(site, func.info, label)
            path = func.ctx.module.path
            if verdict.kind == "factory" and self.openers.add_factory(func):
                self.pending.append(func)
                self.returned_at[id(func.info)] = (path, site.line, label)
            elif verdict.kind == "bad":
                message = f"{verdict.message} (in {func.info.name})"
                yield self.rule.finding(path, site.line, message)

    def factories(self) -> Iterator[Finding]:
        """Every factory, with a finding that stands if FastAPI calls it as a dependency
        (``PENDING``: settled by ``after_link``), and the call sites of every factory."""
        while self.pending:
            factory = self.pending.pop()
            path, line, label = self.returned_at[id(factory.info)]
            yield self.rule.finding(
                path,
                line,
                f"{factory.info.name} returns {label} to FastAPI as a dependency; FastAPI "
                "closes nothing a dependency returns, so every request leaks a session; "
                f"yield it from `with {label} as session:` instead",
                extra={PENDING: factory.qualname},
            )
            for call, where in self.ctx.index.callers(factory.info):
                owner = where.owners[-1]
                site = _site_of(where.scopes[-1], call)
                if owner is not None and site is not None and len(where.scopes) > 1:
                    caller = FuncSym(owner, where.truncate(where.scopes[-2]))
                    yield from self.check_function(caller, (site,))
