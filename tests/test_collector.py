"""Facts the per-file pass records beyond names: type-only imports, loops, guards."""

from __future__ import annotations

import libcst as cst

from backendkit.summary.collector import build_summary

SOURCE = """\
from __future__ import annotations

import typing
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pkg.b import B
else:
    import os
if typing.TYPE_CHECKING:
    import pkg.c
import sys

for router, prefix in ROUTERS:
    app.include_router(router, prefix=prefix)
if DEBUG:
    app.include_router(debug)
"""


def test_type_checking_imports_loops_and_guards_are_recorded() -> None:
    """Imports under ``if TYPE_CHECKING:`` are flagged; calls know their loops and guards."""
    summary = build_summary("m.py", "m", False, cst.parse_module(SOURCE))
    flagged = {r.module: r.type_checking for r in summary.imports}
    assert flagged == {
        "__future__": False,
        "typing": False,
        "pkg.b": True,
        "os": False,
        "pkg.c": True,
        "sys": False,
    }
    calls = {s.line: (s.loops, s.guarded) for s in summary.scope.calls}
    assert calls[15] == ((14,), False)
    assert calls[17] == ((), True)
