"""The Markdown report: the HTML report's content for a pull-request comment.

GitHub renders the ``mermaid`` code blocks as diagrams. The import graph is collapsed to
packages until it has at most ``limit`` nodes, so it stays readable on large projects; long
tables sit in ``<details>`` blocks and are cut so the text fits in one comment.
"""

from __future__ import annotations

from backendkit.graphs.imports import collapse
from backendkit.graphs.render import to_mermaid
from backendkit.report.data import ReportData, choose_depth

MAX_CHARS = 65_000  # GitHub rejects comments over 65,536 characters
FINDINGS_PER_RULE = (20, 5, 0)  # tried in turn until the report fits
MAX_FILES = 50
MAX_ARCHITECTURE = 30
MAX_MESSAGE = 300  # characters of one finding's message in a table cell
MAX_CHAIN = 12  # modules of one import cycle spelled out
CUT_NOTE = "\n\n... (cut to fit a GitHub comment; the HTML report has everything)\n"


def cell(text: object) -> str:
    """``text`` safe in a GitHub table cell: no pipes, no raw HTML, no line breaks."""
    value = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("|", "\\|").replace("\n", " ").replace("`", "'")


def code(text: object) -> str:
    """``text`` as inline code (literal: no HTML escaping inside backticks), table-safe."""
    value = str(text).replace("|", "\\|").replace("\n", " ").replace("`", "'")
    return f"`{value}`" if value else ""


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _details(summary: str, body: list[str]) -> list[str]:
    return ["<details>", f"<summary>{cell(summary)}</summary>", "", *body, "</details>", ""]


def _summary(data: ReportData) -> list[str]:
    auth = data.auth
    severities = ", ".join(f"{n} {sev}" for sev, n in data.by_severity.items())
    return [
        f"# backendkit report: {cell(data.project)}",
        "",
        f"- **{data.files} files**, {data.lines} lines, {len(data.modules)} modules",
        f"- **{len(data.findings)} findings**: {severities}",
        f"- **{auth['total']} routes**: {auth['required']} require authentication, "
        f"{auth['public']} public, {auth['unprotected']} unprotected and not public, "
        f"{auth['optional']} optional, {auth['unknown']} unknown",
        f"- **{len(data.cycles)} import cycles**",
        "",
    ]


def _findings(data: ReportData, shown: int) -> list[str]:
    lines = ["## Findings by rule", ""]
    if not data.rules:
        return [*lines, "No findings.", ""]
    rows = [
        [g.code, cell(g.name), g.severity, cell(g.category), str(len(g.findings))]
        for g in data.rules
    ]
    lines += _table(["Rule", "Name", "Severity", "Category", "Findings"], rows)
    for group in data.rules if shown else ():
        body = _finding_rows(group.findings[:shown])
        if len(group.findings) > shown:
            body.append(f"... and {len(group.findings) - shown} more (see the HTML report).")
        lines += _details(f"{group.code} {group.name} ({len(group.findings)})", body)
    files = [[code(path), str(len(rows))] for path, rows in data.by_file.items()]
    table = _table(["File", "Findings"], files[:MAX_FILES])
    if len(files) > MAX_FILES:
        table.append(f"... and {len(files) - MAX_FILES} more files.")
    return lines + _details(f"Findings by file ({len(files)} files)", table)


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _finding_rows(findings: list[dict]) -> list[str]:
    rows = [
        [code(f"{f['path']}:{f['line']}"), f["code"], cell(shorten(f["message"]))] for f in findings
    ]
    return _table(["Where", "Rule", "Message"], rows)


def _routes(data: ReportData) -> list[str]:
    rows = []
    for r in data.routes:
        auth = r["auth"] + (" (public)" if r["public"] else "")
        via = r["auth_chain"][-1] if r["auth_chain"] else ""
        rows.append(
            [
                cell(",".join(r["methods"])),
                code(r["path"]),
                cell(auth),
                code(via),
                code(r["handler"]),
                code(f"{r['file']}:{r['line']}"),
            ]
        )
    table = _table(["Methods", "Path", "Auth", "Via", "Handler", "Where"], rows)
    return ["## Routes", "", *_details(f"{len(rows)} routes", table)]


