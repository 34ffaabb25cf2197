"""The per-file cache's pack files (``packs.py``): one file per run instead of one per source
file, bounded in number, safe with concurrent runs, and never trusted when damaged."""

from __future__ import annotations

import os
import time
from pathlib import Path

from backendkit import analyze, packs
from backendkit.packs import Entry, Packs
from helpers import write_project


def _entry(fingerprint: str, path: str, payload: bytes = b"x") -> Entry:
    return (fingerprint, "content", path, path.removesuffix(".py"), "False"), payload


def _packs(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"*{packs.SUFFIX}"))


def test_a_cold_run_writes_one_pack_and_a_warm_run_none(tmp_path: Path) -> None:
    """A cold run over many files creates one pack file, not one file per source file."""
    files = {f"app/m{i}.py": f"def f{i}() -> int:\n    return {i}\n" for i in range(30)}
    root = write_project(tmp_path / "p", {"app/__init__.py": "", **files})
    analyze([root])
    cache_files = root / ".backendkit_cache" / "files"
    assert [p.suffix for p in cache_files.iterdir()] == [".pack"]
    (root / "app" / "m3.py").write_text("def g() -> int:\n    return 3\n", encoding="utf-8")
    analyze([root])
    assert len(_packs(cache_files)) == 2  # the edit's pack holds one entry


def test_later_entries_win_and_survive_a_new_reader(tmp_path: Path) -> None:
    """Packs are read oldest first; a second reader sees what the first one wrote."""
    first = Packs(tmp_path)
    first.write([_entry("fp", "a.py", b"old"), _entry("fp", "b.py")], "fp")
    second = Packs(tmp_path)
    second.write([_entry("fp", "a.py", b"new")], "fp")
    reader = Packs(tmp_path)
    assert reader.get("fp", "a.py") == _entry("fp", "a.py", b"new")
    assert reader.get("fp", "b.py") == _entry("fp", "b.py")
    assert reader.get("other", "a.py") is None


def test_packs_are_merged_and_stay_few(tmp_path: Path) -> None:
    """Past ``MAX_PACKS`` the writer merges them into one; no entry of the current
    fingerprint is lost, older fingerprints are dropped."""
    Packs(tmp_path).write([_entry("old", "gone.py")], "old")
    for number in range(3 * packs.MAX_PACKS):
        Packs(tmp_path).write([_entry("fp", f"m{number}.py")], "fp")
        assert len(_packs(tmp_path)) <= packs.MAX_PACKS + 1
    reader = Packs(tmp_path)
    assert all(reader.get("fp", f"m{n}.py") for n in range(3 * packs.MAX_PACKS))
    assert reader.get("old", "gone.py") is None
    assert not list(tmp_path.glob(".tmp-*"))


def test_concurrent_writers_keep_both_packs(tmp_path: Path) -> None:
    """Two runs that read the same packs and then both write keep both results, even when
    both merge."""
    for number in range(packs.MAX_PACKS):
        Packs(tmp_path).write([_entry("fp", f"m{number}.py")], "fp")
    one, two = Packs(tmp_path), Packs(tmp_path)
    assert one.get("fp", "m0.py")
    assert two.get("fp", "m0.py")
    one.write([_entry("fp", "one.py")], "fp")
    two.write([_entry("fp", "two.py")], "fp")
    reader = Packs(tmp_path)
    assert reader.get("fp", "one.py")
    assert reader.get("fp", "two.py")
    assert all(reader.get("fp", f"m{n}.py") for n in range(packs.MAX_PACKS))


def test_a_damaged_pack_is_skipped_then_removed(tmp_path: Path) -> None:
    """An unreadable pack gives no entries and is deleted by the next run that writes."""
    Packs(tmp_path).write([_entry("fp", "a.py")], "fp")
    (damaged,) = _packs(tmp_path)
    damaged.write_bytes(damaged.read_bytes()[:20])
    reader = Packs(tmp_path)
    assert reader.get("fp", "a.py") is None
    reader.write([_entry("fp", "b.py")], "fp")
    assert not damaged.exists()
    assert Packs(tmp_path).get("fp", "b.py") == _entry("fp", "b.py")


def test_foreign_files_are_not_packs(tmp_path: Path) -> None:
    """Files with the pack suffix but other content are skipped, never raised on."""
    (tmp_path / f"0{packs.SUFFIX}").write_bytes(packs.HEADER + b"\x80\x05junk")
    (tmp_path / f"1{packs.SUFFIX}").write_bytes(b"not a pack")
    assert Packs(tmp_path).get("fp", "a.py") is None
    assert Packs(tmp_path / "missing").get("fp", "a.py") is None


def test_a_killed_writers_temporary_file_is_removed_by_the_next_merge(tmp_path: Path) -> None:
    """A ``.part`` file an hour old is cleaned up; a fresh one (a run still writing) is not."""
    old = tmp_path / ".tmp-0-1-dead.pack.part"
    fresh = tmp_path / ".tmp-0-2-busy.pack.part"
    for path in (old, fresh):
        path.write_bytes(b"half a pack")
    stale = time.time() - packs.ABANDONED_AFTER - 60
    os.utime(old, (stale, stale))
    for number in range(packs.MAX_PACKS + 1):
        Packs(tmp_path).write([_entry("fp", f"m{number}.py")], "fp")
    assert not old.exists()
    assert fresh.exists()


