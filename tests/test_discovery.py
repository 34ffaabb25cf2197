"""Tests of file discovery, reported-file selection and module naming on real temp trees."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pathspec import GitIgnoreSpec

from backendkit.config import Config
from backendkit.discovery import (
    DEFAULT_EXCLUDES,
    _Excludes,
    discover,
    module_name,
    select_reported,
)


def _tree(root: Path, *files: str) -> Path:
    """Create the empty ``files`` under ``root``."""
    for name in files:
        _write(root, name, "")
    return root


def _write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _found(root: Path, config: Config | None = None) -> list[str]:
    config = config or Config(root=root)
    base = root.resolve()
    return [p.relative_to(base).as_posix() for p in discover(root, config)]


# --- discover ---------------------------------------------------------------------------------


def test_collects_only_py_files_sorted(tmp_path: Path) -> None:
    _tree(tmp_path, "b.py", "a.py", "pkg/__init__.py", "pkg/mod.py", "stub.pyi", "notes.txt")
    (tmp_path / "dir.py").mkdir()
    assert _found(tmp_path) == ["a.py", "b.py", "pkg/__init__.py", "pkg/mod.py"]


def test_sorted_part_by_part_like_paths(tmp_path: Path) -> None:
    """``a/b.py`` before ``a-b/c.py`` (as ``Path`` orders them), though ``-`` < ``/``."""
    _tree(tmp_path, "a-b/c.py", "a/b.py", "a.b/z.py", "a/a/a.py", "a_/x.py")
    found = _found(tmp_path)
    assert found == sorted(found, key=Path)
    assert found.index("a/b.py") < found.index("a-b/c.py")


PATHS = [
    "app/main.py",
    "build",
    "build/",
    "src/build/x.py",
    "a/node_modules/",
    "pkg.egg-info/",
    "x/y/pkg.egg-info/",
    "venv_tools/mod.py",
    "tests/fixtures/data.py",
    "docs/conf.py",
    "gen/out_pb2.py",
    "deep/gen/out_pb2.py",
    "notes/.venv/",
    "migrations/versions/0001_init.py",
]


@pytest.mark.parametrize(
    "patterns",
    [
        list(DEFAULT_EXCLUDES),
        [*DEFAULT_EXCLUDES, "tests/fixtures/", "*_pb2.py", "/docs", "migrations/**/0*.py"],
        ["*.py", "!app/*.py"],  # a re-include: the spec itself answers
        ["venv*", "[bd]ocs/"],
    ],
)
def test_excludes_answer_as_the_spec_does(patterns: list[str]) -> None:
    """The exclude patterns tested as one alternation agree with pathspec's own answer."""
    spec = GitIgnoreSpec.from_lines(patterns)
    excludes = _Excludes(spec)
    assert (excludes.any is None) == any(p.startswith("!") for p in patterns)
    assert [excludes.match_file(p) for p in PATHS] == [spec.match_file(p) for p in PATHS]


def test_results_are_absolute_paths_under_resolved_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, "a.py")
    monkeypatch.chdir(tmp_path)
    assert discover(Path(), Config(root=Path())) == [tmp_path.resolve() / "a.py"]


def test_default_excludes(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        "app.py",
        ".venv/lib/x.py",
        "venv/x.py",
        "pkg/__pycache__/x.py",
        "node_modules/x.py",
        "build/x.py",
        "pkg/build/x.py",
        "dist/x.py",
        "lib/site-packages/x.py",
        "thing.egg-info/x.py",
        ".git/hooks/x.py",
        ".backendkit_cache/x.py",
        "pkg/builder.py",
    )
    assert _found(tmp_path) == ["app.py", "pkg/builder.py"]
    assert "*.egg-info" in DEFAULT_EXCLUDES


def test_exclude_replaces_defaults_and_extend_exclude_adds(tmp_path: Path) -> None:
    _tree(tmp_path, "app.py", "build/x.py", "migrations/0001.py", "gen/a_pb2.py", "gen/b.py")
    config = Config(root=tmp_path, exclude=("migrations",))
    assert _found(tmp_path, config) == ["app.py", "build/x.py", "gen/a_pb2.py", "gen/b.py"]
    config = Config(root=tmp_path, extend_exclude=("*_pb2.py", "/migrations/"))
    assert _found(tmp_path, config) == ["app.py", "gen/b.py"]


def test_exclude_patterns_are_relative_to_root(tmp_path: Path) -> None:
    _tree(tmp_path, "tests/fixtures/a.py", "src/tests/fixtures/b.py", "tests/test_a.py")
    config = Config(root=tmp_path, extend_exclude=("tests/fixtures",))
    assert _found(tmp_path, config) == ["src/tests/fixtures/b.py", "tests/test_a.py"]


def test_root_gitignore(tmp_path: Path) -> None:
    _tree(tmp_path, "app.py", "secret.py", "out/a.py", "keep/ok.py", "keep/skip.py")
    _write(tmp_path, ".gitignore", "# comment\nsecret.py\nout/\nkeep/*\n!keep/ok.py\n")
    assert _found(tmp_path) == ["app.py", "keep/ok.py"]


def test_nested_gitignore_is_relative_to_its_directory_and_wins(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        "gen.py",
        "pkg/gen.py",
        "pkg/local.py",
        "pkg/sub/local.py",
        "other/local.py",
        "pkg/data/x.py",
    )
    _write(tmp_path, ".gitignore", "gen.py\n")
    _write(tmp_path, "pkg/.gitignore", "/local.py\n!gen.py\ndata/\n")
    assert _found(tmp_path) == ["other/local.py", "pkg/gen.py", "pkg/sub/local.py"]


