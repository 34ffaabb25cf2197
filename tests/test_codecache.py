"""The compiled-dataclass cache of the command line (``codecache``): a class made with cached
code behaves exactly as one made without; the cache survives runs, ignores damaged or foreign
files, writes only where Python would write bytecode, and the ``backendkit`` command uses it."""

from __future__ import annotations

import dataclasses
import marshal
import os
import subprocess
import sys
from pathlib import Path
from types import CodeType

import pytest

from backendkit import codecache
from backendkit.codecache import CodeCache, CodeFile, read_codes


@pytest.fixture(autouse=True)
def _bytecode_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run under PYTHONDONTWRITEBYTECODE here; the cache writes as Python does."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


def _make(exec_: object | None = None) -> type:
    """A dataclass with defaults, a factory, ordering and frozen fields, made with ``exec_``
    as the dataclasses module's ``exec`` (None: the builtin)."""
    saved = dataclasses.__dict__.get("exec")
    if exec_ is not None:
        dataclasses.exec = exec_  # type: ignore[attr-defined]
    try:

        @dataclasses.dataclass(frozen=True, order=True)
        class Point:
            x: int
            y: int = 0
            tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)

            def norm(self) -> int:
                return abs(self.x) + abs(self.y)

        return Point
    finally:
        if saved is None:
            dataclasses.__dict__.pop("exec", None)
        else:
            dataclasses.exec = saved  # type: ignore[attr-defined]


def _shard(directory: Path) -> Path:
    """The file of this test module's classes in a cache at ``directory``."""
    package = codecache._package(globals())
    return directory / f"dataclass-code.{codecache._tag()}.{package}.bin"


def _codes(cls: type) -> dict[str, tuple[bytes, tuple[str, ...], object]]:
    """The generated methods' bytecode, names and annotations."""
    out = {}
    for name in ("__init__", "__repr__", "__eq__", "__lt__", "__hash__", "__setattr__"):
        func = getattr(cls, name)
        code = func.__code__
        out[name] = (code.co_code, code.co_names, func.__annotations__)
    return out


def test_a_class_made_with_cached_code_is_the_same(tmp_path: Path) -> None:
    plain = _make()
    cache = CodeCache(tmp_path)
    first = _make(cache.exec)
    assert cache.new > 0
    cache.save()
    again = CodeCache(tmp_path)
    second = _make(again.exec)
    assert again.new == 0  # every method came from the file
    for cls in (first, second):
        assert _codes(cls) == _codes(plain)  # same code; no __future__ flag of this module
        point = cls(3, -4)
        assert point == cls(3, -4, ())
        assert repr(point).endswith("Point(x=3, y=-4, tags=())")
        assert point < cls(4)
        assert hash(point) == hash(cls(3, -4))
        assert point.norm() == 7
        with pytest.raises(dataclasses.FrozenInstanceError):
            point.x = 1  # type: ignore[misc]
        with pytest.raises(TypeError):
            cls()  # type: ignore[call-arg]


def test_exec_without_namespaces_uses_the_callers(tmp_path: Path) -> None:
    cache = CodeCache(tmp_path)
    seen: list[str] = []
    marker = "caller's"
    cache.exec("seen.append(marker)")  # as exec would, in this function's namespaces
    assert seen == [marker]
    namespace: dict[str, object] = {}
    cache.exec("value = 1 + 1", namespace)
    assert namespace["value"] == 2
    code = compile("answer = 42", "<string>", "exec")
    cache.exec(code, namespace)  # code objects pass through
    assert namespace["answer"] == 42
    cache.exec("answer = 43", globals=namespace)  # by keyword, as exec allows from 3.13
    assert namespace["answer"] == 43


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a cache at all",
        b"backendkit-dataclass-code\n\x00\x00\x00\x00",  # another interpreter's magic
        None,  # a valid header, then truncated data
    ],
)
def test_damaged_or_foreign_files_are_ignored(tmp_path: Path, content: bytes | None) -> None:
    path = _shard(tmp_path)
    if content is None:
        cache = CodeCache(tmp_path)
        _make(cache.exec)
        cache.save()
        content = path.read_bytes()[:-40]
    path.write_bytes(content)
    assert read_codes(path) == {}
    cache = CodeCache(tmp_path)
    assert _codes(_make(cache.exec)) == _codes(_make())
    cache.save()  # the damaged file is replaced by a whole one
    assert read_codes(path)
    assert all(isinstance(c, CodeType) for c in read_codes(path).values())
    reread = CodeCache(tmp_path)
    _make(reread.exec)
    assert reread.new == 0


