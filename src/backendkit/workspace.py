"""Projects inside projects (uv workspaces, monorepos): every file belongs to the nearest
directory above it that holds a ``pyproject.toml``, also when a parent directory is linted."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

MARKERS = ("pyproject.toml",)


def nested_roots(root: Path, files: Sequence[Path]) -> list[Path]:
    """Directories strictly below ``root`` that hold a project file and own some of ``files``
    (as their nearest project directory). String operations, each directory checked once:
    this runs on every lint, over every file."""
    top = str(root)
    prefix = top.rstrip(os.sep) + os.sep
    nearest: dict[str, str | None] = {top: None}
    found: set[str] = set()
    for path in files:
        directory = os.path.dirname(str(path))
        chain: list[str] = []
        while directory not in nearest:
            if not directory.startswith(prefix):
                nearest[directory] = None
            elif any(os.path.isfile(os.path.join(directory, m)) for m in MARKERS):
                nearest[directory] = directory
            else:
                chain.append(directory)
                directory = os.path.dirname(directory)
        owner = nearest[directory]
        nearest.update(dict.fromkeys(chain, owner))
        if owner is not None:
            found.add(owner)
    return sorted(Path(d) for d in found)


def _owner(path: Path, nested: Sequence[Path]) -> Path | None:
    """The deepest nested project containing ``path`` (or being it)."""
    owners = [n for n in nested if n == path or n in path.parents]
    return max(owners, key=lambda n: len(n.parts)) if owners else None


def split_targets(
    root: Path, nested: Sequence[Path], targets: Sequence[Path]
) -> tuple[list[Path] | None, dict[Path, list[Path]]]:
    """Which targets each project reports on: ``None`` for the root when it has nothing to
    report, ``[]`` for "all its files"; nested projects that nothing selects are left out."""
    if not targets:
        return [], {n: [] for n in nested}
    own = [t for t in targets if _owner(t.resolve(), nested) is None]
    per_project: dict[Path, list[Path]] = {}
    for project in nested:
        selected = _selected_in(project, root, targets, nested)
        if selected is not None:
            per_project[project] = selected
    return (own or None), per_project


def _selected_in(
    project: Path, root: Path, targets: Sequence[Path], nested: Sequence[Path]
) -> list[Path] | None:
    """``None`` when no target touches ``project``, ``[]`` when one covers all of it, else
    the targets inside it."""
    inside: list[Path] = []
    for target in targets:
        resolved = target.resolve()
        if resolved in (project, root) or resolved in project.parents:
            return []
        if _owner(resolved, nested) == project:
            inside.append(target)
    return inside or None
