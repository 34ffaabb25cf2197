"""Radon's cyclomatic complexity per function and maintainability index per file.

The per-file pass keeps only BK401's findings, so the figures are computed here, with radon on
Python's own ast (one parse per file for complexity; radon's maintainability index tokenizes
the file again, which is the slow part: about 60 s cold on sqlalchemy's 254k lines). Results
are therefore cached by content hash in ``<cache-dir>/files/report-metrics.json`` and cold runs
use one process per CPU.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path

from backendkit.cache import digest

CACHE_NAME = "report-metrics.json"
PARALLEL_MIN_FILES = 40
KEEP_FUNCTIONS = 20  # per file: enough for any report's top list, keeps the cache small


@dataclass(frozen=True)
class FunctionMetric:
    """One function or method with its cyclomatic complexity and radon's A-F rank."""

    name: str
    path: str
    line: int
    complexity: int
    rank: str


@dataclass
class FileMetrics:
    """One file: maintainability index (0-100, higher is better), its rank, and its most
    complex functions (``KEEP_FUNCTIONS`` of them at most, most complex first)."""

    path: str
    mi: float
    rank: str
    functions: list[FunctionMetric] = field(default_factory=list)


def _flatten(blocks: Iterable[object], prefix: str = "") -> Iterator[tuple[str, object]]:
    for block in blocks:
        name = f"{prefix}{getattr(block, 'name', '?')}"
        methods = getattr(block, "methods", None)
        if methods is not None:  # a radon Class: its methods count, not the class
            yield from _flatten(methods, f"{name}.")
            continue
        yield name, block
        yield from _flatten(getattr(block, "closures", ()), f"{name}.")


def measure_file(root: Path, rel: str) -> FileMetrics | None:
    """The metrics of ``root / rel``; None when Python's own parser cannot read it."""
    from radon.complexity import cc_rank, cc_visit_ast
    from radon.metrics import mi_rank, mi_visit

    from backendkit.filetask import read_source

    source = read_source(str(root / rel))
    if source is None:
        return None
    try:
        tree = ast.parse(source)
        mi = float(mi_visit(source, multi=True))
    except (SyntaxError, ValueError, RecursionError):
        return None
    functions = [
        FunctionMetric(
            name, rel, int(block.lineno), int(block.complexity), cc_rank(block.complexity)
        )
        for name, block in _flatten(cc_visit_ast(tree))
    ]
    functions.sort(key=lambda f: (-f.complexity, f.line))
    return FileMetrics(rel, round(mi, 1), mi_rank(mi), functions[:KEEP_FUNCTIONS])


def _from_dict(data: dict) -> FileMetrics:
    functions = [FunctionMetric(**fn) for fn in data["functions"]]
    return FileMetrics(data["path"], data["mi"], data["rank"], functions)


def _stamp() -> str:
    import radon

    return f"radon {getattr(radon, '__version__', '?')}, format 2"


def _load(cache_file: Path | None) -> dict:
    if cache_file is None:
        return {}
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    ok = isinstance(data, dict) and data.get("stamp") == _stamp()
    return data.get("files", {}) if ok and isinstance(data.get("files"), dict) else {}


def _save(cache_file: Path, entries: dict) -> None:
    """Write the cache atomically; a read-only or full disk just skips it."""
    payload = json.dumps({"stamp": _stamp(), "files": entries}, separators=(",", ":"))
    temporary = cache_file.with_name(f".{cache_file.name}.{os.getpid()}.part")
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(payload, encoding="utf-8")
        os.replace(temporary, cache_file)
    except OSError:
        temporary.unlink(missing_ok=True)


def _hash(root: Path, rel: str) -> str:
    try:
        return digest((root / rel).read_bytes())
    except OSError:
        return ""


def _measure_many(root: Path, paths: list[str]) -> list[FileMetrics | None]:
    """``measure_file`` of each path, in worker processes when there are many."""
    from backendkit.runner import _context, worker_count

    count = worker_count()
    if count > 1 and len(paths) >= PARALLEL_MIN_FILES:
        try:
            with ProcessPoolExecutor(count, _context()) as pool:
                return list(pool.map(measure_file, [root] * len(paths), paths, chunksize=8))
        except (OSError, BrokenProcessPool):  # no processes here: run serially
            pass
    return [measure_file(root, rel) for rel in paths]


def _reuse(cached: dict, hashes: dict[str, str]) -> dict[str, FileMetrics | None]:
    """The cached results of the files whose content hash is unchanged."""
    found: dict[str, FileMetrics | None] = {}
    for rel, key in hashes.items():
        entry = cached.get(rel)
        if not key or not isinstance(entry, dict) or entry.get("digest") != key:
            continue
        with suppress(KeyError, TypeError):  # a damaged entry is measured again
            found[rel] = _from_dict(entry["metrics"]) if entry.get("metrics") else None
    return found


def _entries(found: dict[str, FileMetrics | None], hashes: dict[str, str]) -> dict:
    return {
        rel: {"digest": hashes[rel], "metrics": asdict(m) if m else None}
        for rel, m in found.items()
        if hashes[rel]
    }


def measure(root: Path, paths: Sequence[str], cache_dir: Path | None = None) -> list[FileMetrics]:
    """The metrics of every readable file of ``paths`` (relative to ``root``), reusing the
    entries of ``cache_dir`` (``<cache-dir>/files``; None: no cache) whose content is unchanged."""
    cache_file = cache_dir / CACHE_NAME if cache_dir is not None else None
    hashes = {rel: _hash(root, rel) for rel in sorted(paths)}
    found = _reuse(_load(cache_file), hashes)
    missing = [rel for rel in hashes if rel not in found]
    found.update(zip(missing, _measure_many(root, missing), strict=True))
    if cache_file is not None and missing:
        _save(cache_file, _entries(found, hashes))
    return [m for _rel, m in sorted(found.items()) if m is not None]
