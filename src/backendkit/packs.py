"""Pack files: how the per-file cache keeps its entries on disk.

One file per source file made a cold run pay for creating thousands of small files: on the
2-core benchmark machine that was 1.8 s of a 7 s cold run on 2,428 files (file creation, not
writing, and worse right after the old cache was deleted). Instead, each run that summarises
files writes their entries as one pack, ``<cache_dir>/files/<time>-<pid>-<random>.pack``:
a header line and a pickled list of ``(key, payload)`` (see ``cache.py`` for the key). A pack
is written to a temporary file and renamed, so readers see a whole pack or none; runs never
write to the same pack, so concurrent runs cannot corrupt each other.

Reading loads every pack once (names sort by time, so a later entry for the same file and
fingerprint wins). When there are more than ``MAX_PACKS``, or an unreadable one, the run that
just wrote merges the entries of the current fingerprint into one new pack and deletes the
packs it read; a pack written meanwhile by another run is left alone. Entries of files that
no longer exist (deleted or renamed) are dropped at that merge too; a file the run did not
analyse but that still exists (a nested project's, one ``report`` reads and ``lint`` does not)
keeps its entries. Anything that does not
read as a pack (damaged, truncated, foreign) is skipped and removed at the next merge, as are
temporary files a killed run left behind.
"""

from __future__ import annotations

import os
import pickle
import secrets
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

MAX_PACKS = 8
ABANDONED_AFTER = 3600  # seconds: a temporary file this old belongs to a killed run
SUFFIX = ".pack"
HEADER = b"backendkit-pack 1\n"

#: An entry: its key (fingerprint, content hash, path, module, package flag) and payload.
Entry = tuple[tuple[str, ...], bytes]
#: Whether a merge keeps the entries of a (relative) path.
Keep = Callable[[str], bool]


class Packs:
    """The packs under one ``files/`` directory, read once on first use."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._entries: dict[tuple[str, str], Entry] | None = None
        self._read: list[Path] = []
        self._damaged: list[Path] = []
        self._written: list[Path] = []

    def get(self, fingerprint: str, path: str) -> Entry | None:
        """The latest entry for the file at ``path`` made under ``fingerprint``."""
        return self._all().get((fingerprint, path))

    def write(self, entries: list[Entry], fingerprint: str, keep: Keep | None = None) -> None:
        """Save ``entries`` as one new pack, then merge the packs if there are too many
        (keeping only the paths ``keep`` accepts when it is given).

        Raises ``OSError`` when the directory cannot be written."""
        if not entries:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        known = self._all()
        self._written.append(_save(self.directory, entries))
        for key, payload in entries:
            known[(key[0], key[2])] = (key, payload)
        if len(self._read) + len(self._written) > MAX_PACKS or self._damaged:
            self._merge(fingerprint, keep)

    def _all(self) -> dict[tuple[str, str], Entry]:
        if self._entries is None:
            self._entries = {}
            for path in _listing(self.directory):
                entries = _load(path)
                if entries is None:
                    self._damaged.append(path)
                    continue
                self._read.append(path)
                for key, payload in entries:
                    self._entries[(key[0], key[2])] = (key, payload)
        return self._entries

    def _merge(self, fingerprint: str, keep: Keep | None) -> None:
        """One pack of the current fingerprint's entries in place of the packs this run read
        or wrote (entries of other fingerprints, from older versions or options, are dropped,
        and so are entries of paths ``keep`` refuses)."""
        current = [
            entry
            for (print_, path), entry in self._all().items()
            if print_ == fingerprint and (keep is None or keep(path))
        ]
        merged = _save(self.directory, current)
        for path in [*self._read, *self._damaged, *self._written, *_abandoned(self.directory)]:
            path.unlink(missing_ok=True)
        self._read, self._damaged, self._written = [], [], [merged]


def _listing(directory: Path) -> list[Path]:
    """The packs of ``directory``, oldest first."""
    try:
        names = [entry.name for entry in os.scandir(directory) if entry.name.endswith(SUFFIX)]
    except OSError:
        return []
    return [directory / name for name in sorted(names)]


def _abandoned(directory: Path) -> list[Path]:
    """Temporary files of writes that never finished (a killed run), an hour old or more: a
    run still writing one renames it within seconds."""
    cutoff = time.time() - ABANDONED_AFTER
    found = []
    with suppress(OSError):
        for entry in os.scandir(directory):
            if entry.name.startswith(".tmp-") and entry.name.endswith(".part"):
                with suppress(OSError):
                    if entry.stat().st_mtime < cutoff:
                        found.append(Path(entry.path))
    return found


def read_pickled(path: Path, header: bytes) -> object | None:
    """What the file at ``path`` pickled after ``header``; None when it cannot be read, does
    not start with ``header`` or does not unpickle (damaged or foreign: never trusted). The
    caller checks the type of what it gets."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(header):
        return None
    try:
        return pickle.loads(data[len(header) :])
    except Exception:
        return None


def _load(path: Path) -> list[Entry] | None:
    """The entries of one pack, or None when it is not a readable pack."""
    entries = read_pickled(path, HEADER)
    if not isinstance(entries, list) or not all(map(_is_entry, entries)):
        return None
    return entries


def _is_entry(item: object) -> bool:
    if not (isinstance(item, tuple) and len(item) == 2):
        return False
    key, payload = item
    return isinstance(key, tuple) and len(key) == 5 and isinstance(payload, bytes)


def _save(directory: Path, entries: list[Entry]) -> Path:
    """Write ``entries`` as a new pack (temporary file, then rename) and return its path."""
    name = f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}{SUFFIX}"
    target = directory / name
    temporary = directory / f".tmp-{name}.part"
    try:
        with open(temporary, "wb") as out:
            out.write(HEADER)
            pickle.dump(entries, out, pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


__all__ = ["HEADER", "MAX_PACKS", "SUFFIX", "Entry", "Keep", "Packs", "read_pickled"]
