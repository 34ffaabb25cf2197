"""Which routes ``backendkit routes PATHS`` lists, and which findings ``lint PATHS`` reports
for files it was not given: paths name files or directories, the project is analysed whole."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from backendkit.result import AnalysisResult, Route


def listed_routes(result: AnalysisResult, paths: Sequence[Path]) -> list[Route]:
    """The routes ``backendkit routes PATHS`` lists (``under_paths``), with their files as
    the output shows them; a note when the paths declare none of the project's."""
    shown = result.display_path
    listed = [
        replace(r, file=shown(r.file), sources=tuple(shown(p) for p in r.sources))
        for r in result.routes
        if under_paths(result.root / r.file, paths)
    ]
    if paths and result.routes and not listed:
        sys.stderr.write(
            f"note: no route is declared in the given paths (the project has "
            f"{len(result.routes)}; 'backendkit routes' lists them all)\n"
        )
    return listed


def under_paths(file: Path, paths: Sequence[Path]) -> bool:
    """Whether ``file`` is one of ``paths`` or under one of them (True with no paths): a
    route declared there is listed, a finding there is reported for it (a project's root
    holds all)."""
    if not paths:
        return True
    full = file.resolve()
    for path in paths:
        named = path.resolve()
        if full == named or named in full.parents:
            return True
    return False
