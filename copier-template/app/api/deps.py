"""FastAPI dependencies, exposed as ``Annotated`` aliases for route signatures."""

from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.db import get_session
from app.core.security import InvalidTokenError, decode_token
from app.models import Role, User

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login")

SessionDep = Annotated[AsyncSession, Depends(get_session)]
TokenDep = Annotated[str, Depends(oauth2_scheme)]

CREDENTIALS_ERROR = "Could not validate credentials"


def credentials_exception() -> HTTPException:
    """The 401 returned for every authentication failure (no detail leaks)."""
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=CREDENTIALS_ERROR,
        headers={"WWW-Authenticate": "Bearer"},
    )


async def user_from_access_token(session: AsyncSession, token: str) -> User | None:
    """Resolve an access token to an active user, or None."""
    try:
        claims = decode_token(token, "access")
    except InvalidTokenError:
        return None
    if not claims.subject.isdigit():
        return None
    user = await session.get(User, int(claims.subject))
    if user is None or not user.is_active or user.token_version != claims.version:
        return None
    return user


async def get_current_user(session: SessionDep, token: TokenDep) -> User:
    """Authenticate the request from its bearer access token."""
    user = await user_from_access_token(session, token)
    if user is None:
        raise credentials_exception()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_current_admin(user: CurrentUser) -> User:
    """Allow only administrators."""
    if user.role != Role.ADMIN:
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Admin role required")
    return user


AdminUser = Annotated[User, Depends(get_current_admin)]
