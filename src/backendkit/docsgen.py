"""Documentation generated from the catalogue: ``docs/rules/CODE.md`` (also what ``explain``
prints), ``docs/rules/README.md`` and ``docs/guides.md`` (the guides the rules cite).

Run ``python -m backendkit.docsgen`` to rewrite them; a test fails when they are stale.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from backendkit.catalogue import RuleInfo, load_catalogue
from backendkit.guides import GUIDES

GUIDES_PAGE = "guides.md"


def _options(info: RuleInfo) -> list[str]:
    if not info.options:
        return []
    lines = ["## Options", "", f"In `[tool.backendkit.{info.options_section}]`:", ""]
    for key, default in info.options.items():
        doc = info.option_docs.get(key, "")
        lines.append(f"- `{key}` (default `{json.dumps(default)}`): {doc}".rstrip(": "))
    return [*lines, ""]


def _fix_line(code: str) -> list[str]:
    from backendkit.fixes import SAFE, UNSAFE

    if code in SAFE:
        return ["Fix: **safe**, applied by `backendkit lint --fix`.", ""]
    if code in UNSAFE:
        return [
            "Fix: **unsafe** (it changes what clients see), applied by "
            "`backendkit lint --fix --unsafe-fixes`; review it with `--diff` first.",
            "",
        ]
    return []


def rule_markdown(info: RuleInfo) -> str:
    """The Markdown page of one rule, in ruff's layout."""
    lines = [
        f"# {info.code} {info.name}",
        "",
        f"{info.summary}.",
        "",
        f"Severity: **{info.severity.value}** · Category: {info.category} · "
        f"Scope: {info.scope}{'' if info.default_enabled else ' · off by default'}",
        "",
        *_fix_line(info.code),
        "## What it does",
        "",
        info.what,
        "",
        "## Why is this bad?",
        "",
        info.why,
        "",
        "## Example",
        "",
        info.example,
        "",
        "## Use instead",
        "",
        info.fix,
        "",
        *_options(info),
        "## Suppressing it",
        "",
        f"Add `# backendkit: ignore[{info.code}]` on the reported line, or "
        f"`# backendkit: ignore-file[{info.code}]` anywhere in the file, or list the code in "
        "`per-file-ignores`.",
        "",
        "## Guides it enforces",
        "",
        f"Statements of the [backend-engineering guides](../{GUIDES_PAGE}) that it checks:",
        "",
        *[f'- "{seed.statement}": {_guide_link(seed.file)}' for seed in info.seeds],
        "",
    ]
    return "\n".join(lines)


def heading_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading (``A + B`` -> ``a--b``)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _guide_link(file: str) -> str:
    """A rule page's reference to a guide: its title linked into the guides page, and its file."""
    guide = GUIDES.get(file)
    if guide is None:  # the catalogue tests require an entry for every cited file
        return f"`{file}`"
    return f"[{guide.title}](../{GUIDES_PAGE}#{heading_anchor(guide.title)}) (`{file}`)"


def guides_markdown(catalogue: dict[str, RuleInfo]) -> str:
    """``docs/guides.md``: each guide, what it covers, and the rules enforcing its statements."""
    cited = _citations(catalogue)
    lines = [
        "# Guides the rules enforce",
        "",
        "Every rule checks statements of backend-engineering guides (briefs for agents that "
        "write backend code). The guides are not part of this repository: each is known here "
        "by a title, the name its front matter or heading gives it, and its file name, the key "
        "by which the `[[seeds]]` of `rules/BKxxx.toml` cite it. The statements are quoted as "
        "the rules cite them; [rules/README.md](rules/README.md) lists every rule.",
        "",
        "| Guide | Known as | File | Rules enforcing it |",
        "|---|---|---|---|",
    ]
    for file, guide in GUIDES.items():
        count = len({info.code for infos in cited.get(file, {}).values() for info in infos})
        lines.append(
            f"| [{guide.title}](#{heading_anchor(guide.title)}) | `{guide.known_as}` | "
            f"`{file}` | {count} |"
        )
    for file in GUIDES:
        lines += ["", *_guide_section(file, cited.get(file, {}))]
    return "\n".join(lines) + "\n"


def _citations(catalogue: dict[str, RuleInfo]) -> dict[str, dict[str, list[RuleInfo]]]:
    """Guide file -> statement -> the rules citing it, in catalogue order."""
    cited: dict[str, dict[str, list[RuleInfo]]] = {}
    for info in catalogue.values():
        for seed in info.seeds:
            rules = cited.setdefault(seed.file, {}).setdefault(seed.statement, [])
            if info not in rules:
                rules.append(info)
    return cited


def _guide_section(file: str, statements: dict[str, list[RuleInfo]]) -> list[str]:
    guide = GUIDES[file]
    lines = [f"## {guide.title}", "", f"`{file}`, known as `{guide.known_as}`.", "", guide.about]
    if not statements:
        return [*lines, "", "No rule cites this guide."]
    lines += ["", "| Statement | Rules |", "|---|---|"]
    for statement, infos in statements.items():
        rules = ", ".join(f"[{i.code}](rules/{i.code}.md) {i.name}" for i in infos)
        lines.append(f'| "{_cell(statement)}" | {rules} |')
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def index_markdown(catalogue: dict[str, RuleInfo]) -> str:
    """``docs/rules/README.md``: a table of every rule."""
    lines = [
        "# Rules",
        "",
        f"Each rule's page quotes the statements of the [guides](../{GUIDES_PAGE}) it enforces.",
        "",
        "| Code | Name | Severity | Summary |",
        "|---|---|---|---|",
    ]
    for info in catalogue.values():
        lines.append(
            f"| [{info.code}]({info.code}.md) | {info.name} | {info.severity.value} | "
            f"{info.summary} |"
        )
    return "\n".join(lines) + "\n"


def expected_docs() -> dict[str, str]:
    """Path under ``docs/`` (``rules/BK001.md``, ``guides.md``) -> content of every page."""
    catalogue = load_catalogue()
    pages = {f"rules/{code}.md": rule_markdown(info) for code, info in catalogue.items()}
    pages["rules/README.md"] = index_markdown(catalogue)
    pages[GUIDES_PAGE] = guides_markdown(catalogue)
    return pages


def write_docs(directory: Path) -> list[str]:
    """Write the generated pages under ``directory`` (``docs``); return the paths written."""
    pages = expected_docs()
    for name, text in pages.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(pages)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs")
    for written in write_docs(target):
        sys.stdout.write(f"wrote {target / written}\n")
