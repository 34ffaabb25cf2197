"""Pack files: how the per-file cache keeps its entries on disk.

One file per source file made a cold run pay for creating thousands of small files: on the
2-core benchmark machine that was 1.8 s of a 7 s cold run on 2,428 files (file creation, not
writing, and worse right after the old cache was deleted). Instead, each run that summarises
files writes their entries as one pack,
``<cache_dir>/files/<time>-<pid>-<random>-<fingerprint mark>.pack``: a header line and a
pickled list of ``(key, payload)`` (see ``cache.py`` for the key). A pack is written to a
temporary file and renamed, so readers see a whole pack or none; runs never write to the same
pack, so concurrent runs cannot corrupt each other.

A run reads the packs of its own fingerprint once (names sort by time, so a later entry for
the same file wins); packs of other fingerprints (an older backendkit, another rule selection)
are never unpickled, so stale packs cost no memory. The run that just wrote merges the entries
of its fingerprint into one new pack and deletes every pack it listed when there are more than
``MAX_PACKS`` of its own, an unreadable one, or when the packs on disk are more than
``STALE_FACTOR`` times the size of the live entries (after an upgrade or a change of options,
the old packs go at the next write); a pack written meanwhile by another run is left alone.
Entries of files that no longer exist (deleted or renamed) are dropped at that merge too; a
file the run did not analyse but that still exists (a nested project's, one ``report`` reads
and ``lint`` does not) keeps its entries. Anything that does not read as a pack (damaged,
truncated, foreign) is skipped and removed at the next merge, as are temporary files a killed
run left behind.
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
#: merge when the packs on disk are this many times the size of the live entries
STALE_FACTOR = 3
#: ...and they take this many bytes or more (small caches cost little memory)
STALE_MIN_BYTES = 4 << 20
ABANDONED_AFTER = 3600  # seconds: a temporary file this old belongs to a killed run
SUFFIX = ".pack"
HEADER = b"backendkit-pack 1\n"

#: An entry: its key (fingerprint, content hash, path, module, package flag) and payload.
Entry = tuple[tuple[str, ...], bytes]
#: Whether a merge keeps the entries of a (relative) path.
Keep = Callable[[str], bool]


class Packs:
    """The packs under one ``files/`` directory; those of a fingerprint are read once, on
    first use (a pack's name carries its fingerprint, so packs of other fingerprints, such as
    another version's or another rule selection's, are never unpickled)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._entries: dict[str, dict[str, Entry]] = {}  # fingerprint -> path -> entry
        self._listed: list[Path] | None = None
        self._read: list[Path] = []
        self._damaged: list[Path] = []
        self._written: list[Path] = []

    def get(self, fingerprint: str, path: str) -> Entry | None:
        """The latest entry for the file at ``path`` made under ``fingerprint``."""
        return self._all(fingerprint).get(path)

    def write(self, entries: list[Entry], fingerprint: str, keep: Keep | None = None) -> None:
        """Save ``entries`` as one new pack, then merge the packs if there are too many or
        they hold mostly stale entries (keeping only the paths ``keep`` accepts when given).

        Raises ``OSError`` when the directory cannot be written."""
        if not entries:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        known = self._all(fingerprint)
        self._written.append(_save(self.directory, entries, fingerprint))
        for key, payload in entries:
            known[key[2]] = (key, payload)
        if self._crowded(known):
            self._merge(fingerprint, keep)

    def _crowded(self, known: dict[str, Entry]) -> bool:
        """Whether to merge: too many packs (of this fingerprint, or in all), a damaged one,
        or packs whose bytes are mostly stale (over ``STALE_MIN_BYTES`` and ``STALE_FACTOR``
        times the live entries: other fingerprints' packs and replaced entries)."""
        mine = len(self._read) + len(self._written)
        if mine > MAX_PACKS or self._damaged:
            return True
        everything = [*self._paths(), *self._written]
        if len(everything) < 2 or len(everything) > 2 * MAX_PACKS:
            return len(everything) > 2 * MAX_PACKS
        total = sum(map(_size, everything))
        live = sum(len(payload) for _key, payload in known.values())
        return total > STALE_MIN_BYTES and total > STALE_FACTOR * live

    def _paths(self) -> list[Path]:
        if self._listed is None:
            self._listed = _listing(self.directory)
        return self._listed

    def _all(self, fingerprint: str) -> dict[str, Entry]:
        found = self._entries.get(fingerprint)
        if found is None:
            found = self._entries[fingerprint] = {}
            mark = _mark(fingerprint)
            for path in self._paths():
                if _mark_of(path.name) != mark:
                    continue
                entries = _load(path)
                if entries is None:
                    self._damaged.append(path)
                    continue
                self._read.append(path)
                found.update(
                    (key[2], (key, data)) for key, data in entries if key[0] == fingerprint
                )
        return found

    def _merge(self, fingerprint: str, keep: Keep | None) -> None:
        """One pack of the current fingerprint's entries in place of every pack this run
        listed or wrote (entries of other fingerprints, from older versions or options, are
        dropped, and so are entries of paths ``keep`` refuses)."""
        current = [e for path, e in self._all(fingerprint).items() if keep is None or keep(path)]
        merged = _save(self.directory, current, fingerprint)
        for path in [*self._paths(), *self._written, *_abandoned(self.directory)]:
            path.unlink(missing_ok=True)
        self._listed, self._read, self._damaged, self._written = [], [], [], [merged]


def _mark(fingerprint: str) -> str:
    """The part of a fingerprint a pack's name carries."""
    return "".join(c for c in fingerprint if c.isalnum())[:16] or "none"


def _mark_of(name: str) -> str | None:
    """The fingerprint mark in a pack's name (``<time>-<pid>-<random>-<mark>.pack``)."""
    parts = name.removesuffix(SUFFIX).split("-")
    return parts[3] if len(parts) == 4 else None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


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


def _save(directory: Path, entries: list[Entry], fingerprint: str) -> Path:
    """Write ``entries`` (made under ``fingerprint``) as a new pack (temporary file, then
    rename) and return its path."""
    name = f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}-{_mark(fingerprint)}"
    name += SUFFIX
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
