"""The catalogue is the single source of truth: it matches the implementations one to one, every
entry is complete, and the generated docs are fresh."""

from __future__ import annotations

import re
from pathlib import Path

from backendkit.catalogue import load_catalogue
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
