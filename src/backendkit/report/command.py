"""``backendkit report``: analyse one project once and write the HTML or Markdown report."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from backendkit import __version__

FORMATS = ("html", "markdown")


def _check(fmt: str, depth: int | None, limit: int) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"--format {fmt!r} is not one of: {', '.join(FORMATS)}")
    if depth is not None and depth < 1:
        raise ValueError("--depth must be at least 1")
    if limit < 1:
        raise ValueError("--max-nodes must be at least 1")


#: what ``-o`` names in ``lint`` (an output format), mistaken here for a file name
_FORMAT_NAMES = frozenset(
    {"html", "markdown", "md", "json", "sarif", "concise", "full", "junit", "gitlab", "github"}
)


def _check_output(output: Path | None) -> None:
    """``-o json``: in ``lint``, ``-o`` is the output format; here it is the file written. A
    bare format name with no suffix and no such file yet is taken for that mistake."""
    if output is None or output.suffix or output.parent != Path() or output.exists():
        return
    if output.name.lower() in _FORMAT_NAMES:
        raise ValueError(
            f"-o {output.name}: -o is the file the report is written to; for a format use "
            f"--format (html or markdown), or name the file with a suffix ({output.name}.html)"
        )


def build_report_data(
    path: Path | None, config: Path | None, use_cache: bool, depth: int | None, limit: int
):
    """One analysis run of the project holding ``path`` (the current one when None), gathered
    into a ``ReportData``; findings are those of the files under ``path``."""
    from backendkit.cache import cache_path
    from backendkit.catalogue import load_catalogue
    from backendkit.config import find_project_root
    from backendkit.engine import analyze_linked
    from backendkit.report.data import collect

    if path is not None and not path.exists():
        raise FileNotFoundError(f"no such file or directory: {path}")
    root = find_project_root([path] if path else []).resolve()
    was_enabled = gc.isenabled()
    gc.disable()  # as in engine.analyze: the collector rescans the long-lived summaries
    try:
        result, project = analyze_linked(
            root, [path] if path else [], config_file=config, use_cache=use_cache
        )
    finally:
        if was_enabled:
            gc.enable()
    cache_dir = cache_path(root, project.config.cache_dir) / "files" if use_cache else None
    return collect(
        result,
        project,
        load_catalogue(),
        __version__,
        depth=depth,
        limit=limit,
        cache_dir=cache_dir,
    )


def _write(text: str, output: Path | None) -> None:
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ValueError(f"cannot write {output}: {error.strerror or error}") from None


def run_report(
    path: Path | None,
    output: Path | None,
    fmt: str,
    depth: int | None,
    limit: int,
    config: Path | None,
    use_cache: bool = True,
) -> int:
    """Write the report; 0 when written. Raises ``ValueError`` / ``FileNotFoundError`` for bad
    input (the CLI makes them exit 2). HTML goes to ``report.html`` unless ``output`` says
    otherwise (``-`` is standard output); Markdown goes to standard output by default."""
    _check(fmt, depth, limit)
    _check_output(output)
    if fmt == "html" and output is None:
        output = Path("report.html")
    data = build_report_data(path, config, use_cache, depth, limit)
    if fmt == "html":
        from backendkit.report.html import render_html

        text = render_html(data)
    else:
        from backendkit.report.markdown import render_markdown

        text = render_markdown(data, depth=depth)
    _write(text, output)
    if output is not None and str(output) != "-":
        sys.stderr.write(
            f"Wrote {output}: {len(data.findings)} findings, {data.auth['total']} routes, "
            f"{len(data.modules)} modules\n"
        )
    return 0
