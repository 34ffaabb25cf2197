"""The catalogue is the single source of truth: it matches the implementations one to one, every
entry is complete, and the generated docs are fresh."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from backendkit import catalogue
from backendkit.catalogue import catalogue_dir, load_catalogue
from backendkit.docsgen import expected_docs
from backendkit.guides import GUIDES
from backendkit.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


def test_catalogue_and_implementations_match() -> None:
    """Every catalogue entry has an implementation and every implementation an entry."""
    assert set(load_catalogue()) == set(RULES)


def test_entries_are_complete() -> None:
    """Code, kebab-case name, summary, docs sections and at least one seed statement."""
    names = set()
    for code, info in load_catalogue().items():
        assert re.fullmatch(r"BK\d{3}", code)
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", info.name), info.name
        assert info.name not in names
        names.add(info.name)
        for part in ("summary", "what", "why", "example", "fix"):
            assert getattr(info, part), f"{code} has no {part}"
        assert info.seeds, f"{code} cites no seed guide"
        assert info.scope in ("file", "project")


def test_seed_citations_are_real() -> None:
    """Each cited statement appears in the cited guide (when the guides are present)."""
    if not SEEDS.is_dir():
        return
    for info in load_catalogue().values():
        for seed in info.seeds:
            text = (SEEDS / seed.file).read_text(encoding="utf-8")
            words = re.findall(r"[a-z]{4,}", seed.statement.lower())
            assert all(w in text.lower() for w in words), (info.code, seed.statement)


def test_cited_guides_have_titles() -> None:
    """Every guide file a rule cites has a title and description in ``backendkit.guides``."""
    cited = {seed.file for info in load_catalogue().values() for seed in info.seeds}
    missing = sorted(cited - set(GUIDES))
    assert not missing, f"add these guides to backendkit.guides.GUIDES: {missing}"


def test_options_sections_agree() -> None:
    """Rules sharing an options section declare the same defaults."""
    sections: dict[str, dict[str, object]] = {}
    for info in load_catalogue().values():
        if info.options_section:
            previous = sections.setdefault(info.options_section, info.options)
            assert previous == info.options, info.code


def test_docs_are_generated_and_fresh() -> None:
    """``docs/rules`` and ``docs/guides.md`` are what ``python -m backendkit.docsgen`` writes,
    and ``docs/rules`` holds no page of a rule that no longer exists."""
    docs = ROOT / "docs"
    expected = expected_docs()
    assert {"guides.md", "rules/README.md", "rules/BK001.md"} <= set(expected)
    for name, text in expected.items():
        path = docs / name
        assert path.is_file(), f"{path} is missing: run python -m backendkit.docsgen"
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: regenerate it"
    stray = {f"rules/{path.name}" for path in (docs / "rules").glob("*.md")} - set(expected)
    assert not stray, f"{sorted(stray)} are not generated: remove them"


def _copies(tmp_path: Path, count: int = 3) -> list[Path]:
    """``count`` rule files copied into a directory of their own."""
    target = tmp_path / "rules"
    target.mkdir()
    for source in sorted(catalogue_dir().glob("*.toml"))[:count]:
        shutil.copy(source, target / source.name)
    return sorted(target.glob("*.toml"))


def _kept(paths: list[Path]) -> list[Path]:
    return sorted((paths[0].parent / "__pycache__").glob("catalogue-*.marshal"))


def test_the_tables_are_kept_compiled_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first read parses and keeps the tables; the next reads the kept copy, not TOML."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    paths = _copies(tmp_path)
    first = catalogue._read_tables(paths)
    assert len(_kept(paths)) == 1

    def no_toml(*_args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(catalogue.tomllib, "load", no_toml)
    assert catalogue._read_tables(paths) == first


def test_an_edited_rule_file_is_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A changed file (size, time) makes another key: parsed, kept, the old copy removed."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    paths = _copies(tmp_path)
    catalogue._read_tables(paths)
    old = _kept(paths)
    text = paths[0].read_text(encoding="utf-8").replace('summary = "', 'summary = "Edited: ', 1)
    paths[0].write_text(text, encoding="utf-8")
    tables = catalogue._read_tables(paths)
    assert str(tables[0][1]["summary"]).startswith("Edited: ")
    assert len(_kept(paths)) == 1
    assert _kept(paths) != old


def test_a_damaged_copy_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    paths = _copies(tmp_path)
    expected = catalogue._read_tables(paths)
    for damaged in (b"", b"\x00garbage", __import__("marshal").dumps([1, 2])):
        _kept(paths)[0].write_bytes(damaged)
        assert catalogue._read_tables(paths) == expected


def test_nothing_is_kept_without_bytecode_or_write_access(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``PYTHONDONTWRITEBYTECODE`` and an unwritable directory leave nothing behind."""
    paths = _copies(tmp_path)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    expected = catalogue._read_tables(paths)
    assert not (paths[0].parent / "__pycache__").exists()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)

    def refused(*_args: object, **_kwargs: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(catalogue.tempfile, "mkstemp", refused)
    assert catalogue._read_tables(paths) == expected
    assert not _kept(paths)
