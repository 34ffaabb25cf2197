"""The project snapshot: what the last run of a project found, so that an unchanged project
(or one whose change does not matter to the project pass) is not analysed again.

One file, ``<cache_dir>/project.pickle``, holds for every file of the last run its stat
signature, content hash, the digest of its summary's *shape* (everything the project pass reads:
scopes and imports, not line counts, findings, notes or suppression comments; ``cache.encode``
computes it) and what the
result needs from it (its file findings, suppression directives, notes and parse status), and
for the project its cross-file findings and routes, keyed by the shapes of all files.

A run then:

1. hashes only the files whose stat signature (mtime, ctime, size, inode) changed since the
   snapshot, like ruff and mypy do; a signature too close to the snapshot's own write time is
   not trusted (a file could change again within the file system's timestamp granularity);
2. summarises only the changed files (the per-file cache in ``cache.py`` still applies);
3. reuses the project findings and routes when every file's shape is unchanged (for example a
   comment appended to a file) and the snapshot's project findings cover the files this run
   reports on, and otherwise runs the project pass over all summaries; there, a rule that
   reads one part of the project only (``ProjectRule.reads``: the import statements) is not
   run again when that part is unchanged (``RuleReuse``): its last findings are kept.

A run given some files (pre-commit's list) computes the project findings of those files only
(``ProjectRule.focusable``), and its snapshot says so (``focus``): a later run reuses them only
for files inside that focus.

The snapshot is keyed by everything else the results depend on (``key``): the per-file
fingerprint (backendkit version and code, Python, file rules and options), the project rules and
their options and the project's rule options. Damaged, foreign or stale snapshots are ignored.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from backendkit.cache import MAGIC, atomic_write, code_stamp, digest, imports_of, prepare
from backendkit.filetask import FileTask, read_bytes
from backendkit.findings import Finding
from backendkit.packs import read_pickled
from backendkit.result import Route
from backendkit.summary.model import Directive, ModuleSummary

if TYPE_CHECKING:
    from backendkit.catalogue import RuleInfo
    from backendkit.config import Config

FORMAT = 3
RACY_NS = 2_000_000_000  # stat signatures this close to the snapshot's write time are re-hashed

Signature = tuple[int, int, int, int]
#: A rule's findings with the digest of the part of the project it read (``reads_keys``).
Kept = tuple[str, list[Finding]]


@dataclass
class FileRecord:
    """What the result needs from one file, and how to tell whether it changed."""

    task: FileTask
    signature: Signature | None
    content: str | None  # content hash; None when the file could not be read
    shape: str
    findings: list[Finding]
    directives: list[Directive]
    notes: list[str]
    parsed: bool

    @property
    def path(self) -> str:
        """The project-relative path (what suppressions are looked up by)."""
        return self.task.rel_path


@dataclass
class Snapshot:
    """The last run's per-file records and project results."""

    key: str
    written_ns: int
    files: dict[str, FileRecord] = field(default_factory=dict)
    shapes: str = ""
    project_findings: list[Finding] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    #: the files whose project findings ``project_findings`` holds (None: every file)
    focus: frozenset[str] | None = None
    #: the findings of the rules that read part of the project only (``RuleReuse``)
    kept: dict[str, Kept] = field(default_factory=dict)


def covers(done: frozenset[str] | None, wanted: frozenset[str] | None) -> bool:
    """Whether project findings computed for the files ``done`` (None: all) hold every
    finding of the files ``wanted`` (None: all)."""
    return done is None or (wanted is not None and wanted <= done)


