"""Helpers shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlmodel import Field


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def timestamp_field(*, index: bool = False) -> datetime:
    """A timezone-aware ``created_at``-style column defaulting to now."""
    return Field(  # type: ignore[no-any-return]
        default_factory=utcnow, sa_type=DateTime(timezone=True), index=index, nullable=False
    )
