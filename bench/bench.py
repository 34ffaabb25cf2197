"""Benchmark backendkit against a bare libcst parse and the tools users know, in one run.

Usage::

    .venv/bin/python bench/bench.py [--repeat 3] [--lines 100000] [--no-peers] [--memory]
                                    [--corpus fastapi|packages|PATH ...] [--work DIR]

Corpora (built under ``--work``, default ``/tmp/backendkit-bench``, by ``bench/corpus.py``):

- ``fastapi``: a project generated from backendkit's template, scaled up to ``--lines``;
- ``packages``: the sqlalchemy and pydantic source trees;
- any other value is an existing project directory.

For each corpus, on the same files, every command runs in a fresh process ``--repeat`` times
(median wall time; slow peers, over 60 s, run once). The bare parse and the two cold runs take
turns, round by round, so a slow spell of the machine slows them alike:

- ``bare parse``: ``libcst.parse_module`` on every file backendkit analyses, one process;
- ``backendkit cold`` (cache removed first; both cores) and ``cold --jobs 1``;
- ``backendkit warm``: again, nothing changed;
- ``one change: comment``: after appending a comment to one mid-sized file;
- ``one change: code``: after appending a function to it (the project pass runs again);
- ``the same, lint <file> only``: that change, linted as pre-commit runs it, given the changed
  file (the whole project is linked; focusable rules look only at that file);
- peers from PyPI, installed in a separate venv (``bench/.peers-venv``, created on first use):
  ``ruff check --select ALL --no-cache``, ``bandit -r -q``, ``radon cc``,
  ``semgrep --config bench/semgrep-rules.yml`` (offline) and ``fixit lint`` (built-in rules).
  A peer that cannot be installed or fails is reported as such.

Columns: wall seconds, lines per second, ``max RSS`` (the largest single process of the run,
from ``wait4``), ``tree PSS`` (the proportional set size summed over the run's process tree,
sampled every 0.1 s in the first run of each command: a page shared by forked processes counts
once, so this is the run's real total), and each time as a ratio to the
bare parse. ``--memory`` adds one cold run on about 500k lines (sqlalchemy, pydantic, fastapi
and networkx). Start-up (``--version``; ``lint`` of a one-file project) is measured once.
Commands run as users run them: backendkit's modules are byte-compiled first and
``PYTHONDONTWRITEBYTECODE`` is dropped from the environment (set, it makes an editable checkout
recompile about 100 modules, 0.1 s, on every run).
The machine may be shared: absolute times are noisy, ratios within one run are what counts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import corpus

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
BACKENDKIT = str(Path(sys.executable).with_name("backendkit"))
PEERS_VENV = HERE / ".peers-venv"
PEER_PACKAGES = ("ruff", "bandit", "radon", "semgrep", "fixit")
SEMGREP_RULES = HERE / "semgrep-rules.yml"
CACHE = ".backendkit_cache"
SLOW = 60.0  # seconds: a command this slow is not repeated
TIMEOUT = 900
# No progress bars, no colour; bytecode caching on, as users have it (a shell or CI that sets
# PYTHONDONTWRITEBYTECODE would recompile an editable checkout's modules on every run).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"CI": "1"}

BARE_PARSE = """
import sys
import libcst
for path in sys.stdin.read().splitlines():
    with open(path, encoding="utf-8") as handle:
        libcst.parse_module(handle.read())
"""

FILES_OF = """
import sys
from pathlib import Path
from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.discovery import discover
root = Path(sys.argv[1]).resolve()
print("\\n".join(str(p) for p in discover(root, load_config(root, load_catalogue()))))
"""


@dataclass
class Row:
    """One measured command."""

    name: str
    seconds: float | None
    max_rss: int = 0  # KiB
    tree_rss: int = 0  # KiB
    note: str = ""


class TreeSampler(threading.Thread):
    """Samples the summed PSS of a process and its descendants (Linux ``/proc``): each shared
    page counts once over the tree, so forked workers are not counted twice."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.peak = max(self.peak, sum(_pss(p) for p in _tree(self.pid)))


