"""The compiled methods of dataclasses, kept between runs of the command line (start-up).

When a dataclass is created, Python writes the source of its ``__init__``, ``__repr__``,
``__eq__`` and the like and compiles it with ``exec``. libcst's node classes are about 200
dataclasses: compiling their methods was about 40% of importing libcst (0.3 s), on every run
that parses a file. ``install`` gives the ``dataclasses`` module an ``exec`` of its own
(``CodeCache.exec``) that takes the code an earlier run compiled from the very same source
text, and compiles what it has not seen exactly as ``exec`` does (file name ``<string>``, no
inherited ``__future__`` flags, the interpreter's optimisation level); ``save`` writes the file
again when something new was compiled. The source text is the key, so a hit runs exactly the
code the compiler would have made.

The files live beside backendkit's own bytecode, one per top-level package of the classes
(``__pycache__/dataclass-code.<tag>.<package>.bin``, under ``sys.pycache_prefix`` when that is
set), so a run reads only those of the packages it imports; each starts with the
interpreter's bytecode magic number and is ignored when damaged, foreign or unreadable. Like
``.pyc`` files they are written only where Python itself would write bytecode (not under
``-B`` or ``PYTHONDONTWRITEBYTECODE``), and anyone who can write them could as well write
backendkit's ``.pyc`` files. Only the command line installs the cache (``launch.main``): a
program that imports backendkit keeps its ``dataclasses`` module as it is.
"""

from __future__ import annotations

import builtins
import dataclasses
import hashlib
import marshal
import os
import sys
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from types import CodeType
from typing import Any

_HEADER = b"backendkit-dataclass-code\n" + MAGIC_NUMBER
_DIGEST = 16  # bytes of the payload's blake2b digest, after the header
#: Above this many entries, a save keeps only those of the current run (old versions' code
#: would otherwise pile up across upgrades).
MAX_ENTRIES = 20_000


class CodeCache:
    """Code compiled from source texts, in one file per top-level package of the classes'
    modules (``CodeFile``), each read when that package first makes a dataclass: a run that
    never imports libcst (``--version``, a warm lint) never reads libcst's."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files: dict[str, CodeFile] = {}

    def exec(self, source: Any, /, globals: Any = None, locals: Any = None, **kw: Any) -> None:
        """``builtins.exec``, with source text compiled once across runs."""
        if globals is None:  # exec's defaults are the caller's namespaces: not ours
            caller = sys._getframe(1)
            globals, locals = caller.f_globals, caller.f_locals if locals is None else locals
        if isinstance(source, str):
            source = self.file_of(_package(globals)).compiled(source)
        builtins.exec(source, globals, locals, **kw)

    def file_of(self, package: str) -> CodeFile:
        """The file of ``package``'s code, read on first use."""
        found = self.files.get(package)
        if found is None:
            name = f"dataclass-code.{_tag()}.{package}.bin"
            found = self.files[package] = CodeFile(self.directory / name)
        return found

    @property
    def new(self) -> int:
        """How many texts this run compiled that no file held."""
        return sum(file.new for file in self.files.values())

    def save(self) -> None:
        """Write the files that gained code (never raises)."""
        for file in self.files.values():
            file.save()


def _package(namespace: object) -> str:
    """The top-level package of the module whose namespace ``namespace`` is ("_" if none)."""
    name = namespace.get("__name__") if isinstance(namespace, dict) else None
    top = name.partition(".")[0] if isinstance(name, str) else ""
    return top if top.isidentifier() else "_"


def _tag() -> str:
    """The interpreter's bytecode tag, with the optimisation level when there is one."""
    level = f".opt-{sys.flags.optimize}" if sys.flags.optimize else ""
    return f"{sys.implementation.cache_tag}{level}"


class CodeFile:
    """Code compiled from source texts, read from and saved to ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.codes: dict[str, CodeType] = read_codes(path)
        self.used: set[str] = set()
        self.new = 0

    def compiled(self, source: str) -> CodeType:
        """The code of ``source`` as ``exec`` compiles it, from the cache when known."""
        code = self.codes.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            self.codes[source] = code
            self.new += 1
        self.used.add(source)
        return code

    def save(self) -> None:
        """Write the cache when this run compiled something new (never raises)."""
        if not self.new or sys.dont_write_bytecode:
            return
        codes = self.codes
        if len(codes) > MAX_ENTRIES:
            codes = {source: codes[source] for source in self.used}
        import tempfile  # lazily: saving is rare, and start-up is what this module is for

        try:
            payload = marshal.dumps(codes)
            data = _HEADER + _digest(payload) + payload
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            try:
                if hasattr(os, "fchmod"):  # readable as the .pyc files beside it would be
                    os.fchmod(handle, 0o666 & ~_umask())
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except (OSError, ValueError):
            return
        self.new = 0


def read_codes(path: Path) -> dict[str, CodeType]:
    """The cached code in ``path``; empty when it is missing, damaged (its digest does not
    match: the code of a text is never taken from a changed file) or foreign."""
    try:
        data = path.read_bytes()
        start = len(_HEADER) + _DIGEST
        if not data.startswith(_HEADER) or data[len(_HEADER) : start] != _digest(data[start:]):
            return {}
        codes = marshal.loads(data[start:])
    except Exception:  # unreadable or damaged (marshal raises SystemError on some bytes)
        return {}
    if not isinstance(codes, dict):
        return {}
    return {k: v for k, v in codes.items() if isinstance(k, str) and isinstance(v, CodeType)}


def _digest(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=_DIGEST).digest()


def _umask() -> int:
    """The process's file mode creation mask (read by setting it back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def cache_directory() -> Path:
    """Where this interpreter's files live: beside backendkit's bytecode (its
    ``__pycache__``, or its mirror under ``sys.pycache_prefix``, which has none)."""
    package = Path(__file__).resolve().parent
    if sys.pycache_prefix:
        return Path(sys.pycache_prefix) / package.relative_to(package.anchor)
    return package / "__pycache__"


_installed: CodeCache | None = None


def install() -> CodeCache | None:
    """Give ``dataclasses`` the cached ``exec`` (once; None where it would not help: an
    interpreter without a bytecode cache tag)."""
    global _installed
    if _installed is None and sys.implementation.cache_tag:
        _installed = CodeCache(cache_directory())
        dataclasses.exec = _installed.exec  # type: ignore[attr-defined]
    return _installed


def save() -> None:
    """Save the installed cache, if any."""
    if _installed is not None:
        _installed.save()


__all__ = [
    "MAX_ENTRIES",
    "CodeCache",
    "CodeFile",
    "cache_directory",
    "install",
    "read_codes",
    "save",
]