def _graph(data: ReportData, depth: int | None, limit: int) -> list[str]:
    graph = data.module_graph
    shown = depth or choose_depth(graph, limit)
    drawn = collapse(graph, shown) if shown else graph
    what = f"packages (collapsed to depth {shown})" if shown else "modules"
    lines = ["## Import graph", "", f"{len(drawn)} {what}, {drawn.number_of_edges()} imports.", ""]
    return [*lines, "```mermaid", to_mermaid(drawn, "imports").rstrip("\n"), "```", ""]


def _architecture(data: ReportData) -> list[str]:
    lines = ["## Import cycles and contracts", ""]
    if not data.cycles:
        lines += ["No import cycles.", ""]
    for chain, size in data.cycles:
        extra = f" ({size} modules tangled)" if size > len(chain) - 1 else ""
        shown = chain if len(chain) <= MAX_CHAIN else [*chain[:MAX_CHAIN], "..."]
        if len(shown) < len(chain):
            extra = f" ({len(chain) - 1} steps{extra.replace(' (', ', ').rstrip(')')})"
        lines.append(f"- {code(' -> '.join(shown))}{extra}")
    lines += [""] * bool(data.cycles) + ["### Architecture findings", ""]
    if not data.architecture:
        return [*lines, f"No architecture findings. Checked: {data.checked}.", ""]
    rows = _finding_rows(data.architecture[:MAX_ARCHITECTURE])
    if len(data.architecture) > MAX_ARCHITECTURE:
        rows.append(f"... and {len(data.architecture) - MAX_ARCHITECTURE} more.")
    return lines + rows


def _coupling(data: ReportData, top: int) -> list[str]:
    rows = [
        [code(m.name), str(m.fan_in), str(m.fan_out), str(m.lines), "yes" if m.in_cycle else ""]
        for m in data.modules[:top]
    ]
    table = _table(["Module", "Fan-in", "Fan-out", "Lines", "Cycle"], rows)
    title = f"Top {len(rows)} of {len(data.modules)} modules."
    return ["## Fan-in / fan-out", "", title, "", *table]


def _complexity(data: ReportData) -> list[str]:
    hot = [
        [code(f.name), code(f"{f.path}:{f.line}"), str(f.complexity), f.rank] for f in data.hotspots
    ]
    index = [[code(m.path), str(m.mi), m.rank] for m in data.maintainability]
    largest = [[code(path), str(lines)] for path, lines in data.largest]
    return [
        "## Complexity hotspots",
        "",
        *_table(["Function", "Where", "Cyclomatic complexity", "Rank"], hot),
        "### Lowest maintainability index",
        "",
        *_table(["File", "Maintainability index", "Rank"], index),
        "## Largest files",
        "",
        *_table(["File", "Lines"], largest),
    ]


def render_markdown(
    data: ReportData, *, depth: int | None = None, limit: int = 40, top: int = 15
) -> str:
    """The Markdown report of ``data``; the graph is collapsed to at most ``limit`` nodes
    unless ``depth`` is given. Fewer findings are listed per rule until the text fits in a
    GitHub comment (``MAX_CHARS``)."""
    for shown in FINDINGS_PER_RULE:
        text = _render(data, depth, limit, top, shown)
        if len(text) <= MAX_CHARS:
            return text
    return text[: MAX_CHARS - len(CUT_NOTE)] + CUT_NOTE


def _render(data: ReportData, depth: int | None, limit: int, top: int, shown: int) -> str:
    parts = [
        *_summary(data),
        *_findings(data, shown),
        *_architecture(data),
        *_graph(data, depth, limit),
        *_routes(data),
        *_coupling(data, top),
        *_complexity(data),
        f"<sub>backendkit {cell(data.version)}</sub>",
    ]
    return "\n".join(parts) + "\n"