def _tree(pid: int) -> list[int]:
    out, stack = [], [pid]
    while stack:
        current = stack.pop()
        out.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text()
        except OSError:
            continue
        stack.extend(int(c) for c in children.split())
    return out


def _pss(pid: int) -> int:
    """Proportional set size (KiB) from ``smaps_rollup``; the RSS where that is missing."""
    return _proc_kib(pid, "smaps_rollup", "Pss:") or _proc_kib(pid, "status", "VmRSS:")


def _proc_kib(pid: int, name: str, field: str) -> int:
    """The KiB figure of ``field`` in ``/proc/<pid>/<name>``, 0 when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_once(
    command: list[str], stdin: bytes | None = None, sample: bool = True
) -> tuple[float, int, int, int]:
    """Wall seconds, exit code, max RSS and sampled tree PSS (KiB, 0 unless ``sample``: reading
    ``/proc`` ten times a second costs the measured command about 1% on two cores)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )
    sampler = TreeSampler(process.pid)
    if sample:
        sampler.start()
    if stdin is not None and process.stdin is not None:
        process.stdin.write(stdin)
        process.stdin.close()
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    sampler.done.set()
    if sample:
        sampler.join()
    return elapsed, os.waitstatus_to_exitcode(status), usage.ru_maxrss, sampler.peak


def measure(
    name: str,
    command: list[str],
    repeat: int,
    *,
    ok: tuple[int, ...] = (0, 1),
    before: Callable[[int], None] | None = None,
    stdin: bytes | None = None,
    sampled: bool = True,
) -> Row:
    """Median over ``repeat`` runs (one run when it is slow); a failing command is noted. The
    tree PSS is sampled in the first run only (when ``sampled``)."""
    times, rss, tree = [], 0, 0
    for number in range(repeat):
        if before is not None:
            before(number)
        try:
            elapsed, code, max_rss, tree_rss = run_once(command, stdin, number == 0 and sampled)
        except OSError as error:
            return Row(name, None, note=f"could not run: {error}")
        if code not in ok:
            return Row(name, None, note=f"failed (exit code {code})")
        times.append(elapsed)
        rss, tree = max(rss, max_rss), max(tree, tree_rss)
        if elapsed > SLOW:
            break
    note = "" if len(times) == repeat else f"{len(times)} run"
    return Row(name, statistics.median(times), rss, tree, note)


#: One command of a round: its name, command line and ``measure``'s keyword arguments.
Spec = tuple[str, list[str], dict]


def measure_rounds(specs: list[Spec], repeat: int) -> list[Row]:
    """``measure`` for several commands run in turn, ``repeat`` rounds of each in that order:
    a slow spell of the machine then hits all of them alike, so their ratios hold."""
    times: list[list[float]] = [[] for _ in specs]
    peaks = [[0, 0] for _ in specs]
    failed: dict[int, Row] = {}
    for number in range(repeat):
        for position, (name, command, options) in enumerate(specs):
            if position in failed or (times[position] and times[position][-1] > SLOW):
                continue
            row = measure(name, command, 1, sampled=number == 0, **_one_round(options, number))
            if row.seconds is None:
                failed[position] = row
                continue
            times[position].append(row.seconds)
            peaks[position] = [
                max(peaks[position][0], row.max_rss),
                max(peaks[position][1], row.tree_rss),
            ]
    rows = []
    for position, (name, _command, _options) in enumerate(specs):
        if position in failed:
            rows.append(failed[position])
            continue
        note = "" if len(times[position]) == repeat else f"{len(times[position])} run"
        rows.append(Row(name, statistics.median(times[position]), *peaks[position], note))
    return rows


def _one_round(options: dict, number: int) -> dict:
    """``options`` with ``before`` called with the round's number rather than 0."""
    before = options.get("before")
    if before is None:
        return options
    return {**options, "before": lambda _zero: before(number)}


