"""Helpers shared by the tests: writing example projects to disk."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest


def write_project(
    root: Path,
    files: Mapping[str, str],
    options: Mapping[str, Mapping[str, object]] | None = None,
    select: list[str] | None = None,
) -> Path:
    """Write ``files`` under ``root`` with a pyproject.toml holding ``[tool.backendkit]``."""
    root.mkdir(parents=True, exist_ok=True)
    lines = ["[tool.backendkit]"]
    if select:
        lines.append("select = [" + ", ".join(f'"{c}"' for c in select) + "]")
    for section, values in (options or {}).items():
        lines.append(f"[tool.backendkit.{section}]")
        for key, value in values.items():
            lines.append(f"{key} = {_toml(value)}")
    (root / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def guarded_routes(main: str, names: Iterable[str]) -> str:
    """``main`` followed by one ``GET /<name>`` route per dependency ``<name>`` (in
    ``dependencies=[Depends(<name>)]``): the ``app/main.py`` of a project checking
    dependencies one route each."""
    routes = [
        f'\n\n@app.get("/{name}", dependencies=[Depends({name})])\n'
        f"def route_{name}() -> str:\n    return 'ok'\n"
        for name in names
    ]
    return main + "".join(routes)


def route_per_name(root: Path, main: str, route: str, names: Iterable[str]) -> Path:
    """A project whose ``app/main.py`` is ``main`` followed by ``route`` formatted once per
    name (one route per dependency), linted for BK101 only."""
    source = main + "".join(route.format(name=name) for name in names)
    return write_project(root, {"app/__init__.py": "", "app/main.py": source}, select=["BK101"])


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f'"{k}" = {_toml(v)}' for k, v in value.items()) + "}"
    raise TypeError(type(value))


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[int]:
    """Wrap ``owner.name`` for the test; the returned list grows by one at each call."""
    calls: list[int] = []
    real: Callable[..., Any] = getattr(owner, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def pipeline_findings(
    root: Path, files: Iterable[str], rules: list[Any], workers: int
) -> list[Any]:
    """The findings ``pipeline.linked_findings`` gives for project ``rules`` on the project
    at ``root`` made of ``files`` (relative paths), summarised without file rules."""
    from backendkit import pipeline
    from backendkit.catalogue import load_catalogue
    from backendkit.config import load_config
    from backendkit.engine import file_task
    from backendkit.runner import summarize_all

    config = load_config(root, load_catalogue())
    tasks = [file_task(root, root / path) for path in sorted(files)]
    summaries = summarize_all(tasks, [], None, 1)
    _project, found = pipeline.linked_findings(root, config, summaries, rules, workers)
    return found