def test_gitignored_directory_cannot_be_reincluded(tmp_path: Path) -> None:
    _tree(tmp_path, "out/a.py", "out/b.py")
    _write(tmp_path, ".gitignore", "out/\n!out/a.py\n")
    assert _found(tmp_path) == []


def test_git_info_exclude(tmp_path: Path) -> None:
    _tree(tmp_path, "app.py", "scratch.py")
    _write(tmp_path, ".git/info/exclude", "scratch.py\n")
    assert _found(tmp_path) == ["app.py"]


def test_respect_gitignore_off(tmp_path: Path) -> None:
    _tree(tmp_path, "app.py", "secret.py")
    _write(tmp_path, ".gitignore", "secret.py\n")
    config = Config(root=tmp_path, respect_gitignore=False)
    assert _found(tmp_path, config) == ["app.py", "secret.py"]


def test_invalid_gitignore_lines_are_skipped(tmp_path: Path) -> None:
    _tree(tmp_path, "app.py", "secret.py")
    _write(tmp_path, ".gitignore", "\\\nsecret.py\n")
    assert _found(tmp_path) == ["app.py"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loops_and_escapes_are_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "project"
    outside = tmp_path / "outside"
    _tree(root, "pkg/a.py")
    _tree(outside, "b.py")
    (root / "pkg" / "loop").symlink_to(root, target_is_directory=True)
    (root / "escape").symlink_to(outside, target_is_directory=True)
    (root / "pkg" / "alias").symlink_to(root / "pkg", target_is_directory=True)
    (root / "linked.py").symlink_to(outside / "b.py")
    (root / "dangling.py").symlink_to(root / "missing.py")
    assert _found(root) == ["linked.py", "pkg/a.py"]


def test_missing_root_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="No such file or directory"):
        discover(tmp_path / "nope", Config(root=tmp_path))


# --- select_reported --------------------------------------------------------------------------


def _files(root: Path) -> list[Path]:
    _tree(root, "app/main.py", "app/api/users.py", "tests/test_x.py", "build/x.py")
    return discover(root, Config(root=root))


def test_reported_all_when_no_paths_or_root_or_ancestor(tmp_path: Path) -> None:
    files = _files(tmp_path)
    assert select_reported(tmp_path, [], files) is None
    assert select_reported(tmp_path, [tmp_path], files) is None
    assert select_reported(tmp_path, [tmp_path / "app", tmp_path.parent], files) is None


def test_reported_directories_and_files(tmp_path: Path) -> None:
    files = _files(tmp_path)
    root = tmp_path.resolve()
    assert select_reported(tmp_path, [tmp_path / "app"], files) == {
        root / "app/main.py",
        root / "app/api/users.py",
    }
    assert select_reported(tmp_path, [tmp_path / "tests/test_x.py"], files) == {
        root / "tests/test_x.py"
    }


def test_reported_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files(tmp_path)
    monkeypatch.chdir(tmp_path / "app")
    assert select_reported(Path(".."), [Path("api")], files) == {
        tmp_path.resolve() / "app/api/users.py"
    }
    assert select_reported(Path(".."), [Path("..")], files) is None


def test_explicit_excluded_file_stays_excluded(tmp_path: Path) -> None:
    files = _files(tmp_path)
    assert select_reported(tmp_path, [tmp_path / "build/x.py"], files) == set()


def test_reported_missing_path_raises(tmp_path: Path) -> None:
    files = _files(tmp_path)
    with pytest.raises(FileNotFoundError) as info:
        select_reported(tmp_path, [tmp_path / "app/nope.py"], files)
    assert "nope.py" in str(info.value)
    assert "\n" not in str(info.value)


# --- module_name ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relpath", "expected"),
    [
        ("app/main.py", ("app.main", False)),
        ("app/__init__.py", ("app", True)),
        ("app/api/v1/users.py", ("app.api.v1.users", False)),
        ("script.py", ("script", False)),
        ("src/pkg/__init__.py", ("pkg", True)),
        ("src/pkg/core/db.py", ("pkg.core.db", False)),
        ("nsroot/ns/mod.py", ("nsroot.ns.mod", False)),  # namespace dirs still give names
        ("src.py", ("src", False)),
        ("src/__init__.py", ("src", True)),
    ],
)
def test_module_name(tmp_path: Path, relpath: str, expected: tuple[str, bool]) -> None:
    _tree(tmp_path, relpath)
    assert module_name(tmp_path, tmp_path / relpath) == expected


def test_module_name_with_relative_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, "src/pkg/mod.py")
    monkeypatch.chdir(tmp_path)
    assert module_name(Path(), tmp_path.resolve() / "src/pkg/mod.py") == ("pkg.mod", False)


def test_module_name_outside_root(tmp_path: Path) -> None:
    assert module_name(tmp_path / "a", tmp_path / "b" / "x.py") == ("x", False)


def test_discovered_files_get_module_names(tmp_path: Path) -> None:
    _tree(tmp_path, "src/shop/__init__.py", "src/shop/api/routes.py", "tests/test_api.py")
    names = {module_name(tmp_path, p) for p in discover(tmp_path, Config(root=tmp_path))}
    assert names == {("shop", True), ("shop.api.routes", False), ("tests.test_api", False)}