# -- peers ------------------------------------------------------------------------------------
def peers_venv() -> tuple[Path | None, str]:
    """The peers' virtualenv (created and filled on first use), or None and why not."""
    bin_dir = PEERS_VENV / "bin"
    if all((bin_dir / tool).exists() for tool in PEER_PACKAGES):
        return bin_dir, ""
    print(f"installing {', '.join(PEER_PACKAGES)} into {PEERS_VENV} ...", file=sys.stderr)
    try:
        subprocess.run([PYTHON, "-m", "venv", str(PEERS_VENV)], check=True)
        subprocess.run(
            [str(bin_dir / "pip"), "install", "-q", *PEER_PACKAGES],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=TIMEOUT,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"peers not installed: {error}"
    return bin_dir, ""


def peer_commands(bin_dir: Path, root: Path, files: list[str]) -> list[tuple[str, list[str]]]:
    """Each peer's command line over the corpus."""
    return [
        ("ruff (ALL rules)", [str(bin_dir / "ruff"), "check", "--isolated", "--select", "ALL",
                              "--no-cache", "--exit-zero", "-q", *files]),
        ("bandit", [str(bin_dir / "bandit"), "-r", "-q", str(root)]),
        ("radon cc", [str(bin_dir / "radon"), "cc", str(root)]),
        ("semgrep (3 local rules)", [str(bin_dir / "semgrep"), "scan", "--config",
                                     str(SEMGREP_RULES), "--metrics=off",
                                     "--disable-version-check", "-q", str(root)]),
        ("fixit (built-in rules)", [str(bin_dir / "fixit"), "lint", str(root)]),
    ]  # fmt: skip


# -- one corpus -------------------------------------------------------------------------------
def analysed_files(root: Path) -> list[str]:
    """The files backendkit analyses (the bare parse and ruff get exactly these)."""
    output = subprocess.run(
        [PYTHON, "-c", FILES_OF, str(root)], check=True, capture_output=True, text=True
    ).stdout
    return [line for line in output.splitlines() if line]


def touched_file(files: list[str]) -> Path:
    """A mid-sized file to change between runs."""
    sized = sorted(files, key=lambda p: (os.stat(p).st_size, p))
    return Path(sized[len(sized) // 2])


def bench_corpus(root: Path, repeat: int, peers: Path | None, peer_note: str) -> list[Row]:
    """All rows for one corpus."""
    files = analysed_files(root)
    lint = [BACKENDKIT, "lint", str(root)]
    target = touched_file(files)
    original = target.read_bytes()

    def clear(_number: int) -> None:
        shutil.rmtree(root / CACHE, ignore_errors=True)

    def comment(number: int) -> None:
        target.write_bytes(original + f"\n# bench change {number} {time.time()}\n".encode())

    def code(number: int) -> None:
        added = f"\n\ndef bench_added_{number}_{time.time_ns()}():\n    return {number}\n"
        target.write_bytes(original + added.encode())

    listing = "\n".join(files).encode()
    rows = measure_rounds(
        [
            (
                "bare parse (libcst, 1 process)",
                [PYTHON, "-c", BARE_PARSE],
                {"ok": (0,), "stdin": listing},
            ),
            ("backendkit cold", lint, {"before": clear}),
            ("backendkit cold --jobs 1", [*lint, "--jobs", "1"], {"before": clear}),
        ],
        repeat,
    )
    run_once(lint)
    rows.append(measure("backendkit warm", lint, repeat))
    try:
        rows.append(measure(f"one change: comment ({target.name})", lint, repeat, before=comment))
        rows.append(measure(f"one change: code ({target.name})", lint, repeat, before=code))
        hook = [BACKENDKIT, "lint", str(target)]  # what pre-commit runs: the changed file
        rows.append(measure(f"  the same, lint {target.name} only", hook, repeat, before=code))
    finally:
        target.write_bytes(original)
        run_once(lint)
    if peers is None:
        rows.append(Row("peers", None, note=peer_note))
        return rows
    for name, command in peer_commands(peers, root, files):
        rows.append(measure(name, command, repeat))
    return rows


def startup_rows(repeat: int) -> list[Row]:
    """``--version`` and ``lint`` of a one-file project (no cache)."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "pyproject.toml").write_text("[tool.backendkit]\n", encoding="utf-8")
        (root / "app.py").write_text("def f(x: int) -> int:\n    return x\n", encoding="utf-8")
        return [
            measure("start-up: --version", [BACKENDKIT, "--version"], repeat),
            measure("start-up: lint 1 small file", [BACKENDKIT, "lint", "--no-cache",
                                                    str(root / "app.py")], repeat),
        ]  # fmt: skip


def report(title: str, lines: int, count: int, rows: list[Row], ratios: bool = True) -> None:
    """Print one corpus's table (``ratios``: the first row is the bare parse)."""
    print(f"\n{title}: {count:,} files, {lines:,} lines")
    print(f"{'':40} {'seconds':>8} {'lines/s':>10} {'max RSS':>8} {'tree PSS':>9} {'x bare':>7}")
    bare = rows[0].seconds if ratios and rows and rows[0].seconds else None
    for row in rows:
        if row.seconds is None:
            print(f"{row.name:40} {row.note}")
            continue
        speed = f"{lines / row.seconds:,.0f}" if row.seconds and lines else "-"
        ratio = f"{row.seconds / bare:7.2f}" if bare else "      -"
        note = f"  ({row.note})" if row.note else ""
        tree = f"{row.tree_rss / 1024:7.0f}MB" if row.tree_rss else "        -"
        print(f"{row.name:40} {row.seconds:8.2f} {speed:>10} {row.max_rss / 1024:6.0f}MB "
              f"{tree} {ratio}{note}")  # fmt: skip


def build(kind: str, work: Path, lines: int) -> Path:
    """The corpus ``kind`` under ``work`` (an existing directory is used as it is)."""
    if kind == "fastapi":
        return corpus.fastapi_corpus(work / "fastapi", lines)
    if kind == "packages":
        return corpus.packages_corpus(work / "packages", ["sqlalchemy", "pydantic"])
    return Path(kind).resolve()


def memory_row(work: Path) -> None:
    """Cold run on about 500k lines: peak memory."""
    root = corpus.packages_corpus(
        work / "half-million", ["sqlalchemy", "pydantic", "fastapi", "networkx"]
    )
    files = analysed_files(root)
    lines = sum(Path(p).read_bytes().count(b"\n") for p in files)
    shutil.rmtree(root / CACHE, ignore_errors=True)
    row = measure("backendkit cold", [BACKENDKIT, "lint", str(root)], 1)
    report(f"memory, {root}", lines, len(files), [row], ratios=False)


def compile_backendkit() -> None:
    """Byte-compile backendkit's modules first, as installing a wheel does, so that no run
    pays for compiling them (an editable install compiles on first import)."""
    package = Path(__file__).resolve().parent.parent / "src" / "backendkit"
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(package)], check=False, env=ENV)
    print("backendkit's modules byte-compiled; commands run with bytecode caching on")


def main(argv: list[str]) -> int:
    """Build the corpora, run everything, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", default=["fastapi", "packages"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/backendkit-bench"))
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--memory", action="store_true", help="add a cold run on ~500k lines")
    args = parser.parse_args(argv)
    peers, note = (None, "peers skipped (--no-peers)") if args.no_peers else peers_venv()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"median of {args.repeat} runs; {cpus} CPUs; Python {sys.version.split()[0]}")
    compile_backendkit()
    for kind in args.corpus:
        root = build(kind, args.work, args.lines)
        files = analysed_files(root)
        lines = sum(Path(p).read_bytes().count(b"\n") for p in files)
        report(f"{kind} ({root})", lines, len(files), bench_corpus(root, args.repeat, peers, note))
    report("start-up", 0, 1, startup_rows(args.repeat), ratios=False)
    if args.memory:
        memory_row(args.work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
