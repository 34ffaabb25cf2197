"""Rules that read the import statements only (BK501-BK504, ``ProjectRule.reads``) keep their
last findings while no import changes (``snapshot.RuleReuse``): an edit to a function body
does not run them again, and every change they can see (an import anywhere, a deferred import,
one under ``TYPE_CHECKING``, a new module) does. The output always equals a run without cache."""

from __future__ import annotations

import time
from pathlib import Path

import libcst as cst
import pytest

from backendkit import analyze, fanout, incremental
from backendkit.cache import encode, imports_of
from backendkit.result import AnalysisResult
from backendkit.rules.architecture import ImportCycleRule
from backendkit.rules.contracts import LayersRule
from backendkit.summary.collector import build_summary
from backendkit.summary.model import ModuleSummary
from helpers import count_calls, write_project

FILES = {
    "shop/__init__.py": "",
    "shop/api.py": "from shop.crud import create\n\n\ndef route() -> None:\n    create()\n",
    "shop/crud.py": "from shop import api\n\n\ndef create() -> None:\n    return None\n",
    "shop/models.py": "def price() -> int:\n    return 1\n",
}
#: a layers contract that models.py breaks once it imports the api
CONTRACTS = {
    "architecture": {
        "contracts": [
            {"name": "layers", "type": "layers", "layers": ["shop.api", "shop.models"]},
        ]
    }
}
HOUR_NS = 3600 * 10**9


@pytest.fixture(autouse=True)
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots dated an hour ahead: the files just written are past the racy window."""
    monkeypatch.setattr(incremental, "now_ns", lambda: time.time_ns() + HOUR_NS)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A project with an import cycle (api <-> crud) and a layers contract."""
    return write_project(tmp_path / "shop", FILES, CONTRACTS)


def summarize(source: str) -> ModuleSummary:
    """The summary of ``source`` as module ``pkg.mod``."""
    return build_summary("pkg/mod.py", "pkg.mod", False, cst.parse_module(source))


def import_digest(source: str) -> str:
    """The import digest in the shape the cache gives ``source``'s summary."""
    return imports_of(encode(summarize(source))[1])


def everything(result: AnalysisResult) -> tuple[object, ...]:
    """What a run reports."""
    return (result.files, result.findings, result.routes, result.notes)


def codes(result: AnalysisResult) -> list[tuple[str, str, int]]:
    """(code, path, line) of every BK5xx finding."""
    return [(f.code, f.path, f.line) for f in result.findings if f.code.startswith("BK5")]


def rerun(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[AnalysisResult, int]:
    """A cached run, and how many of BK501 and BK502 it ran (0 to 2)."""
    with monkeypatch.context() as patch:
        cycles = count_calls(patch, ImportCycleRule, "check_project")
        layers = count_calls(patch, LayersRule, "check_project")
        result = analyze([root], workers=1)  # both groups here, where the calls are counted
    return result, len(cycles) + len(layers)


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) by ``new`` in one file."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("split", [False, True])
def test_a_body_edit_keeps_the_import_rules_findings(
    shop: Path, monkeypatch: pytest.MonkeyPatch, split: bool
) -> None:
    """Changing what a function does reruns the project pass but not BK501/BK502, whose
    findings stay those of a run without cache, also when the rules run in two groups
    (a kept rule stays in its group, where it gives its last findings)."""
    if split:
        monkeypatch.setattr(fanout, "SPLIT_MIN_LINES", 0)
    first, ran = rerun(shop, monkeypatch)
    assert ran == 2
    assert codes(first) == [("BK501", "shop/api.py", 1)]
    edit(shop, "shop/models.py", "return 1", "total = 2\n    return total")
    second, ran = rerun(shop, monkeypatch)
    assert ran == 0
    assert everything(second) == everything(analyze([shop], use_cache=False))


@pytest.mark.parametrize(
    ("old", "new", "found"),
    [
        # a new top-level import breaks the contract
        (
            "def price",
            "from shop import api\n\n\ndef price",
            [("BK501", "shop/api.py", 1), ("BK502", "shop/models.py", 1)],
        ),
        # the same import deferred into the function runs only when called: no cycle, but
        # the contract still counts it
        (
            "    return 1",
            "    from shop import api\n\n    return api and 1",
            [("BK501", "shop/api.py", 1), ("BK502", "shop/models.py", 2)],
        ),
        # under TYPE_CHECKING it never runs, and contracts leave it out
        (
            "def price",
            "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from shop import api\n\n\n"
            "def price",
            [("BK501", "shop/api.py", 1)],
        ),
    ],
)
def test_an_import_change_runs_them_again(
    shop: Path,
    monkeypatch: pytest.MonkeyPatch,
    old: str,
    new: str,
    found: list[tuple[str, str, int]],
) -> None:
    """Any import added (at top level, in a function, under TYPE_CHECKING) reruns both."""
    rerun(shop, monkeypatch)
    edit(shop, "shop/models.py", old, new)
    second, ran = rerun(shop, monkeypatch)
    assert ran == 2
    assert codes(second) == found
    assert everything(second) == everything(analyze([shop], use_cache=False))


def test_breaking_the_cycle_and_adding_a_module(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Removing the import that closes the cycle removes the finding; a new module (the
    import graph gains a node) runs the rules again too."""
    rerun(shop, monkeypatch)
    edit(shop, "shop/crud.py", "from shop import api\n", "")
    second, ran = rerun(shop, monkeypatch)
    assert (ran, codes(second)) == (2, [])
    (shop / "shop" / "extra.py").write_text("VALUE = 1\n", encoding="utf-8")
    third, ran = rerun(shop, monkeypatch)
    assert ran == 2
    assert everything(third) == everything(analyze([shop], use_cache=False))


def test_a_moved_contract_is_reported_at_its_new_line(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Findings about the configuration give its line numbers, so the snapshot is keyed by the
    configuration file's bytes: a line added above the contract moves the BK005."""
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace('"shop.models"', '"shop.nowhere"'),
        encoding="utf-8",
    )
    before = [f.line for f in analyze([shop]).findings if f.code == "BK005"]
    pyproject.write_text("# moved\n" + pyproject.read_text(encoding="utf-8"), encoding="utf-8")
    after = [f.line for f in analyze([shop]).findings if f.code == "BK005"]
    assert before
    assert after == [line + 1 for line in before]


def test_the_digest_covers_what_the_import_graph_reads() -> None:
    """Each fact the import graph takes from a summary changes the digest; a body edit and a
    comment do not."""
    base = "import os\n\n\ndef f() -> int:\n    return 1\n"
    variants = [
        "import sys\n\n\ndef f() -> int:\n    return 1\n",  # another module
        "\nimport os\n\n\ndef f() -> int:\n    return 1\n",  # another line
        "from os import path\n\n\ndef f() -> int:\n    return 1\n",  # a from-import
        "import os\n\n\ndef f() -> int:\n    import sys\n    return 1\n",  # a deferred one
        "import os\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sys\n",
        "from . import os\n\n\ndef f() -> int:\n    return 1\n",  # relative
    ]
    digest = import_digest(base)
    assert len({import_digest(v) for v in variants} | {digest}) == 7
    same = "import os\n\n\ndef f() -> int:\n    # note\n    return 2\n"
    assert import_digest(same) == digest
