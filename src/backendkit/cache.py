"""Persistent cache of per-file results (DESIGN.md, section 3).

Entries live in pack files under ``<root>/<cache_dir>/files/`` (``cache_dir`` defaults to
``.backendkit_cache``; the directory gets a ``.gitignore`` of ``*``): each run writes the entries
it made as one pack (see ``packs.py``). An entry is ``(key, payload)``, the payload being the
summary as ``encode`` writes it (worker processes encode it once; the same bytes travel back and
are stored as they are); it is used only when ``key`` equals the current one:
the file's content hash (blake2b of its bytes), its task (path, module name, package flag) and
the run's fingerprint (cache format, backendkit and Python versions, the backendkit code itself
and the file rules with their options). Anything else (a damaged, truncated, foreign or stale
pack or entry) is a miss and is rewritten; reading never raises. Packs are written to a
temporary file that is then ``os.replace``d, so concurrent runs never see half of one.

The cache holds pickles: like ``__pycache__``, anyone who can write to it can run code as the
user running backendkit, so it lives inside the project and is never shared.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from backendkit.filetask import FileTask
from backendkit.graphs.importlines import import_facts
from backendkit.packs import Entry, Keep, Packs
from backendkit.summary.model import Directive, ModuleSummary, Scope

if TYPE_CHECKING:
    from backendkit.rules.base import FileRule

FORMAT = 61  # bump when the summary model or the entry layout changes
MAGIC = b"backendkit-cache\n"
_PACKAGE_DIR = Path(__file__).parent


#: A summary and its shape: the digest of what the project pass reads from it.
Shaped = tuple[ModuleSummary, str]


def encode(summary: ModuleSummary) -> tuple[bytes, str]:
    """A summary as bytes, and its shape.

    The part the project pass reads (names, scopes, imports, parse status) is pickled on its
    own, and its digest with the ``# backendkit: public`` markers (which the route inventory
    reads) is the shape; line count, directives, file findings and notes are pickled around
    it. So a comment edit changes the bytes but not the shape, unless it adds or removes a
    public marker. The shape ends with the digest of the import statements alone
    (``imports_of``), which the rules that read only the import graph depend on."""
    core = (summary.path, summary.module, summary.is_package, summary.parsed)
    inner = pickle.dumps((*core, summary.scope, summary.imports), pickle.HIGHEST_PROTOCOL)
    imports = digest(import_facts(summary))
    shape = _shape(inner, summary.directives, imports)
    outer = (inner, summary.line_count, summary.directives, summary.findings, summary.notes)
    return pickle.dumps((*outer, shape), pickle.HIGHEST_PROTOCOL), shape


def decode(payload: bytes) -> Shaped:
    """The summary and shape ``encode`` wrote (raises on damaged or foreign bytes). The shape
    is read, not computed again: hashing every summary was 4% of loading them all."""
    inner, line_count, directives, findings, notes, shape = pickle.loads(payload)
    path, module, is_package, parsed, scope, imports_list = pickle.loads(inner)
    summary = ModuleSummary(
        path,
        module,
        is_package,
        line_count,
        scope,
        imports_list,
        directives,
        findings,
        notes,
        parsed,
    )
    if not isinstance(scope, Scope) or not isinstance(findings, list) or not isinstance(shape, str):
        raise TypeError("not a backendkit summary")
    return summary, shape


def _shape(inner: bytes, directives: Sequence[Directive], imports: str) -> str:
    """The digest of what the project pass reads (the pickled core and the public markers),
    then ``:`` and the digest of the import statements."""
    public = [d.line for d in directives if d.kind == "public"]
    return f"{digest(inner + repr(public).encode())}:{imports}"


def imports_of(shape: str) -> str:
    """The digest of a file's import statements, from its shape ("" for runs without cache)."""
    return shape.partition(":")[2]