def test_a_merge_drops_entries_of_files_the_project_no_longer_has(tmp_path: Path) -> None:
    """Entries of deleted or renamed files are dropped when the packs are merged, not kept
    until the next version of backendkit."""
    Packs(tmp_path).write([_entry("fp", "gone.py"), _entry("fp", "kept.py")], "fp")
    live = frozenset({"kept.py", *(f"m{n}.py" for n in range(packs.MAX_PACKS))})
    for number in range(packs.MAX_PACKS):
        Packs(tmp_path).write([_entry("fp", f"m{number}.py")], "fp", live.__contains__)
    reader = Packs(tmp_path)
    assert len(_packs(tmp_path)) == 1
    assert reader.get("fp", "gone.py") is None
    assert reader.get("fp", "kept.py") is not None


def _cached_paths_after_merges(root: Path) -> set[str]:
    """Edit ``app/m1.py`` and lint until the packs merge; the paths the cache then holds."""
    for number in range(packs.MAX_PACKS + 1):  # each edit writes a pack; then they merge
        (root / "app" / "m1.py").write_text(f"X = {number}\n", encoding="utf-8")
        analyze([root])
    return {
        key[2] for pack in _packs(root / ".backendkit_cache" / "files") for key, _ in _read(pack)
    }


def _read(pack: Path) -> list[Entry]:
    entries = packs._load(pack)
    assert entries is not None
    return entries


MODULES = {f"app/m{i}.py": f"def f{i}() -> int:\n    return {i}\n" for i in range(3)}


def test_lint_runs_forget_a_deleted_file_at_the_next_merge(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", **MODULES})
    analyze([root])
    (root / "app" / "m0.py").unlink()
    paths = _cached_paths_after_merges(root)
    assert "app/m0.py" not in paths
    assert {"app/m1.py", "app/m2.py"} <= paths


def test_lint_keeps_entries_of_files_it_did_not_read_that_still_exist(tmp_path: Path) -> None:
    """A file left out of this run (excluded here, read by another command or a nested
    project) keeps its cached summary through a merge; only files that are gone lose theirs."""
    files = {"app/__init__.py": "", "extra/x.py": "X = 1\n", **MODULES}
    root = write_project(tmp_path / "p", files)
    analyze([root])
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'extend-exclude = ["extra"]\n', encoding="utf-8")
    (root / "app" / "m0.py").unlink()
    paths = _cached_paths_after_merges(root)
    assert "extra/x.py" in paths
    assert "app/m0.py" not in paths


def test_packs_of_other_fingerprints_are_never_unpickled(tmp_path: Path, monkeypatch) -> None:
    """A pack's name carries its fingerprint: a run reads only its own packs, so the packs of
    an older version or another rule selection cost it no time and no memory."""
    Packs(tmp_path).write([_entry("old", "a.py")], "old")
    Packs(tmp_path).write([_entry("new", "a.py", b"mine")], "new")
    loaded: list[str] = []
    real = packs._load
    monkeypatch.setattr(packs, "_load", lambda path: loaded.append(path.name) or real(path))
    assert Packs(tmp_path).get("new", "a.py") == _entry("new", "a.py", b"mine")
    assert len(loaded) == 1
    assert Packs(tmp_path).get("old", "a.py") == _entry("old", "a.py")


def test_a_large_stale_pack_goes_at_the_next_write(tmp_path: Path) -> None:
    """After an upgrade (a new fingerprint) the old packs are deleted by the first run that
    writes, once they are most of the cache, not only after ``MAX_PACKS`` runs."""
    big = b"x" * packs.STALE_MIN_BYTES
    Packs(tmp_path).write([_entry("old", "a.py", big)], "old")
    Packs(tmp_path).write([_entry("new", "a.py")], "new")
    (only,) = _packs(tmp_path)
    assert [key[0] for key, _ in _read(only)] == ["new"]


def test_two_live_selections_of_equal_size_keep_their_packs(tmp_path: Path) -> None:
    """``lint`` and ``lint --select ...`` (two fingerprints) alternating do not evict each
    other: the stale share must exceed ``STALE_FACTOR`` times the live entries."""
    big = b"x" * packs.STALE_MIN_BYTES
    Packs(tmp_path).write([_entry("all", "a.py", big)], "all")
    Packs(tmp_path).write([_entry("some", "a.py", big)], "some")
    Packs(tmp_path).write([_entry("all", "b.py")], "all")
    assert Packs(tmp_path).get("all", "a.py") is not None
    assert Packs(tmp_path).get("some", "a.py") is not None


def test_many_small_stale_packs_are_merged_away(tmp_path: Path) -> None:
    """Packs of fingerprints no run uses any more do not pile up in a small cache."""
    for number in range(3 * packs.MAX_PACKS):
        Packs(tmp_path).write([_entry(f"v{number}", "a.py")], f"v{number}")
        assert len(_packs(tmp_path)) <= 2 * packs.MAX_PACKS + 1