def test_a_changed_byte_is_never_trusted(tmp_path: Path) -> None:
    cache = CodeCache(tmp_path)
    _make(cache.exec)
    cache.save()
    path = _shard(tmp_path)
    whole = path.read_bytes()
    assert read_codes(path)
    for position in range(len(whole) - 1, len(whole) // 2, -(len(whole) // 40)):
        changed = bytearray(whole)
        changed[position] ^= 0x20  # ``xfield=`` would read ``Xfield=``
        path.write_bytes(bytes(changed))
        assert read_codes(path) == {}, position
    # marshal itself raises SystemError on some bytes: the digest is checked before it reads
    source = "def f(): return x\n"
    payload = bytearray(marshal.dumps({source: compile(source, "<string>", "exec")}))
    payload[0] = 0xFB
    with pytest.raises(SystemError):
        marshal.loads(bytes(payload))
    path.write_bytes(codecache._HEADER + codecache._digest(bytes(payload)) + bytes(payload))
    assert read_codes(path) == {}  # a damaged file whose digest matches: still no crash


def test_nothing_is_written_where_python_writes_no_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    cache = CodeCache(tmp_path)
    _make(cache.exec)
    cache.save()
    assert not list(tmp_path.iterdir())


def test_a_full_cache_keeps_only_what_the_run_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "codes.bin"
    old = CodeFile(path)
    for number in range(5):
        old.compiled(f"value = {number}")
    old.save()
    monkeypatch.setattr(codecache, "MAX_ENTRIES", 5)
    cache = CodeFile(path)
    cache.compiled("value = 0")
    cache.compiled("value = 'new'")
    cache.save()
    assert sorted(read_codes(path)) == ["value = 'new'", "value = 0"]


def test_an_unwritable_place_costs_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = CodeCache(blocker / "sub")  # a directory under a file
    _make(cache.exec)
    cache.save()  # no exception
    assert cache.new > 0


def test_one_file_per_package(tmp_path: Path) -> None:
    cache = CodeCache(tmp_path)
    cache.exec("x = 1", {"__name__": "libcst._nodes.expression"})
    cache.exec("y = 2", {"__name__": "backendkit.summary.model"})
    cache.exec("z = 3", {})  # a namespace without a module name
    assert cache.new == 3
    cache.save()
    names = sorted(p.name.rsplit(".", 2)[1] for p in tmp_path.iterdir())
    assert names == ["_", "backendkit", "libcst"]
    again = CodeCache(tmp_path)
    again.exec("y = 2", {"__name__": "backendkit.cli"})
    assert sorted(again.files) == ["backendkit"]  # libcst's file is never read
    assert again.new == 0


def test_the_command_line_fills_and_reads_the_cache(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def f(x: int) -> int:\n    return x\n", encoding="utf-8")
    prefix = tmp_path / "pycache"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(prefix)
    command = [sys.executable, "-m", "backendkit", "lint", "--no-cache", str(tmp_path / "app.py")]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    libcst = list(prefix.rglob("dataclass-code.*.libcst.bin"))
    assert len(libcst) == 1
    assert len(read_codes(libcst[0])) > 100
    written = {p: p.stat().st_mtime_ns for p in prefix.rglob("dataclass-code.*.bin")}
    second = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert (second.returncode, second.stdout) == (0, first.stdout)
    after = {p: p.stat().st_mtime_ns for p in prefix.rglob("dataclass-code.*.bin")}
    assert after == written  # nothing new: no file written again
