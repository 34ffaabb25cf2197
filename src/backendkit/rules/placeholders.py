"""The placeholder side of BK104: a secret whose default is a placeholder (``SECRET_KEY: str =
"changeme"``, ``os.getenv("JWT_SECRET", "change-me")``) signs tokens in production as well as
any other string when nothing overrides it. It is fine only when the project rejects the
placeholder at start-up: when, outside its test files, it compares something with that literal
(``if value == "changethis": raise ValueError(...)``), looks a value up in a literal collection
holding it (``if value in ("changeme", ""):``) or keeps it in a collection
(``PLACEHOLDER_SECRETS = frozenset({"changeme", ...})``, then ``value in
PLACEHOLDER_SECRETS``). An empty default and an interpolation (``${SECRET_KEY}``) are no
placeholders a server could run with."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property

from backendkit.project.index import ProjectIndex
from backendkit.rules.secretvalues import PLACEHOLDER, text_of
from backendkit.summary.model import Call, Const, Expr, Scope, Seq

__all__ = ["Rejected", "nested_scopes", "placeholder_text"]


def placeholder_text(value: object) -> str | None:
    """The placeholder ``value`` is (``"changeme"``, ``"your-secret-key"``), or None."""
    text = text_of(value)
    if text is None:
        return None
    text = text.strip()
    if not text or text.startswith("${") or not PLACEHOLDER.search(text):
        return None
    return text


class Rejected:
    """The string literals a project's code (not its test files: ``wanted``) compares values
    with, looks them up among or keeps in collections; read once, on first use."""

    def __init__(self, index: ProjectIndex, wanted: Callable[[str], bool]) -> None:
        self.index = index
        self.wanted = wanted

    def __contains__(self, text: str) -> bool:
        return text in self.literals

    @cached_property
    def literals(self) -> frozenset[str]:
        """Every such literal of the project."""
        found: set[str] = set()
        for summary in self.index.modules.values():
            if self.wanted(summary.path):
                for scope in nested_scopes(summary.scope):
                    found.update(_tested(scope))
        return frozenset(found)


def _tested(scope: Scope) -> Iterator[str]:
    """The literals ``scope`` compares with, looks up among and keeps in collections."""
    for compare in scope.compares:
        for side in (compare.left, compare.right):
            if isinstance(side, Const) and isinstance(side.value, str):
                yield side.value
    yield from scope.in_literals
    for assigns in scope.assigns.values():
        for assign in assigns:
            yield from _collected(assign.value)


def _collected(expr: Expr | None) -> Iterator[str]:
    """The strings of a collection display, also wrapped in a call (``frozenset({...})``); not
    a call's own arguments (``Field(default="changeme")`` keeps nothing)."""
    if isinstance(expr, Seq):
        for item in expr.items:
            if isinstance(item, Const) and isinstance(item.value, str):
                yield item.value
            else:
                yield from _collected(item)
    elif isinstance(expr, Call):
        for arg in expr.args:
            if isinstance(arg, (Seq, Call)):
                yield from _collected(arg)


def nested_scopes(scope: Scope) -> Iterator[Scope]:
    """``scope`` and every function and class scope nested in it."""
    yield scope
    for inner in (*scope.functions.values(), *scope.classes.values()):
        yield from nested_scopes(inner.scope)
