"""Password hashing (Argon2 via pwdlib) and JWT access/refresh tokens (PyJWT)."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.core.config import get_settings
from app.models.common import utcnow

TokenType = Literal["access", "refresh"]

password_hasher = PasswordHash((Argon2Hasher(),))
# Verified against when the user does not exist, so unknown e-mails cost the same time.
_DUMMY_HASH = password_hasher.hash(uuid.uuid4().hex)


class InvalidTokenError(Exception):
    """Raised for any token that is malformed, tampered, expired or of the wrong type."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """The claims backendkit tokens carry."""

    subject: str
    token_type: TokenType
    jti: str
    expires_at: datetime
    version: int = 0


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return password_hasher.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    """Check a password; with ``hashed=None`` burn the same time and return False."""
    if hashed is None:
        password_hasher.verify(password, _DUMMY_HASH)
        return False
    return password_hasher.verify(password, hashed)


def create_token(subject: str, token_type: TokenType, version: int = 0) -> tuple[str, TokenClaims]:
    """Sign a token of the given type for ``subject``; returns it with its claims.

    ``version`` is the user's token version: bumping it invalidates older tokens.
    """
    settings = get_settings()
    lifetimes = {
        "access": timedelta(minutes=settings.access_token_expire_minutes),
        "refresh": timedelta(days=settings.refresh_token_expire_days),
    }
    lifetime = lifetimes[token_type]
    now = utcnow()
    claims = TokenClaims(subject, token_type, uuid.uuid4().hex, now + lifetime, version)
    payload = {
        "sub": subject,
        "type": token_type,
        "ver": version,
        "jti": claims.jti,
        "iat": now,
        "exp": claims.expires_at,
    }
    token = jwt.encode(payload, settings.signing_key, algorithm=settings.jwt_algorithm)
    return token, claims


def decode_token(token: str, expected_type: TokenType) -> TokenClaims:
    """Verify signature, expiry and type; raise InvalidTokenError otherwise."""
    settings = get_settings()
    try:
        payload = jwt.decode(
            token,
            settings.signing_key,
            algorithms=[settings.jwt_algorithm],
            options={"require": ["exp", "iat", "sub", "jti", "type", "ver"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidTokenError("invalid token") from exc
    if payload["type"] != expected_type:
        raise InvalidTokenError("wrong token type")
    return TokenClaims(
        subject=str(payload["sub"]),
        token_type=expected_type,
        jti=str(payload["jti"]),
        expires_at=datetime.fromtimestamp(int(payload["exp"]), tz=utcnow().tzinfo),
        version=int(payload["ver"]),
    )
