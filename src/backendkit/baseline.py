"""Baselines: record today's findings, then report only new ones.

Findings are matched by the reporters' stable fingerprint (rule code, file, and the text of
the reported line, plus an occurrence number), never by line number, so code that moves
within its file does not revive a recorded finding, while a second copy of it is new.

Paths are recorded (and fingerprinted) relative to the baseline file's directory, with ``..``
where needed (``.ci/baseline.json`` records ``../app/main.py``), so one baseline matches
whatever directory backendkit runs from, whichever files it is given (a monorepo's pre-commit
run names files of several projects, a full run lints them all) and wherever the repository is
checked out. A baseline written before paths were relative to it (project-relative paths)
still matches: a finding is known if either form of its fingerprint is recorded.

Writing a baseline from some files (``lint app/api --write-baseline b.json``) keeps what the
file records for the files the run did not look at; a run with ``--baseline`` notes how many
recorded findings of the files it looked at no longer occur (fixed, or changed and so new).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from backendkit.findings import Finding
from backendkit.reporters.report import Report, fingerprints
from backendkit.routefilter import under_paths

VERSION = 1


@dataclass(frozen=True)
class RunScope:
    """What a run looked at: the files under ``places`` (the paths it was given, resolved, or
    the project's root), for the rule ``codes`` it checked. A baseline's entries outside it
    are neither stale nor rewritten."""

    places: tuple[Path, ...]
    codes: frozenset[str]
    whole: bool  # the project's root, every rule its configuration enables

    def covers(self, file: Path, code: str) -> bool:
        """The run looked at ``file`` for ``code``."""
        return code in self.codes and under_paths(file, self.places)


@dataclass(frozen=True)
class Baseline:
    """The fingerprints a baseline file records; its paths are relative to ``directory``.
    ``entries``: the file and rule code each fingerprint was recorded for (the stale count)."""

    directory: Path
    fingerprints: frozenset[str]
    entries: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __contains__(self, fingerprint: object) -> bool:
        return fingerprint in self.fingerprints

    def stale(self, matched: set[str], scope: RunScope) -> int:
        """How many recorded findings the run looked at (``scope``) no current finding
        matches: fixed, or changed so that they are new."""
        return sum(
            1
            for fp, (path, code) in self.entries.items()
            if fp not in matched and scope.covers(self.directory / path, code)
        )


def _directory(path: Path) -> Path:
    return path.resolve().parent


def _relative_to(directory: Path, report: Report) -> Callable[[str], str]:
    """Names a finding's path relative to ``directory`` (``..`` allowed; absolute only when
    no relative path exists, another drive on Windows)."""

    def shown(path: str) -> str:
        full = report.root / path
        try:
            return Path(os.path.relpath(full, directory)).as_posix()
        except ValueError:
            return full.as_posix()

    return shown


def write_baseline(path: Path, report: Report, scope: RunScope | None = None) -> tuple[int, int]:
    """Write every finding of ``report`` to ``path``; return how many, and how many entries
    of an existing baseline it kept: those the run did not look at (``scope``: another
    directory's, another project's of a monorepo's baseline, another rule's under
    ``--select``). Raises ``ValueError`` when it would have to keep some and the file there
    does not read as a baseline (a merge conflict, another version)."""
    shown = _relative_to(_directory(path), report)
    entries = [
        {
            "fingerprint": fp,
            "code": f.code,
            "path": shown(f.path),
            "line": f.line,
            "message": f.message,
        }
        for f, fp in zip(report.findings, fingerprints(report, shown), strict=True)
    ]
    written = {entry["fingerprint"] for entry in entries}
    kept = [] if scope is None else _outside(path, scope)
    kept = [entry for entry in kept if entry.get("fingerprint") not in written]
    document = {"tool": "backendkit", "version": VERSION, "findings": entries + kept}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return len(entries), len(kept)


def _outside(path: Path, scope: RunScope) -> list[dict[str, object]]:
    """The entries of the baseline at ``path`` the run did not look at (none when there is
    no file, or a whole run meets one it cannot read: it is written afresh)."""
    if not path.exists():
        return []
    try:
        document = _document(path, "--write-baseline")
    except ValueError as error:
        if scope.whole:
            return []
        raise ValueError(
            f"{error}; a run of some files or rules keeps the others' entries, so write it "
            "from the whole project"
        ) from None
    directory = _directory(path)
    return [
        entry
        for entry in document["findings"]
        if isinstance(entry, dict)
        and isinstance(entry.get("fingerprint"), str)
        and not scope.covers(directory / str(entry.get("path", "")), str(entry.get("code")))
    ]


def load_baseline(path: Path, flag: str = "--baseline") -> Baseline:
    """The fingerprints recorded in ``path``; ``ValueError`` with one line (naming ``flag``)
    when unusable."""
    document = _document(path, flag)
    entries = {
        e["fingerprint"]: (str(e.get("path", "")), str(e.get("code", "")))
        for e in document["findings"]
        if isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
    }
    return Baseline(_directory(path), frozenset(entries), entries)


def _document(path: Path, flag: str) -> dict:
    """The baseline document at ``path``, checked: this tool's, this version, a list of
    findings."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        message = f"{flag} {path}: no such file (create it with --write-baseline)"
        raise ValueError(message) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{flag} {path}: not a backendkit baseline ({error})") from None
    if not isinstance(document, dict) or document.get("tool") != "backendkit":
        raise ValueError(f"{flag} {path}: not a backendkit baseline file")
    if document.get("version") != VERSION:
        raise ValueError(
            f"{flag} {path}: version {document.get('version')!r} is not {VERSION}; "
            "write it again with --write-baseline"
        )
    if not isinstance(document.get("findings", []), list):
        raise ValueError(f"{flag} {path}: 'findings' is not a list")
    document.setdefault("findings", [])
    return document