def digest(data: bytes) -> str:
    """The content hash of a file's bytes."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


@functools.cache
def code_stamp() -> str:
    """Size and modification time of every backendkit module: an edited checkout (an editable
    install keeps its version number) must not reuse summaries built by older code (read once
    per process: the per-file fingerprint and the snapshot key both ask)."""
    stamps = []
    for path in sorted(_PACKAGE_DIR.rglob("*.py")):
        try:
            stat = path.stat()
        except OSError:
            continue
        stamps.append(f"{path.relative_to(_PACKAGE_DIR)}:{stat.st_size}:{stat.st_mtime_ns}")
    return digest("\n".join(stamps).encode())


def fingerprint(rules: Sequence[FileRule]) -> str:
    """Everything besides the file itself that a per-file result depends on."""
    from backendkit import __version__  # the package imports the engine, which imports this

    described = [
        [rule.code, rule.info.name, str(rule.info.severity), _options(rule)] for rule in rules
    ]
    parts = {
        "format": FORMAT,
        "version": __version__,
        "python": list(sys.version_info[:3]),
        "code": code_stamp(),
        "rules": described,
    }
    return digest(json.dumps(parts, sort_keys=True, default=repr).encode())


def _options(rule: FileRule) -> str:
    return json.dumps(dict(rule.options), sort_keys=True, default=repr)


class Cache:
    """The per-file result cache of one project and one set of file rules."""

    def __init__(self, directory: Path, rules: Sequence[FileRule]) -> None:
        self.directory = directory
        self.files = directory / "files"
        self.fingerprint = fingerprint(rules)
        self.writable = True
        self.packs = Packs(self.files)
        self._pending: list[Entry] = []
        #: which relative paths a merge of the packs keeps, when known (see ``incremental``:
        #: the project's files, and other files that still exist)
        self.keep: Keep | None = None

    @staticmethod
    def entry_key(task: FileTask, content: str, fingerprint: str) -> tuple[str, ...]:
        """What an entry must match to be reused."""
        return (fingerprint, content, task.rel_path, task.module, str(task.is_package))

    def load(self, task: FileTask, content: str) -> Shaped | None:
        """The cached summary (and shape) of ``task`` with content hash ``content``, or None."""
        entry = self.packs.get(self.fingerprint, task.rel_path)
        if entry is None or entry[0] != self.entry_key(task, content, self.fingerprint):
            return None
        try:
            return decode(entry[1])
        except Exception:  # damaged or foreign: rebuilt, never trusted
            return None

    def store(self, task: FileTask, content: str, payload: bytes) -> None:
        """Keep an encoded summary for ``flush``."""
        if self.writable:
            self._pending.append((self.entry_key(task, content, self.fingerprint), payload))

    def flush(self) -> None:
        """Save the stored summaries as one pack (``packs.py``); a read-only or full disk
        disables the cache."""
        pending, self._pending = self._pending, []
        if not pending or not self.writable:
            return
        try:
            self.prepare()
            self.packs.write(pending, self.fingerprint, self.keep)
        except (OSError, pickle.PicklingError, RecursionError):
            self.writable = False

    def prepare(self) -> None:
        """Create the cache directory and its ``.gitignore``."""
        prepare(self.directory)


def prepare(directory: Path) -> None:
    """Create ``directory`` with its ``files/`` and its ``.gitignore`` of ``*``."""
    files = directory / "files"
    if files.is_dir():
        return
    files.mkdir(parents=True, exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        atomic_write(ignore, b"# created by backendkit\n*\n")


def atomic_write(path: Path, payload: bytes) -> None:
    """Write ``payload`` to a temporary file in the same directory, then rename it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def cache_path(root: Path, cache_dir: str) -> Path:
    """The cache directory of the project at ``root`` (``cache_dir`` may be absolute)."""
    return root / cache_dir


def clear(root: Path, cache_dir: str) -> bool:
    """Delete the project's cached results (``backendkit clean``); True when there were any.

    Only what backendkit wrote is removed (``files/``, ``project.pickle`` and the
    ``.gitignore``), and the directory itself when that leaves it empty, so a mistaken
    ``cache-dir = "."`` cannot wipe a project.
    """
    directory = cache_path(root, cache_dir)
    files = directory / "files"
    found = files.is_dir()
    shutil.rmtree(files, ignore_errors=True)
    snapshot = directory / "project.pickle"
    found = found or snapshot.is_file()
    snapshot.unlink(missing_ok=True)
    ignore = directory / ".gitignore"
    try:
        if ignore.read_text(encoding="utf-8").startswith("# created by backendkit"):
            ignore.unlink()
        directory.rmdir()
    except OSError:
        pass
    return found


__all__ = [
    "Cache",
    "Shaped",
    "atomic_write",
    "cache_path",
    "clear",
    "code_stamp",
    "decode",
    "digest",
    "encode",
    "fingerprint",
    "prepare",
]
