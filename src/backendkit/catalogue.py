"""The rule catalogue: one TOML file per rule under ``rules/``, the single source of truth for
codes, names, severities, options, summaries, docs and the seed statements each rule enforces."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from backendkit.findings import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DOCS_BASE_URL = "https://github.com/backendkit/backendkit/blob/main/docs/rules"


@dataclass(frozen=True)
class SeedStatement:
    """A statement of one seed guide that a rule enforces."""

    file: str
    statement: str


@dataclass(frozen=True)
class RuleInfo:
    """Catalogue entry of one rule."""

    code: str
    name: str
    severity: Severity
    category: str
    summary: str
    scope: str  # "file" or "project"
    default_enabled: bool
    options_section: str | None
    options: dict[str, object] = field(default_factory=dict)
    option_docs: dict[str, str] = field(default_factory=dict)
    seeds: tuple[SeedStatement, ...] = ()
    what: str = ""
    why: str = ""
    example: str = ""
    fix: str = ""

    @property
    def docs_url(self) -> str:
        """Where the rule's documentation page lives."""
        return f"{DOCS_BASE_URL}/{self.code}.md"


def catalogue_dir() -> Path:
    """Locate ``rules/``: inside an installed wheel, or at the root of a source checkout."""
    packaged = Path(__file__).parent / "_data" / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def _parse_entry(data: dict[str, object], source: Path) -> RuleInfo:
    docs = data.get("docs", {})
    assert isinstance(docs, dict), f"{source}: [docs] must be a table"
    options = data.get("options", {})
    option_docs = data.get("option-docs", {})
    seeds = tuple(
        SeedStatement(file=str(s["file"]), statement=str(s["statement"]))
        for s in data.get("seeds", [])  # type: ignore[union-attr]
    )
    return RuleInfo(
        code=str(data["code"]),
        name=str(data["name"]),
        severity=Severity(str(data["severity"])),
        category=str(data["category"]),
        summary=str(data["summary"]),
        scope=str(data.get("scope", "file")),
        default_enabled=bool(data.get("default-enabled", True)),
        options_section=data.get("options-section"),  # type: ignore[arg-type]
        options=dict(options),  # type: ignore[arg-type]
        option_docs=dict(option_docs),  # type: ignore[arg-type]
        seeds=seeds,
        what=str(docs.get("what", "")).strip(),
        why=str(docs.get("why", "")).strip(),
        example=str(docs.get("example", "")).strip(),
        fix=str(docs.get("fix", "")).strip(),
    )


@lru_cache(maxsize=1)
def load_catalogue() -> dict[str, RuleInfo]:
    """Read every ``rules/*.toml`` entry, keyed by code, in code order."""
    entries: dict[str, RuleInfo] = {}
    for path in sorted(catalogue_dir().glob("*.toml")):
        with path.open("rb") as handle:
            entry = _parse_entry(tomllib.load(handle), path)
        entries[entry.code] = entry
    return dict(sorted(entries.items()))
