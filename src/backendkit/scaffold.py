"""``backendkit new``: render the bundled Copier template into a new project."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

import backendkit

TEMPLATE_MARKER = "copier.yml"


def template_root() -> Path:
    """Locate the template: inside an installed wheel, else the source checkout's root.

    The wheel force-includes ``copier.yml`` and ``copier-template/`` under
    ``backendkit/_data/template``; a source checkout keeps them at the repo root.
    """
    packaged = Path(backendkit.__file__).resolve().parent / "_data" / "template"
    if (packaged / TEMPLATE_MARKER).is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / TEMPLATE_MARKER).is_file():
        return checkout
    raise FileNotFoundError("backendkit's Copier template was not found (broken installation?)")


def parse_data_pairs(pairs: list[str]) -> dict[str, object]:
    """Parse ``KEY=VALUE`` answers; values are YAML (``mcp=false``, ``cors_origins=[...]``).

    Raises ValueError with a one-line message for a malformed pair.
    """
    answers: dict[str, object] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise ValueError(f"bad --data {pair!r}: expected KEY=VALUE with KEY a question name")
        answers[key] = _parse_value(key, raw)
    return answers


def _parse_value(key: str, raw: str) -> object:
    """Read one answer as YAML; plain text stays a string, empty means empty string."""
    if not raw.strip():
        return ""
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        first_line = str(exc).splitlines()[0]
        raise ValueError(f"bad --data value for {key!r}: {first_line}") from exc
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return raw.strip()  # versions like 3.12 must stay strings
    return value


def new_project(
    dest: Path,
    *,
    data: dict[str, object] | None = None,
    defaults: bool = False,
    template: Path | None = None,
) -> Path:
    """Render the template into ``dest`` and return its resolved path.

    ``defaults=True`` answers every question not in ``data`` with its default (no prompts).
    The template has no ``_tasks``, so nothing is executed on the user's machine.
    """
    import copier  # imported lazily: copier is slow to import

    source = Path(template) if template is not None else template_root()
    dest = Path(dest).resolve()
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} exists and is not empty; choose a new directory")
    check_questions(source, data or {})
    if not defaults and not sys.stdin.isatty():
        raise ValueError(
            "the template's questions need a terminal and standard input is not one: pass "
            "--defaults, with --data KEY=VALUE for each answer you choose"
        )
    try:
        copier.run_copy(
            str(source),
            dest,
            data=dict(data or {}),
            defaults=defaults,
            unsafe=False,
            quiet=defaults,
            # this backendkit's own template, uncommitted edits included (in a checkout, the
            # latest release tag would be rendered instead; with none, copier says so)
            vcs_ref="HEAD",
        )
    except copier.errors.CopierError as error:  # e.g. an answer its validator refuses
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ValueError(f"copier: {first_line}") from error
    return dest


def questions(source: Path) -> list[str]:
    """The question names of the template at ``source`` (keys of copier.yml without a '_')."""
    config = yaml.safe_load((source / TEMPLATE_MARKER).read_text(encoding="utf-8")) or {}
    return [key for key in config if not str(key).startswith("_")]


def check_questions(source: Path, data: dict[str, object]) -> None:
    """Raise ValueError naming an answer for a question the template does not ask."""
    known = questions(source)
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ValueError(
            f"--data {unknown[0]}=...: the template has no question {unknown[0]!r}; "
            f"its questions are: {', '.join(known)}"
        )
