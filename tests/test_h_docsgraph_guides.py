"""The guides the rules cite (``tests/test_catalogue.py`` checks that each has an entry in
``backendkit.guides``): the rule pages name a guide by its title and link to
``docs/guides.md``, which lists each guide with the rules enforcing each of its statements;
every link between the generated pages resolves."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import pytest

from backendkit.catalogue import load_catalogue
from backendkit.docsgen import expected_docs, guides_markdown, heading_anchor, rule_markdown
from backendkit.guides import GUIDES

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"  # as test_catalogue
LINK = re.compile(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)")


def test_the_table_describes_the_real_guides() -> None:
    """One entry per guide file, known by the name its front matter or heading gives it."""
    if not SEEDS.is_dir():
        pytest.skip("the guides are not on this machine")
    assert set(GUIDES) == {path.name for path in SEEDS.glob("*.txt")}
    titles = [guide.title for guide in GUIDES.values()]
    assert len(set(titles)) == len(titles)
    for name, guide in GUIDES.items():
        head = (SEEDS / name).read_text(encoding="utf-8")[:600]
        assert guide.known_as in head, (name, guide.known_as)


def test_rule_page_names_the_guide_by_title() -> None:
    page = rule_markdown(load_catalogue()["BK402"])
    section = page.split("## Guides it enforces", 1)[1]
    anchor = heading_anchor("Senior backend engineer for FastAPI + FastMCP")
    assert anchor == "senior-backend-engineer-for-fastapi--fastmcp"
    assert section.strip().splitlines()[-1] == (
        '- "Maintain files under 500 lines for modularity": '
        f"[Senior backend engineer for FastAPI + FastMCP](../guides.md#{anchor}) "
        "(`004_12ddb3cedd132c32.txt`)"
    )
    assert "[backend-engineering guides](../guides.md)" in section


def test_guides_page_lists_each_guide_and_the_rules_per_statement() -> None:
    page = guides_markdown(load_catalogue())
    for name, guide in GUIDES.items():
        assert f"## {guide.title}\n" in page
        assert f"`{name}`" in page
    cited_by_many = (
        '| "Follow framework conventions and established architectural patterns" | '
        "[BK501](rules/BK501.md) import-cycle, [BK502](rules/BK502.md) "
    )
    assert cited_by_many in page
    unused = page.split("## BackendDeveloper agent", 1)[1].split("\n## ", 1)[0]
    assert "No rule cites this guide." in unused
    assert "rules/BK" not in unused


def test_links_between_generated_pages_resolve() -> None:
    """Every relative link names a generated page, and its anchor one of that page's headings."""
    pages = expected_docs()
    assert "guides.md" in pages
    anchors = {
        name: {heading_anchor(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}
        for name, text in pages.items()
    }
    checked = 0
    for name, text in pages.items():
        for target, anchor in LINK.findall(text):
            if not target or "://" in target:
                continue
            resolved = str(PurePosixPath(name).parent / target)
            resolved = re.sub(r"[^/]+/\.\./", "", resolved)
            assert resolved in pages, (name, target)
            assert not anchor or anchor in anchors[resolved], (name, target, anchor)
            checked += 1
    assert checked > 100
