"""Token handling. Tokens are opaque strings signed with HMAC; good enough for a demo."""

import hashlib
import hmac
import time

from fastapi.security import OAuth2PasswordBearer

from .config import settings

TOKEN_URL = f"{settings.API_V1_STR}/login/access-token"

oauth2_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_URL)
optional_oauth2_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


def _sign(payload: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), payload.encode(), hashlib.sha256).hexdigest()


def create_access_token(subject: str) -> str:
    expires = int(time.time()) + settings.ACCESS_TOKEN_EXPIRE_MINUTES * 60
    payload = f"{subject}:{expires}"
    return f"{payload}:{_sign(payload)}"


def decode_access_token(token: str) -> str | None:
    try:
        subject, expires, signature = token.rsplit(":", 2)
    except ValueError:
        return None
    payload = f"{subject}:{expires}"
    if not hmac.compare_digest(signature, _sign(payload)) or int(expires) < time.time():
        return None
    return subject


def hash_password(password: str) -> str:
    return hashlib.sha256((settings.SECRET_KEY + password).encode()).hexdigest()


def verify_password(password: str, hashed: str) -> bool:
    return hmac.compare_digest(hash_password(password), hashed)
