"""The rule catalogue: one TOML file per rule under ``rules/``, the single source of truth for
codes, names, severities, options, summaries, docs and the seed statements each rule enforces."""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
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
    for path, data in _read_tables(sorted(catalogue_dir().glob("*.toml"))):
        entry = _parse_entry(data, path)
        entries[entry.code] = entry
    return dict(sorted(entries.items()))


#: bump when the compiled form changes
_COMPILED_FORMAT = 1


def _read_tables(paths: list[Path]) -> list[tuple[Path, dict[str, object]]]:
    """The TOML tables of ``paths``. Parsing them is most of a small lint's set-up (16 ms
    for 44 files), so, the way Python keeps bytecode, they are also kept compiled (marshal)
    in ``__pycache__`` beside them, under a name made from every file's name, size and
    modification time; that copy is used when it is there and readable. It is written only
    when bytecode may be (``sys.dont_write_bytecode``), and never when the directory is not
    writable (an installed package)."""
    if not paths:
        return []
    stamps = [(p.name, st.st_size, st.st_mtime_ns) for p in paths if (st := _stat(p))]
    key = hashlib.blake2b(
        repr((_COMPILED_FORMAT, sys.version_info[:2], stamps)).encode(), digest_size=12
    ).hexdigest()
    compiled = paths[0].parent / "__pycache__" / f"catalogue-{key}.marshal"
    tables = _load_compiled(compiled, len(paths))
    if tables is None:
        tables = []
        for path in paths:
            with path.open("rb") as handle:
                tables.append(tomllib.load(handle))
        _save_compiled(compiled, tables)
    return list(zip(paths, tables, strict=True))


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def _load_compiled(path: Path, count: int) -> list[dict[str, object]] | None:
    """The tables kept at ``path`` (None: none, or not ``count`` tables of this form)."""
    try:
        tables = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(tables, list) or len(tables) != count:
        return None
    return tables if all(isinstance(t, dict) for t in tables) else None


def _save_compiled(path: Path, tables: list[dict[str, object]]) -> None:
    """Keep ``tables`` at ``path`` if allowed and possible (a temporary file, renamed), and
    remove the copies kept for earlier versions of the files."""
    if sys.dont_write_bytecode:
        return
    try:
        payload = marshal.dumps(tables)
        path.parent.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".catalogue-")
    except (OSError, ValueError):  # read-only, or a table marshal cannot hold
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temporary, path)
        for old in path.parent.glob("catalogue-*.marshal"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
