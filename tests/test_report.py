"""``backendkit report``: content of the HTML and Markdown reports, escaping, exit codes."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from backendkit.report.command import build_report_data
from backendkit.report.html import render_html, safe_json
from backendkit.report.layout import columns, layout, max_rows
from backendkit.report.markdown import MAX_CHARS, render_markdown
from backendkit.report.metrics import CACHE_NAME, measure
from helpers import write_project

GRAPHS = Path(__file__).parent / "projects" / "graphs"


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The multi-module example with an import cycle and two routes, copied (cache writes)."""
    root = tmp_path_factory.mktemp("report") / "graphs"
    shutil.copytree(GRAPHS, root, ignore=shutil.ignore_patterns(".backendkit_cache"))
    return root


@pytest.fixture(scope="module")
def data(project_copy: Path):
    return build_report_data(project_copy, None, False, None, 150)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backendkit", "report", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


class _Collector(HTMLParser):
    """Tags, attributes and script elements of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, text: str) -> None:
        if self._in_script:
            self.scripts.append(text)


def _parse(page: str) -> _Collector:
    parser = _Collector()
    parser.feed(page)
    return parser


# -- content -----------------------------------------------------------------------------------
def test_report_data_of_the_example(data) -> None:
    """Summary, findings by rule and file, routes with auth, cycles, fan-in/out, radon."""
    assert data.files == 12
    assert data.by_severity == {"error": 2, "warning": 2, "info": 0}
    assert [g.code for g in data.rules] == ["BK101", "BK201", "BK501"]
    assert list(data.by_file) == ["shop/api/orders.py", "shop/cycle_a.py"]
    assert {(r["path"], r["auth"]) for r in data.routes} == {
        ("/api/orders/", "none"),
        ("/api/orders/{order_id}", "none"),
    }
    assert data.auth["total"] == 2
    assert data.auth["none"] == 2
    assert data.auth["unprotected"] == 2
    assert data.cycles == [(["shop.cycle_a", "shop.cycle_b", "shop.cycle_a"], 2)]
    assert [f["code"] for f in data.architecture] == ["BK501"]
    stats = {m.name: m for m in data.modules}
    assert (stats["shop.helpers"].fan_in, stats["shop.helpers"].fan_out) == (3, 0)
    assert (stats["shop.api.orders"].fan_in, stats["shop.api.orders"].fan_out) == (1, 3)
    assert stats["shop.cycle_a"].in_cycle
    assert not stats["shop.repo"].in_cycle
    assert data.depth is None
    assert len(data.graph) == 12
    assert data.largest[0][1] >= data.largest[-1][1]
    assert all(h.complexity >= 1 and h.rank in "ABCDEF" for h in data.hotspots)
    assert all(0 <= m.mi <= 100 for m in data.maintainability)


def test_html_report_sections(data) -> None:
    page = render_html(data)
    parsed = _parse(page)
    ids = {attrs.get("id") for _tag, attrs in parsed.tags}
    sections = {"summary", "graph", "architecture", "rules", "files", "routes"}
    assert sections | {"coupling", "complexity", "largest"} <= ids
    nodes = [a for t, a in parsed.tags if t == "g" and "node" in (a.get("class") or "").split()]
    assert sorted(a["data-name"] for a in nodes) == sorted(data.graph)
    cycle_nodes = {a["data-name"] for a in nodes if "cycle" in (a.get("class") or "")}
    assert cycle_nodes == {"shop.cycle_a", "shop.cycle_b"}
    edges = [a for t, a in parsed.tags if t == "path" and "edge" in (a.get("class") or "")]
    assert len(edges) == data.graph.number_of_edges()
    assert sum("cycle" in a["class"] for a in edges) == 2
    graph_data = json.loads(parsed.scripts[0])
    assert len(graph_data["nodes"]) == 12
    assert "/api/orders/{order_id}" in page
    assert "BK501" in page


def test_html_is_self_contained(data) -> None:
    """No external resource: no src/href to another document, no http(s) URL at all."""
    page = render_html(data)
    parsed = _parse(page)
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, tag
        href = attrs.get("href")
        assert href is None or href.startswith("#"), href
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page)


def test_markdown_report(data) -> None:
    text = render_markdown(data)
    assert text.startswith("# backendkit report: graphs\n")
    assert "| BK101 | missing-auth | error | security | 2 |" in text
    assert "- `shop.cycle_a -> shop.cycle_b -> shop.cycle_a`" in text
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block.startswith("flowchart LR")
    assert block.count('["') == 12  # one node per module
    assert "`/api/orders/{order_id}`" in text
    assert "## Fan-in / fan-out" in text
    assert "## Complexity hotspots" in text


def test_markdown_collapses_large_graphs(data) -> None:
    """Above the node limit the Mermaid graph shows packages."""
    text = render_markdown(data, limit=4)
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    labels = set(re.findall(r'\["([^"]+)"\]', block))
    assert labels == {"plugins", "shop"}
    assert "packages (collapsed to depth 1)" in text
    deeper = render_markdown(data, depth=2)
    assert '["shop.api"]' in deeper
    assert '["shop.api.orders"]' not in deeper


def test_markdown_fits_in_a_github_comment(data) -> None:
    """Thousands of findings: fewer listed per rule until the text fits."""
    big = copy.deepcopy(data)
    for group in big.rules:
        group.findings = group.findings * 1500
    big.architecture = big.architecture * 100
    text = render_markdown(big)
    assert len(text) <= MAX_CHARS
    assert "... and 2980 more (see the HTML report)." in text  # BK101: 3000 findings, 20 shown
    assert "... and 70 more." in text
    assert "```mermaid" in text


def test_html_collapses_above_the_node_limit(project_copy: Path) -> None:
    small = build_report_data(project_copy, None, False, None, 5)
    assert small.depth == 1
    assert set(small.graph) == {"plugins", "shop"}
    assert small.graph.nodes["shop"]["in_cycle"]
    assert len(small.modules) == 12  # fan-in/out stays per module


# -- escaping ----------------------------------------------------------------------------------
HOSTILE = "/x</script><img src=x onerror=alert(1)>|`"


def test_html_and_markdown_escape_names_and_messages(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "evil",
        {
            "app/__init__.py": "",
            "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
            f"@app.post({HOSTILE!r})\ndef create() -> dict:\n    return {{}}\n",
        },
    )
    data = build_report_data(root, None, False, None, 150)
    assert any(HOSTILE in f["message"] for f in data.findings)
    page = render_html(data)
    assert "<img" not in page
    assert "</script><" not in page
    assert "/x&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    text = render_markdown(data)
    assert "<img" not in text.replace("`/x</script><img src=x onerror=alert(1)>\\|'`", "")
    assert "&lt;img src=x onerror=alert(1)&gt;" in text  # plain table text: entities


def test_safe_json_cannot_close_the_script_element() -> None:
    text = safe_json({"name": "</script><!-- & -->"})
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert json.loads(text) == {"name": "</script><!-- & -->"}


# -- layout ------------------------------------------------------------------------------------
def test_layout_columns_follow_imports() -> None:
    graph = nx.DiGraph([("main", "api"), ("api", "db"), ("main", "db"), ("a", "b"), ("b", "a")])
    column = columns(graph)
    assert column["main"] == 0
    assert column["api"] == 1
    assert column["db"] == 2
    assert column["a"] == column["b"]  # one cycle, one column
    boxes, width, height = layout(graph)
    assert boxes["main"].x < boxes["api"].x < boxes["db"].x
    assert all(b.x >= 0 and b.x + b.width <= width and b.y + 22 <= height for b in boxes.values())
    assert layout(graph)[0] == boxes  # deterministic


def test_layout_wraps_tall_columns() -> None:
    graph = nx.DiGraph([("root", f"leaf{n:03}") for n in range(300)])
    boxes, width, height = layout(graph)
    leaves = [b for name, b in boxes.items() if name != "root"]
    assert len({b.x for b in leaves}) == -(-300 // max_rows(301))
    assert height < width * 2


# -- metrics cache -----------------------------------------------------------------------------
def test_radon_metrics_are_cached_by_content(tmp_path: Path) -> None:
    branchy = "def f(x):\n" + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(5))
    root = write_project(tmp_path / "m", {"a.py": branchy, "b.py": "X = 1\n"})
    cache = tmp_path / "cache"
    first = measure(root, ["a.py", "b.py"], cache)
    assert first[0].functions[0].complexity == 6
    assert first[0].functions[0].name == "f"
    assert (cache / CACHE_NAME).is_file()
    assert measure(root, ["a.py", "b.py"], cache) == first
    (root / "a.py").write_text("def g():\n    return 1\n", encoding="utf-8")
    again = measure(root, ["a.py", "b.py"], cache)
    assert again[0].functions[0].name == "g"
    (cache / CACHE_NAME).write_text("{damaged", encoding="utf-8")
    assert measure(root, ["a.py", "b.py"], cache) == again


# -- command line ------------------------------------------------------------------------------
def test_cli_writes_html_and_markdown(project_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = _cli(str(project_copy), "-o", str(out), "--no-cache", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert done.stderr.startswith(f"Wrote {out}: 4 findings, 2 routes, 12 modules")
    markdown = _cli(str(project_copy), "--format", "markdown", "--no-cache", cwd=tmp_path)
    assert markdown.returncode == 0
    assert "```mermaid" in markdown.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "--format 'pdf' is not one of: html, markdown"),
        (["--depth", "0"], "--depth must be at least 1"),
        (["does-not-exist"], "no such file or directory: does-not-exist"),
        (["-o", "missing-dir/r.html"], "cannot write missing-dir/r.html"),
        (["-o", "json"], "-o json: -o is the file the report is written to; for a format use"),
    ],
)
def test_cli_bad_input_exits_2(project_copy: Path, args: list[str], message: str) -> None:
    done = _cli(*args, cwd=project_copy)
    assert done.returncode == 2
    assert done.stderr.startswith(f"backendkit: error: {message}")
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_empty_project_gives_a_report(tmp_path: Path) -> None:
    root = write_project(tmp_path / "empty", {})
    data = build_report_data(root, None, False, None, 150)
    assert (data.files, len(data.modules), len(data.graph)) == (0, 0, 0)
    assert 'id="graph-svg"' in render_html(data)
    text = render_markdown(data)
    assert "No findings." in text
    assert "No import cycles.\n\n### Architecture findings" in text


def test_markdown_cuts_long_messages_and_cycles(data) -> None:
    """A 400-module import cycle: its chain and the messages that spell it out are shortened,
    and a report that still does not fit is cut with a note."""
    big = copy.deepcopy(data)
    chain = [f"app.m{i}" for i in range(400)] + ["app.m0"]
    big.cycles = [(chain, 400)] * 20
    long_message = "Import cycle " + " -> ".join(chain)
    for group in big.rules:
        for finding in group.findings:
            finding["message"] = long_message
    text = render_markdown(big)
    assert len(text) <= MAX_CHARS
    assert "app.m11 -> ...` (400 steps)" in text
    assert "app.m300" not in text
    assert "Import cycle app.m0 -&gt; app.m1 -&gt; app.m2" in text
    assert "app.m299 -&gt;" not in text


def test_architecture_section_says_what_was_checked(tmp_path: Path) -> None:
    """No architecture findings: the page names the checks, including forbidden contracts,
    and says so when no contract is configured."""
    files = {"app/__init__.py": "", "app/domain.py": "", "app/db.py": ""}
    bare = build_report_data(write_project(tmp_path / "bare", files), None, False, None, 150)
    assert "Checked: import cycles; no import contracts are configured." in render_html(bare)
    contract = {
        "name": "pure domain",
        "type": "forbidden",
        "source-modules": ["app.domain"],
        "forbidden-modules": ["app.db"],
    }
    options = {"architecture": {"contracts": [contract]}}
    root = write_project(tmp_path / "configured", files, options)
    data = build_report_data(root, None, False, None, 150)
    checked = "Checked: import cycles and 1 configured contract (forbidden)."
    assert checked in render_html(data)
    assert checked in render_markdown(data)
