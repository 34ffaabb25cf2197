"""Start-up stays light (issue 6: ``--version`` and ``lint`` of one small file under 0.3 s). Time
is measured by ``bench/bench.py``, not here; these tests guard what makes it: the modules a run
imports. ``--version`` imports no analysis code, and a one-file ``lint`` does not import the
process pool (``multiprocessing``, ``concurrent.futures``: about 7 ms), which only a run that
summarises many files in worker processes needs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """\
import json, sys
from backendkit.cli import _run_app
sys.argv = ["backendkit", *sys.argv[1:]]
try:
    _run_app()
except SystemExit:
    pass
sys.stdout.flush()
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _imported(*args: str) -> set[str]:
    """The modules loaded by ``backendkit <args>`` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_version_imports_no_analysis_code() -> None:
    loaded = _imported("--version")
    assert not {"libcst", "networkx", "radon", "backendkit.engine"} & loaded


def test_a_one_file_lint_does_not_import_the_process_pool(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.backendkit]\n", encoding="utf-8")
    app = tmp_path / "app.py"
    app.write_text("def f(x: int) -> int:\n    return x\n", encoding="utf-8")
    loaded = _imported("lint", "--no-cache", str(app))
    assert "libcst" in loaded  # the file was analysed
    assert not {"multiprocessing", "concurrent.futures"} & loaded
