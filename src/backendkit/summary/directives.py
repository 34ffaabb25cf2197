"""``# backendkit: ...`` comments (suppressions and public marks), and ``# noqa`` comments
that name a backendkit code: noqa silences ruff and flake8, not backendkit, so such a comment
is kept as a directive of kind ``noqa`` for BK003 to point at the right form."""

from __future__ import annotations

import re

from backendkit.summary.model import Directive

DIRECTIVE_RE = re.compile(r"#\s*backendkit:\s*(?P<body>.*)$")
_DIRECTIVE_BODY_RE = re.compile(r"^(?P<kind>ignore-file|ignore|public)\s*(\[(?P<codes>[^\]]*)\])?")


NOQA_RE = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Za-z0-9_, ]+)", re.IGNORECASE)
_OURS = re.compile(r"^BK\d{3}$", re.IGNORECASE)


def parse_directive(line: int, comment: str) -> Directive | None:
    """Read a ``# backendkit: ...`` comment; malformed ones become kind ``invalid``, and a
    ``# noqa: BK103`` one of kind ``noqa`` (its backendkit codes)."""
    found = DIRECTIVE_RE.search(comment)
    if not found:
        return _noqa(line, comment)
    body = found.group("body").strip()
    match = _DIRECTIVE_BODY_RE.match(body)
    if not match:
        return Directive(line, "invalid", (), body)
    kind = match.group("kind")
    raw_codes = match.group("codes")
    codes = tuple(c.strip() for c in (raw_codes or "").split(",") if c.strip())
    if kind in ("ignore", "ignore-file") and not codes:
        return Directive(line, "invalid", (), body)
    return Directive(line, kind, codes, body)


def _noqa(line: int, comment: str) -> Directive | None:
    """A ``# noqa: ...`` comment naming backendkit codes (others are ruff's business)."""
    found = NOQA_RE.search(comment)
    if not found:
        return None
    codes = tuple(c.strip().upper() for c in found.group("codes").split(","))
    ours = tuple(code for code in codes if _OURS.match(code))
    return Directive(line, "noqa", ours, found.group(0)) if ours else None


__all__ = ["DIRECTIVE_RE", "parse_directive"]
