"""Command implementations behind the CLI: they print and return an exit code."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from backendkit import __version__
from backendkit.result import unparsed_note
from backendkit.routefilter import listed_routes, under_paths

ROUTE_FORMATS = ("table", "json", "csv", "markdown")


def _analyze(
    paths: Sequence[Path],
    config: Path | None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    extend_select: Sequence[str] | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
    progress: bool = True,
):
    from backendkit.engine import analyze
    from backendkit.progress import ProgressBar, wants_progress

    bar = ProgressBar(sys.stderr) if progress and wants_progress(sys.stderr) else None
    try:
        return analyze(
            paths,
            config_file=config,
            select=select,
            ignore=ignore,
            extend_select=extend_select,
            use_cache=use_cache,
            workers=jobs,
            progress=bar,
        )
    finally:
        if bar is not None:
            bar.close()


def run_lint(
    paths: Sequence[Path],
    output_format: str,
    select: Sequence[str] | None,
    ignore: Sequence[str] | None,
    extend_select: Sequence[str] | None,
    statistics: bool,
    quiet: bool,
    config: Path | None,
    baseline: Path | None = None,
    write_baseline: Path | None = None,
    fix: str = "",
    use_cache: bool = True,
    jobs: int | None = None,
    fail_on: str | None = None,
) -> int:
    """``backendkit lint``: print findings in ``output_format``; 1 when there are any (of
    severity ``fail_on`` or higher; None: the configuration's ``fail-on``, else any).

    With ``write_baseline`` the findings are recorded there instead (exit 0); with
    ``baseline`` only findings that file does not record are reported. ``fix`` is "",
    "fix", "unsafe" (``--fix --unsafe-fixes``), "diff" or "diff-unsafe" (print the fixes as a
    diff and change nothing; exit 1 when there is something to fix).
    """
    from backendkit.catalogue import load_catalogue
    from backendkit.reporters import Report

    _check_output(output_format, statistics)
    _failing(fail_on)  # a bad --fail-on stops before the analysis
    result = _analyze(paths, config, select, ignore, extend_select, use_cache, jobs, not quiet)
    if fix:
        changed = _fix(result, fix)
        if fix.startswith("diff"):
            return 1 if changed else 0
        result = _analyze(paths, config, select, ignore, extend_select, use_cache, jobs, not quiet)
    result.notes += _run_notes(result, paths)
    report = Report(
        findings=result.findings,
        rules=load_catalogue(),
        root=result.root,
        tool_version=__version__,
        notes=[] if quiet else result.notes,
        files_checked=len(result.files),
        source=SourceCache(result.root),
        show_statistics=statistics,
    )
    if write_baseline is not None or baseline is not None:
        options = (baseline, write_baseline, any((select, ignore, extend_select)), quiet)
        recorded = _with_baseline(report, options, paths, result)
        if recorded is not None:
            return recorded
    _print_lint(_rendered(report, output_format), result.notes, output_format, quiet)
    failing = _failing(fail_on, result.fail_on)
    return 1 if any(f.severity.value in failing for f in report.findings) else 0


def _with_baseline(
    report, options: tuple[Path | None, Path | None, bool, bool], paths: Sequence[Path], result
) -> int | None:
    """``--write-baseline`` (record, and the exit code) or ``--baseline`` (keep in ``report``
    only the findings it does not record; None: go on). ``options``: the two files, whether
    the rules were narrowed on the command line, and ``--quiet``."""
    from backendkit.baseline import beyond_baseline, record_baseline, run_scope

    read, write, selected, quiet = options
    scope = run_scope(paths, result.root, result.codes, selected)
    if write is not None:
        return record_baseline(report, write, scope)
    assert read is not None
    report.findings = beyond_baseline(report, read, scope, quiet)
    return None


def _run_notes(result, paths: Sequence[Path]) -> list[str]:
    """Notes on what a run checked: nothing at all (an empty run is not a clean one), or
    findings of files not given reported because a given file takes part in them
    (``Finding.related``: a route's authentication made in a staged ``deps.py``)."""
    if not result.files:
        return ["no Python files found in the given paths: nothing was checked"]
    count = sum(
        1 for f in result.findings if f.related and not under_paths(result.root / f.path, paths)
    )
    if not count:
        return []
    return [
        f"{count} finding(s) in files not given are reported because a given file takes part "
        "in them (a dependency, router or app of the route; 'related' in JSON output)"
    ]


def _failing(given: str | None, configured: str | None = None) -> tuple[str, ...]:
    """The severities that make ``lint`` exit 1: from ``--fail-on`` (``given``), else the
    configuration's ``fail-on``, else every severity."""
    from backendkit.config import FAIL_ON

    fail_on = given or configured or "info"
    if fail_on not in FAIL_ON:
        raise ValueError(f"--fail-on {fail_on!r} is not one of: info, warning, error")
    return FAIL_ON[: FAIL_ON.index(fail_on) + 1]


def _check_output(output_format: str, statistics: bool) -> None:
    """Raise ``ValueError`` for an unknown format, or ``--statistics`` with one that has no
    counts (they are text, or JSON as ruff prints them)."""
    from backendkit.reporters import FORMATS

    if output_format not in FORMATS:
        raise ValueError(f"--output-format {output_format!r} is not one of: {', '.join(FORMATS)}")
    if statistics and output_format not in ("concise", "full", "json"):
        raise ValueError(f"--statistics prints text or JSON, not --output-format {output_format}")


def _rendered(report, output_format: str) -> str:
    """The findings in ``output_format``; with ``--statistics`` and JSON, as ruff, the count
    of each rule's findings instead (most frequent first)."""
    from backendkit.reporters import render

    if not (report.show_statistics and output_format == "json"):
        return render(output_format, report)
    counts = Counter((f.code, f.name) for f in report.findings)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return json.dumps([{"code": c, "name": n, "count": k} for (c, n), k in rows], indent=2) + "\n"


def _print_lint(output: str, notes: list[str], output_format: str, quiet: bool) -> None:
    """Findings to stdout; run notes to stderr unless the text format already shows them."""
    text_format = output_format in ("concise", "full")
    sys.stdout.write(_strip_summary(output) if quiet and text_format else output)
    if not text_format and not quiet:
        sys.stderr.writelines(f"note: {note}\n" for note in notes)


def _fix(result, mode: str) -> bool:
    """Apply (or with mode "diff", print) the fixes; say what changed on stderr."""
    from backendkit.fixes import apply_fixes

    diff = mode.startswith("diff")
    unsafe = mode in ("unsafe", "diff-unsafe")
    changes = apply_fixes(result.root, result.findings, unsafe=unsafe, write=not diff)
    if diff:
        sys.stdout.write(changes.diff(result.display_path))
    else:
        sys.stderr.write(f"Fixed {len(changes.changed)} file(s)\n")
    if not unsafe:
        sys.stderr.write(_hidden_fixes(result, changes.changed))
    return bool(changes.changed)


def _hidden_fixes(result, safe: dict) -> str:
    """The line saying in how many more files ``--unsafe-fixes`` would change something ("" for
    none): the fixes are worked out, not merely looked up by rule (a fix may not apply)."""
    from backendkit.fixes import apply_fixes, fixable

    if not any(fixable(f, True) and not fixable(f, False) for f in result.findings):
        return ""
    unsafe = apply_fixes(result.root, result.findings, unsafe=True, write=False).changed
    more = sum(1 for path, change in unsafe.items() if safe.get(path) != change)
    if not more:
        return ""
    files = "1 more file" if more == 1 else f"{more} more files"
    return (
        f"Fixes that change behaviour would edit {files}: review them with --diff --unsafe-fixes\n"
    )


class SourceCache:
    """Reads project files' lines once, for the reporters' snippets and fingerprints."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lines: dict[str, list[str] | None] = {}

    def __call__(self, rel: str) -> list[str] | None:
        """The lines of ``rel`` (None when it cannot be read or decoded, as the per-file pass
        decodes it: ``filetask.read_source``)."""
        if rel not in self._lines:
            from backendkit.filetask import read_source

            text = read_source(str(self.root / rel))
            self._lines[rel] = None if text is None else text.splitlines()
        return self._lines[rel]


def _strip_summary(output: str) -> str:
    skipped = ("Found ", "All checks passed", "note: ")
    return "".join(
        line for line in output.splitlines(keepends=True) if not line.startswith(skipped)
    )


def run_routes(
    paths: Sequence[Path], output: str, config: Path | None, use_cache: bool = True
) -> int:
    """``backendkit routes``: the route inventory as a table, JSON, CSV or Markdown."""
    if output not in ROUTE_FORMATS:
        raise ValueError(f"--format {output!r} is not one of: {', '.join(ROUTE_FORMATS)}")
    result = _analyze(paths, config, use_cache=use_cache)
    routes = listed_routes(result, paths)
    if result.unparsed:
        unparsed = [result.display_path(p) for p in result.unparsed]
        sys.stderr.write(unparsed_note(unparsed, "routes declared in them are missing"))
    if output == "json":
        sys.stdout.write(json.dumps([r.to_dict() for r in routes], indent=2) + "\n")
    elif output == "csv":
        sys.stdout.write(_routes_csv(routes))
    elif output == "markdown":
        sys.stdout.write(_routes_markdown(routes))
    else:
        _routes_table(routes)
    return 0


def _auth_text(route) -> str:
    if route.kind in ("mount", "include"):
        return f"n/a ({route.kind})"
    text = route.auth
    if route.auth_chain:
        text += f" via {route.auth_chain[-1]}"
    if route.public:
        text += f" [{_public_label(route)}]"
    return text


def _public_label(route) -> str:
    """``public (conventional: health)``: public, and why."""
    return f"public ({route.public_reason})" if route.public_reason else "public"


def _route_row(route) -> list[str]:
    location = f"{route.file}:{route.line}"
    return [
        route.app or "(not included)",
        ",".join(route.methods),
        route.path,
        _auth_text(route),
        route.handler,
        location,
        "; ".join(route.notes),
    ]


_HEADERS = ["App", "Methods", "Path", "Auth", "Handler", "Location", "Notes"]


def _routes_csv(routes) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "app",
            "methods",
            "path",
            "auth",
            "public",
            "auth_chain",
            "handler",
            "file",
            "line",
            "status_code",
            "response_model",
            "notes",
            "public_reason",
        ]
    )
    for r in routes:
        writer.writerow(
            [
                r.app,
                " ".join(r.methods),
                r.path,
                r.auth,
                str(r.public).lower(),
                " -> ".join(r.auth_chain),
                r.handler,
                r.file,
                r.line,
                r.status_code or "",
                r.response_model or "",
                "; ".join(r.notes),
                r.public_reason,
            ]
        )
    return buffer.getvalue()


def _routes_markdown(routes) -> str:
    lines = ["| " + " | ".join(_HEADERS) + " |", "|" + "---|" * len(_HEADERS)]
    for route in routes:
        cells = [c.replace("|", "\\|") for c in _route_row(route)]
        lines.append(
            "| " + " | ".join(f"`{c}`" if i in (2, 4) else c for i, c in enumerate(cells)) + " |"
        )
    return "\n".join(lines) + "\n"


def _scheme_label(route) -> str:
    """``oauth2_scheme (OAuth2PasswordBearer)`` from the end of the auth chain."""
    if not route.auth_chain:
        return ""
    last, switched, _where = route.auth_chain[-1].partition(" (when ")
    label = last.rpartition(":")[2]
    return f"{label} (configuration switch)" if switched else label


def _short_handler(handler: str) -> str:
    module, _, name = handler.partition(":")
    return f"{module.rpartition('.')[2]}:{name}" if name else handler


def _table_auth(route) -> tuple[str, str]:
    """The auth cell of the table and its style."""
    if route.kind in ("mount", "include"):
        return route.kind, "dim"
    if route.public and route.auth == "none":
        return _public_label(route), "cyan"
    styles = {"required": "green", "optional": "yellow", "unknown": "magenta", "none": "bold red"}
    label = route.auth if route.auth != "none" else "NONE"
    via = _scheme_label(route)
    public = _public_label(route) if route.public else ""
    return " · ".join(part for part in (label, via, public) if part), styles[route.auth]


def _table_row(route, multi_app: bool, with_notes: bool) -> list:
    from rich.text import Text

    auth, style = _table_auth(route)
    cells: list = [Text(route.app or "(none)")] if multi_app else []
    cells += [Text(",".join(route.methods)), Text(route.path), Text(auth, style=style)]
    cells += [Text(_short_handler(route.handler)), Text(f"{route.file}:{route.line}")]
    if with_notes:
        cells.append(Text("; ".join(route.notes)))
    return cells


def _routes_table(routes) -> None:
    from rich.console import Console
    from rich.table import Table

    multi_app = len({r.app for r in routes}) > 1
    with_notes = any(r.notes for r in routes)
    table = Table(title=f"{len(routes)} routes", title_justify="left")
    headers = ["Method", "Path", "Auth", "Handler", "Where"]
    for header in ["App"] * multi_app + headers + ["Notes"] * with_notes:
        table.add_column(header, overflow="fold")
    for route in routes:
        table.add_row(*_table_row(route, multi_app, with_notes))
    console = Console(soft_wrap=False)
    if not console.is_terminal:  # piped: as wide as the table needs, no wrapping
        width = Console(width=1000).measure(table).maximum
        console = Console(soft_wrap=False, width=width)
    console.print(table)


def run_rules(output: str) -> int:
    """``backendkit rules``: the catalogue as a table or JSON, with the fix each rule has
    (``safe``: ``lint --fix``; ``unsafe``: ``--unsafe-fixes``; none)."""
    from backendkit.catalogue import load_catalogue
    from backendkit.fixes import SAFE, UNSAFE

    catalogue = load_catalogue()
    fixes = dict.fromkeys(SAFE, "safe") | dict.fromkeys(UNSAFE, "unsafe")
    if output == "json":
        data = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "category": r.category,
                "summary": r.summary,
                "default_enabled": r.default_enabled,
                "fix": fixes.get(r.code),
                "options": r.options,
                "docs_url": r.docs_url,
            }
            for r in catalogue.values()
        ]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return 0
    if output != "table":
        raise ValueError(f"--format {output!r} is not one of: table, json")
    width = max(len(r.name) for r in catalogue.values())
    for rule in catalogue.values():
        flag = "" if rule.default_enabled else " (off by default)"
        flag += f" ({fixes[rule.code]} fix)" if rule.code in fixes else ""
        sys.stdout.write(
            f"{rule.code}  {rule.name:<{width}}  {rule.severity.value:<7}  {rule.summary}{flag}\n"
        )
    return 0


def run_explain(code: str) -> int:
    """``backendkit explain CODE``: one rule's documentation."""
    from backendkit.catalogue import load_catalogue
    from backendkit.docsgen import rule_markdown

    catalogue = load_catalogue()
    by_name = {rule.name: rule for rule in catalogue.values()}
    info = catalogue.get(code.upper()) or by_name.get(code.lower())
    if info is None:
        raise ValueError(f"unknown rule code {code!r}; run 'backendkit rules' to list them")
    sys.stdout.write(rule_markdown(info))
    return 0


def run_new(dest: Path, defaults: bool, pairs: Sequence[str]) -> int:
    """``backendkit new``: render the bundled Copier template into ``dest``."""
    from backendkit.scaffold import new_project, parse_data_pairs

    data = parse_data_pairs(list(pairs))
    created = new_project(dest, data=data, defaults=defaults)
    sys.stderr.write(f"Created {created}\n")
    return 0


def run_clean(paths: Sequence[Path]) -> int:
    """``backendkit clean``: remove the result cache of each project under ``paths``."""
    from backendkit.cache import clear
    from backendkit.catalogue import load_catalogue
    from backendkit.config import find_project_root, load_config

    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"no such file or directory: {path}")
    roots = {find_project_root([p]).resolve() for p in paths} or {find_project_root([]).resolve()}
    for root in sorted(roots):
        config = load_config(root, load_catalogue())
        removed = clear(root, config.cache_dir)
        state = "removed" if removed else "nothing to remove in"
        sys.stderr.write(f"{state} {root / config.cache_dir}\n")
    return 0
