"""The per-file result cache and the parallel runner: same output, less work."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import fastapi
import pytest

import backendkit
from backendkit import analyze, cache, packs, runner
from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.engine import ALWAYS_ON, file_task, make_rules, split_rules
from backendkit.perfile import FileTask
from backendkit.result import AnalysisResult
from conftest import write_project

FILES = {
    "app/__init__.py": "",
    "app/main.py": (
        "from fastapi import FastAPI\n"
        "from app.routes import router\n\n"
        "app = FastAPI()\n"
        "app.include_router(router, prefix='/api')\n"
    ),
    "app/routes.py": (
        "from fastapi import APIRouter\n\n"
        "router = APIRouter()\n\n\n"
        "@router.get('/items')\n"
        "async def items() -> list[str]:\n"
        "    return []  # backendkit: ignore[BK999]\n"
    ),
    "app/big.py": "x = 1\n" * 30,
    "app/broken.py": "def broken(:\n",
}
OPTIONS = {"file-size": {"max-lines": 20}}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project with a too-long file, a syntax error and a route."""
    return write_project(tmp_path / "proj", FILES, OPTIONS)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the per-file pass really summarises (not served from the cache)."""
    seen: list[str] = []
    real = runner.summarize_file

    def counting(task: FileTask, *args: object) -> object:
        seen.append(task.rel_path)
        return real(task, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "summarize_file", counting)
    return seen


def snapshot(result: AnalysisResult) -> tuple[object, ...]:
    """Everything a run reports, for comparing runs."""
    return (result.files, result.findings, result.routes, result.notes)


def entries(root: Path) -> list[Path]:
    """The cache's pack files."""
    return sorted((root / ".backendkit_cache" / "files").glob("*.pack"))


def _real_keys_bad_payloads(data: bytes) -> bytes:
    """The pack with its real keys, but payloads that are not summaries."""
    found = pickle.loads(data[len(packs.HEADER) :])
    return packs.HEADER + pickle.dumps([(key, b"\x80\x05junk") for key, _payload in found])


