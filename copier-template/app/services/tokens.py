"""Issuing, rotating and revoking token pairs; refresh tokens are tracked by ``jti``."""

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import get_settings
from app.core.security import InvalidTokenError, create_token, decode_token
from app.models import RefreshToken, TokenPair, User
from app.services.db import transaction
from app.services.errors import AuthenticationError

INVALID_REFRESH = "Invalid refresh token"


def _user_id(user: User) -> int:
    """Return the primary key of a persisted user."""
    if user.id is None:  # pragma: no cover - users are always persisted here
        raise ValueError("user is not persisted")
    return user.id


def _new_pair(session: AsyncSession, user: User) -> TokenPair:
    """Create an access/refresh pair and stage the refresh record (caller commits)."""
    access, _ = create_token(str(_user_id(user)), "access", user.token_version)
    refresh, claims = create_token(str(_user_id(user)), "refresh", user.token_version)
    session.add(RefreshToken(jti=claims.jti, user_id=_user_id(user), expires_at=claims.expires_at))
    minutes = get_settings().access_token_expire_minutes
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=minutes * 60)


async def issue_pair(session: AsyncSession, user: User) -> TokenPair:
    """Log a user in: persist a new refresh token and return both tokens."""
    async with transaction(session):
        pair = _new_pair(session, user)
    return pair


async def _load_refresh(session: AsyncSession, raw_token: str) -> RefreshToken:
    """Decode a refresh token and return its database record."""
    try:
        claims = decode_token(raw_token, "refresh")
    except InvalidTokenError as exc:
        raise AuthenticationError(INVALID_REFRESH) from exc
    record = await session.get(RefreshToken, claims.jti)
    if record is None or str(record.user_id) != claims.subject:
        raise AuthenticationError(INVALID_REFRESH)
    return record


async def rotate(session: AsyncSession, raw_token: str) -> TokenPair:
    """Exchange a refresh token for a new pair; reusing a revoked one revokes them all."""
    record = await _load_refresh(session, raw_token)
    user = await session.get(User, record.user_id)
    if record.revoked or user is None or not user.is_active:
        if user is not None:
            async with transaction(session):
                await revoke_all_for_user(session, user)
        raise AuthenticationError(INVALID_REFRESH)
    async with transaction(session):
        record.revoked = True
        session.add(record)
        pair = _new_pair(session, user)
    return pair


async def revoke(session: AsyncSession, raw_token: str, user: User) -> None:
    """Revoke one refresh token belonging to ``user`` (logout)."""
    record = await _load_refresh(session, raw_token)
    if record.user_id != user.id:
        raise AuthenticationError(INVALID_REFRESH)
    async with transaction(session):
        record.revoked = True
        session.add(record)


async def sign_out_everywhere(session: AsyncSession, user: User) -> None:
    """Invalidate every access and refresh token of ``user`` at once."""
    async with transaction(session):
        await revoke_all_for_user(session, user)


async def revoke_all_for_user(session: AsyncSession, user: User) -> None:
    """Stage revocation of all of ``user``'s tokens (caller commits).

    Refresh tokens are marked revoked; bumping ``token_version`` kills access tokens.
    """
    user.token_version += 1
    session.add(user)
    statement = (
        update(RefreshToken).where(col(RefreshToken.user_id) == _user_id(user)).values(revoked=True)
    )
    await session.exec(statement)
