"""Settings the operator gives, for BK110: a module-level UPPER_CASE name bound to a string or
a number, or read from the environment (``BUSY_TIMEOUT = os.getenv("BUSY_TIMEOUT", "5000")``,
also through ``int(...)`` or ``str(...)``), is configuration, not request data: text made from
it (``f"PRAGMA busy_timeout={BUSY_TIMEOUT}"``, which no driver can bind) injects nothing a
caller sends."""

from __future__ import annotations

import re

from backendkit.project.configvalues import env_read
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx, VarSym
from backendkit.summary.model import Call, Expr, Name

_CASTS = frozenset({"int", "str", "float"})
#: a constant's name by convention (``TABLES``, ``_DEFAULT_LIMIT``), its last part when dotted
CONSTANT_NAME = re.compile(r"^_?[A-Z][A-Z0-9_]*$")


def operator_setting(index: ProjectIndex, dotted: str, ctx: Ctx) -> bool:
    """``dotted`` (an UPPER_CASE name) holds a literal string or number, or a module-level
    value read from the environment and bound once."""
    if isinstance(index.value(Name(dotted), ctx), (str, int, float)):
        return True
    found = index.lookup(dotted, ctx)
    if not isinstance(found, VarSym) or len(found.ctx.scopes) != 1:
        return False
    if len(found.ctx.scopes[0].assigns.get(found.name, ())) != 1:
        return False
    return _from_environment(index, found.assign.value, found.ctx)


def _from_environment(index: ProjectIndex, value: Expr | None, ctx: Ctx) -> bool:
    """``os.getenv(...)`` / ``os.environ.get(...)``, or ``int(...)`` / ``str(...)`` of one."""
    if not isinstance(value, Call):
        return False
    if isinstance(value.func, Name) and value.func.dotted in _CASTS and len(value.args) == 1:
        return _from_environment(index, value.args[0], ctx)
    return env_read(index, value, ctx) is not None