def signature(path: str) -> Signature | None:
    """The stat signature of a file, or None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def record(
    task: FileTask,
    sig: Signature | None,
    content: str | None,
    summary: ModuleSummary,
    shape: str,
) -> FileRecord:
    """The record of a freshly summarised (or cache-loaded) file with its ``shape`` (see
    ``cache.encode``; "" for runs without cache, which never compare shapes)."""
    return FileRecord(
        task,
        sig,
        content,
        shape,
        list(summary.findings),
        list(summary.directives),
        list(summary.notes),
        summary.parsed,
    )


def shapes_key(records: Iterable[FileRecord]) -> str:
    """One digest over the shapes (and names) of all files, in order."""
    parts = [
        (r.task.rel_path, r.task.module, r.task.is_package, r.parsed, r.shape) for r in records
    ]
    return digest(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL))


def reads_keys(records: Iterable[FileRecord]) -> dict[str, str]:
    """The digest of each part of the project a rule may read alone (``ProjectRule.reads``),
    over all files in order: "imports", the modules and their import statements."""
    parts = [
        (r.task.rel_path, r.task.module, r.task.is_package, r.parsed, imports_of(r.shape))
        for r in records
    ]
    return {"imports": digest(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL))}


@dataclass
class RuleReuse:
    """The findings of the rules that read one part of the project only: those of the last
    run (``old``, by rule code) are taken again when that part's digest is unchanged
    (``keys``, see ``reads_keys``); ``new`` collects this run's for the next snapshot."""

    keys: dict[str, str]
    old: dict[str, Kept] = field(default_factory=dict)
    new: dict[str, Kept] = field(default_factory=dict)

    def reusable(self, code: str, reads: str) -> list[Finding] | None:
        """The last run's findings of rule ``code`` if what it ``reads`` is unchanged."""
        key, kept = self.keys.get(reads), self.old.get(code)
        if key is None or kept is None or kept[0] != key:
            return None
        return list(kept[1])

    def keep(self, code: str, reads: str, findings: list[Finding]) -> None:
        """Record this run's ``findings`` of rule ``code`` for the next run."""
        key = self.keys.get(reads)
        if key is not None:
            self.new[code] = (key, list(findings))


def snapshot_key(rules: list[list[str]], options: object) -> str:
    """Everything besides the files that the snapshot's content depends on: backendkit and
    Python, the enabled ``rules`` (code, name, severity, options each) and the rule ``options``
    of the configuration."""
    from backendkit import __version__  # the package imports the engine, which imports this

    parts = {
        "format": FORMAT,
        "version": __version__,
        "python": list(sys.version_info[:3]),
        "code": code_stamp(),
        "rules": rules,
        "options": options,
    }
    return digest(json.dumps(parts, sort_keys=True, default=repr).encode())


def run_key(config: Config, catalogue: dict[str, RuleInfo], enabled: Iterable[str]) -> str:
    """The snapshot key of a run: the enabled rules with their options, the options, and the
    configuration file's bytes (findings about the configuration give its line numbers)."""
    rules = []
    for code in sorted(enabled):
        info = catalogue.get(code)
        if info is not None:
            options = config.options.get(info.options_section or "", {})
            rules.append([code, info.name, str(info.severity), json.dumps(options, default=repr)])
    return snapshot_key(rules, [config.options, _file_digest(config.source)])


def _file_digest(path: Path | None) -> str:
    """The content hash of the file at ``path`` ("" when there is none or it cannot be read)."""
    if path is None:
        return ""
    data, _problem = read_bytes(str(path))
    return digest(data) if data is not None else ""


class SnapshotStore:
    """Reads and writes the snapshot file of one project's cache directory."""

    def __init__(self, directory: Path, key: str) -> None:
        self.path = directory / "project.pickle"
        self.key = key

    def load(self) -> Snapshot | None:
        """The snapshot when it is intact and has this run's key, else None."""
        snapshot = read_pickled(self.path, MAGIC)  # damaged or foreign: rebuilt, never trusted
        if not isinstance(snapshot, Snapshot) or snapshot.key != self.key:
            return None
        return snapshot

    def save(self, snapshot: Snapshot) -> None:
        """Write ``snapshot`` atomically; failures only cost the next run time."""
        try:
            payload = MAGIC + pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL)
            prepare(self.path.parent)
            atomic_write(self.path, payload)
        except (OSError, pickle.PicklingError, RecursionError):
            pass


def trusted(snapshot: Snapshot, task: FileTask, sig: Signature | None) -> FileRecord | None:
    """The snapshot's record of ``task`` when its stat signature proves it unchanged."""
    old = snapshot.files.get(task.rel_path)
    if old is None or sig is None or old.task != task or old.signature != sig:
        return None
    if snapshot.written_ns - max(sig[0], sig[1]) < RACY_NS:
        return None
    return old


def now_ns() -> int:
    """The write time recorded in a new snapshot (taken before the files are read)."""
    return time.time_ns()


__all__ = [
    "FileRecord",
    "Kept",
    "RuleReuse",
    "Snapshot",
    "SnapshotStore",
    "covers",
    "reads_keys",
    "record",
    "run_key",
    "shapes_key",
    "signature",
    "snapshot_key",
    "trusted",
]