def new_findings(report: Report, known: Baseline) -> tuple[list[Finding], set[str]]:
    """The findings of ``report`` whose fingerprint the baseline does not hold (with paths
    relative to the baseline's directory, or project-relative as older baselines have them),
    and the recorded fingerprints the others matched."""
    prints = fingerprints(report, _relative_to(known.directory, report))
    older = fingerprints(report, str)
    new: list[Finding] = []
    matched: set[str] = set()
    for finding, fp, old in zip(report.findings, prints, older, strict=True):
        if fp in known or old in known:
            matched.update({fp, old} & known.fingerprints)
        else:
            new.append(finding)
    return new, matched


def run_scope(paths: Sequence[Path], root: Path, codes: set[str], selected: bool) -> RunScope:
    """What a run of ``paths`` (of the project at ``root``) checking ``codes`` looked at: the
    paths, or the root when they cover it (none, or one holding the root); ``selected``: the
    rules were narrowed on the command line (``--select``, ``--ignore``)."""
    top = root.resolve()
    if under_paths(top, paths):  # no paths, or one holding the root
        return RunScope((top,), frozenset(codes), not selected)
    return RunScope(tuple(Path(p).resolve() for p in paths), frozenset(codes), False)


def record_baseline(report: Report, path: Path, scope: RunScope) -> int:
    """``lint --write-baseline``: record, and say how many entries were kept (exit 0)."""
    count, kept = write_baseline(path, report, scope)
    more = f", and kept the {kept} of files or rules this run did not check" if kept else ""
    sys.stderr.write(f"Recorded {count} finding(s) in {path}{more}\n")
    return 0


def beyond_baseline(report: Report, path: Path, scope: RunScope, quiet: bool) -> list[Finding]:
    """The findings ``path`` does not record; a note on stderr counts the recorded ones the
    run looked at that no finding matches any more."""
    known = load_baseline(path)
    found, matched = new_findings(report, known)
    stale = known.stale(matched, scope)
    if stale and not quiet:
        sys.stderr.write(
            f"note: {stale} finding(s) recorded in {path} no longer occur (fixed, or changed "
            "and reported as new); write the baseline again to drop them\n"
        )
    return found
