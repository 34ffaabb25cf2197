"""Refresh-token bookkeeping (rotation and revocation) and token schemas."""

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel

from app.models.common import timestamp_field


class RefreshToken(SQLModel, table=True):
    """One issued refresh token, identified by its ``jti`` claim."""

    __tablename__ = "refresh_tokens"

    jti: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    expires_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)
    revoked: bool = Field(default=False)
    created_at: datetime = timestamp_field()


class TokenPair(SQLModel):
    """OAuth2 token response with an additional refresh token."""

    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class RefreshRequest(SQLModel):
    """Body for refresh and logout."""

    refresh_token: str = Field(min_length=1, max_length=4096)
