"""The HTML report in a real headless browser: Debian's chromium driven by playwright.

``bash scripts/chromium.sh`` installs chromium; playwright never downloads a browser here
(``executable_path`` points at /usr/bin/chromium). Without chromium or playwright the tests are
skipped, unless ``BACKENDKIT_REQUIRE_BROWSER=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from backendkit.report.command import build_report_data
from backendkit.report.html import render_html
from helpers import write_project
from pngcheck import ink_share, read_png

CHROMIUM = Path(os.environ.get("BACKENDKIT_CHROMIUM", "/usr/bin/chromium"))
GRAPHS = Path(__file__).parent / "projects" / "graphs"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("BACKENDKIT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (BACKENDKIT_REQUIRE_BROWSER=1); run: bash scripts/chromium.sh")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("browser")
    root = base / "graphs"
    shutil.copytree(GRAPHS, root, ignore=shutil.ignore_patterns(".backendkit_cache"))
    out = base / "report.html"
    out.write_text(render_html(build_report_data(root, None, False, None, 150)), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def browser(report_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """The report opened from a file:// URL, with the problems the browser reported."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")),
            executable_path=str(CHROMIUM),
            args=ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        page = context.new_page()
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report_file.as_uri())
        page.wait_for_load_state("load")
        yield page, problems, requests
        context.close()


@pytest.fixture
def browser_page(browser, report_file: Path):
    """The report freshly loaded for each test (no state left over from another test)."""
    page, problems, requests = browser
    requests.clear()
    page.goto(report_file.as_uri())
    page.wait_for_load_state("load")
    return page, problems, requests


def test_loads_without_errors_or_network(browser_page, report_file: Path) -> None:
    page, problems, requests = browser_page
    assert problems == []
    assert set(requests) == {report_file.as_uri()}  # the page itself and nothing else
    assert page.title() == "backendkit report: graphs"


def test_graph_renders_every_module(browser_page) -> None:
    page, problems, _requests = browser_page
    assert page.locator("#nodes .node").count() == 12
    assert page.locator("#edges .edge").count() == 13
    assert page.locator("#edges .edge.cycle").count() == 2
    box = page.locator('[data-name="shop.api.orders"] rect').bounding_box()
    assert box is not None
    assert box["width"] > 20
    assert box["height"] > 5
    assert problems == []


def test_search_highlights_matching_modules(browser_page) -> None:
    page, problems, _requests = browser_page
    page.fill("#graph-search", "cycle_")
    matches = page.locator("#nodes .node.match")
    assert sorted(matches.evaluate_all("els => els.map(e => e.dataset.name)")) == [
        "shop.cycle_a",
        "shop.cycle_b",
    ]
    assert page.inner_text("#graph-count") == "2 matches"
    page.press("#graph-search", "Enter")  # selects the first match
    assert page.inner_text("#graph-info h4") == "shop.cycle_a"
    page.fill("#graph-search", "")
    assert page.locator("#nodes .node.match").count() == 0
    assert problems == []


def test_clicking_a_module_shows_its_edges(browser_page) -> None:
    page, problems, _requests = browser_page
    page.click('[data-name="shop.api.orders"]')
    assert page.inner_text("#graph-info h4") == "shop.api.orders"
    outs = page.locator("#graph-info .edges-out li").all_inner_texts()
    ins = page.locator("#graph-info .edges-in li").all_inner_texts()
    assert outs == ["shop", "shop.api.deps", "shop.helpers"]
    assert ins == ["shop.api"]
    assert page.locator(".edge.out").count() == 3
    assert page.locator(".edge.in").count() == 1
    page.click("#graph-info .edges-out li >> text=shop.helpers")  # follow an edge
    assert page.inner_text("#graph-info h4") == "shop.helpers"
    assert page.locator("#graph-info .edges-in li").count() == 3
    assert problems == []


def test_zoom_changes_the_view(browser_page) -> None:
    page, problems, _requests = browser_page
    before = page.get_attribute("#graph-svg", "viewBox")
    page.click("#zoom-in")
    after = page.get_attribute("#graph-svg", "viewBox")
    assert before
    assert after
    assert float(after.split()[2]) < float(before.split()[2])
    page.click("#zoom-fit")
    assert page.get_attribute("#graph-svg", "viewBox") == before
    assert problems == []


def test_screenshot_is_not_blank(browser_page, tmp_path: Path) -> None:
    page, _problems, _requests = browser_page
    page.click("#zoom-fit")
    shot = tmp_path / "graph.png"
    page.locator("#graph").screenshot(path=str(shot))
    width, height, pixels = read_png(shot.read_bytes())
    assert width > 600
    assert height > 200
    ink, colours = ink_share(pixels)
    assert ink > 0.02, f"the graph screenshot is almost blank ({ink:.1%} ink): {shot}"
    assert colours > 20  # text, boxes, edges, highlight colours


def _big_project(root: Path) -> Path:
    """240 modules in 12 packages; each module imports its namesake in the previous package."""
    files = {"big/__init__.py": ""}
    for package in range(12):
        files[f"big/pkg{package:02}/__init__.py"] = ""
        for module in range(20):
            body = f"from big.pkg{package - 1:02} import mod{module:02}\n" if package else ""
            files[f"big/pkg{package:02}/mod{module:02}.py"] = body + "X = 1\n"
    return write_project(root, files)


def test_a_few_hundred_modules_stay_usable(browser, tmp_path: Path) -> None:
    """Full graph (253 modules) and the default collapsed one load; search and click work."""
    page, problems, _requests = browser
    root = _big_project(tmp_path / "big")
    full = tmp_path / "full.html"
    full.write_text(render_html(build_report_data(root, None, False, None, 1000)), "utf-8")
    page.goto(full.as_uri())
    assert page.locator("#nodes .node").count() == 253
    page.fill("#graph-search", "pkg05.mod07")
    assert page.locator("#nodes .node.match").count() == 1
    page.press("#graph-search", "Enter")
    assert page.locator("#graph-info .edges-out li").all_inner_texts() == ["big.pkg04.mod07"]
    assert page.locator("#graph-info .edges-in li").all_inner_texts() == ["big.pkg06.mod07"]
    collapsed = tmp_path / "collapsed.html"
    collapsed.write_text(render_html(build_report_data(root, None, False, None, 150)), "utf-8")
    page.goto(collapsed.as_uri())
    assert page.locator("#nodes .node").count() == 13  # big + 12 packages
    page.click('[data-name="big.pkg05"]')
    assert page.locator("#graph-info .edges-out li").all_inner_texts() == ["big.pkg04"]
    assert problems == []