def test_warm_run_parses_nothing_and_reports_the_same(project: Path, calls: list[str]) -> None:
    """The second run serves every file from the cache; the output does not change."""
    uncached = analyze([project], use_cache=False)
    assert not (project / ".backendkit_cache").exists()
    first = analyze([project])
    assert len(calls) == 2 * len(FILES)
    calls.clear()
    second = analyze([project])
    assert calls == []
    assert snapshot(first) == snapshot(second) == snapshot(uncached)
    assert {f.code for f in first.findings} >= {"BK001", "BK402"}
    gitignore = project / ".backendkit_cache" / ".gitignore"
    assert gitignore.read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_changed_file_is_parsed_again(project: Path, calls: list[str]) -> None:
    """Only the edited file is summarised again, and its new content is what is reported."""
    analyze([project])
    calls.clear()
    (project / "app" / "big.py").write_text("x = 1\n", encoding="utf-8")
    result = analyze([project])
    assert calls == ["app/big.py"]
    assert "BK402" not in {f.code for f in result.findings}
    assert snapshot(result) == snapshot(analyze([project], use_cache=False))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"garbage",
        lambda data: data[: len(data) // 2],
        lambda data: packs.HEADER + b"\x80\x05not a pickle",
        lambda data: packs.HEADER + pickle.dumps({"foreign": True}),
        lambda data: packs.HEADER + pickle.dumps([("key", "not a summary")]),
        _real_keys_bad_payloads,
    ],
    ids=["empty", "garbage", "truncated", "bad-pickle", "foreign", "wrong-key", "bad-payload"],
)
def test_damaged_entries_are_rebuilt(
    project: Path, calls: list[str], damage: Callable[[bytes], bytes]
) -> None:
    """A damaged or foreign pack or entry is a miss, never a crash, and is rewritten (the
    project snapshot, which would otherwise serve every file, is damaged the same way)."""
    expected = snapshot(analyze([project]))
    assert len(entries(project)) == 1
    for entry in [*entries(project), project / ".backendkit_cache" / "project.pickle"]:
        spoil = damage if entry.suffix == ".pack" else lambda data: data[: len(data) // 2]
        entry.write_bytes(spoil(entry.read_bytes()))
    calls.clear()
    assert snapshot(analyze([project])) == expected
    assert len(calls) == len(FILES)
    calls.clear()
    analyze([project])
    assert calls == []


def test_version_change_is_a_miss(
    project: Path, calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Results of another backendkit version are not reused."""
    analyze([project])
    calls.clear()
    monkeypatch.setattr(backendkit, "__version__", "999.0")
    analyze([project])
    assert len(calls) == len(FILES)


def test_option_change_is_a_miss(project: Path, calls: list[str]) -> None:
    """A file-rule option changes the fingerprint; the new limit is applied."""
    analyze([project])
    calls.clear()
    write_project(project, {}, {"file-size": {"max-lines": 100}})
    result = analyze([project])
    assert len(calls) == len(FILES)
    assert "BK402" not in {f.code for f in result.findings}


def test_selection_change_is_a_miss(project: Path, calls: list[str]) -> None:
    """Enabling or disabling a file rule changes the fingerprint."""
    analyze([project])
    calls.clear()
    analyze([project], ignore=["BK402"])
    assert len(calls) == len(FILES)


def test_moved_file_is_a_miss(tmp_path: Path) -> None:
    """The same bytes under another path or module name are not the same entry."""
    root = write_project(tmp_path / "p", {"a.py": "x = 1\n"})
    store = cache.Cache(root / ".c", [])
    task = FileTask(str(root / "a.py"), "a.py", "a", False)
    summary = runner.summarize_all([task], [])[0]
    content = cache.digest(b"x = 1\n")
    payload, shape = cache.encode(summary)
    store.store(task, content, payload)
    store.flush()
    assert store.load(task, content) == (summary, shape)
    store = cache.Cache(root / ".c", [])  # a later run reads the pack
    assert store.load(task, content) == (summary, shape)
    assert store.load(FileTask(task.abs_path, "a.py", "pkg.a", False), content) is None
    assert store.load(task, cache.digest(b"x = 2\n")) is None


def test_unwritable_cache_dir_is_ignored(project: Path) -> None:
    """A cache directory that cannot be created just disables the cache."""
    (project / "blocker").write_text("a file, not a directory", encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.backendkit]\ncache-dir = "blocker/cache"\n'
        "[tool.backendkit.file-size]\nmax-lines = 20\n",
        encoding="utf-8",
    )
    assert snapshot(analyze([project])) == snapshot(analyze([project], use_cache=False))


def test_clear_removes_only_the_cache(project: Path) -> None:
    """``clear`` deletes the cache and nothing else, even for ``cache-dir = "."``."""
    analyze([project])
    assert cache.clear(project, ".backendkit_cache")
    assert not (project / ".backendkit_cache").exists()
    assert not cache.clear(project, ".backendkit_cache")
    assert not cache.clear(project, ".")
    assert (project / "app" / "main.py").exists()


def _tasks_and_rules(root: Path) -> tuple[list[FileTask], list]:
    catalogue = load_catalogue()
    config = load_config(root, catalogue)
    rules = make_rules(config, catalogue, config.enabled_codes(catalogue) | ALWAYS_ON)
    file_rules, _project = split_rules(rules)
    paths = sorted(root.rglob("*.py"))
    return [file_task(root, path) for path in paths], file_rules


def test_file_rules_are_picklable(project: Path) -> None:
    """Rules travel to worker processes."""
    _tasks, rules = _tasks_and_rules(project)
    assert rules
    copies = pickle.loads(pickle.dumps(rules))
    assert [(r.code, r.options) for r in copies] == [(r.code, r.options) for r in rules]


def test_parallel_serial_and_cached_are_identical(tmp_path: Path) -> None:
    """Worker processes, this process and the cache give the same summaries in the same
    order (on FastAPI's own source)."""
    source = Path(fastapi.__file__).parent
    files = {p.relative_to(source).as_posix(): p.read_text("utf-8") for p in source.glob("*.py")}
    root = write_project(tmp_path / "fa", files)
    tasks, rules = _tasks_and_rules(root)
    serial = runner.summarize_all(tasks, rules, workers=1)
    parallel = runner.summarize_all(tasks, rules, workers=2)
    store = cache.Cache(root / ".backendkit_cache", rules)
    runner.summarize_all(tasks, rules, store, workers=2)
    store = cache.Cache(root / ".backendkit_cache", rules)
    stored = [store.load(t, cache.digest((root / t.rel_path).read_bytes())) for t in tasks]
    assert [entry[0] for entry in stored if entry is not None] == serial
    cached = runner.summarize_all(tasks, rules, store)
    assert [s.path for s in serial] == [t.rel_path for t in tasks]
    assert parallel == serial
    assert cached == serial


def test_chunks_cover_every_job_in_order() -> None:
    """Chunks are consecutive, cover every job once, and shrink: large first, then down to
    the smallest share of the whole, so no worker finishes long after the others."""
    jobs = [
        runner.Job(i, FileTask(f"{i}.py", f"{i}.py", str(i), False), None, None, size)
        for i, size in enumerate([5, 100, 1, 1, 1, 50, 50, 0, 7])
    ]
    parts = runner.chunks(jobs, 2)
    assert [job.index for part in parts for job in part] == list(range(len(jobs)))
    assert 2 <= len(parts) <= 9
    assert runner.chunks([], 3) == [[]]
    even = [runner.Job(i, FileTask(f"{i}.py", f"{i}.py", str(i), False), None, None, 10)
            for i in range(1000)]  # fmt: skip
    sizes = [len(part) for part in runner.chunks(even, 2)]
    assert sum(sizes) == 1000
    assert sizes[0] == 250  # a quarter of the work: 1 / (GUIDED_SHARE x 2 workers)
    assert sizes == sorted(sizes, reverse=True)
    assert min(sizes[:-1]) >= 1000 // (runner.SMALLEST_SHARE * 2)  # the last takes the rest
