"""Rule documentation generated from the catalogue: ``docs/rules/CODE.md`` and ``explain``.

Run ``python -m backendkit.docsgen`` to rewrite ``docs/rules/``; a test fails when it is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from backendkit.catalogue import RuleInfo, load_catalogue


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
        *[f'- `{s.file}`: "{s.statement}"' for s in info.seeds],
        "",
    ]
    return "\n".join(lines)


def index_markdown(catalogue: dict[str, RuleInfo]) -> str:
    """``docs/rules/README.md``: a table of every rule."""
    lines = ["# Rules", "", "| Code | Name | Severity | Summary |", "|---|---|---|---|"]
    for info in catalogue.values():
        lines.append(
            f"| [{info.code}]({info.code}.md) | {info.name} | {info.severity.value} | "
            f"{info.summary} |"
        )
    return "\n".join(lines) + "\n"


def expected_docs() -> dict[str, str]:
    """File name -> content of every generated page."""
    catalogue = load_catalogue()
    pages = {f"{code}.md": rule_markdown(info) for code, info in catalogue.items()}
    pages["README.md"] = index_markdown(catalogue)
    return pages


def write_docs(directory: Path) -> list[str]:
    """Write the generated pages into ``directory``; return the names written."""
    directory.mkdir(parents=True, exist_ok=True)
    pages = expected_docs()
    for name, text in pages.items():
        (directory / name).write_text(text, encoding="utf-8")
    return sorted(pages)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/rules")
    for written in write_docs(target):
        sys.stdout.write(f"wrote {target / written}\n")
