"""Dependencies, several levels deep, and the ``Annotated`` aliases routes use."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Security, status
from fastapi.security import HTTPAuthorizationCredentials, SecurityScopes

from .models import User
from .security import jwt_bearer, oauth2_scheme


def get_db() -> Iterator[dict[str, User]]:
    yield {}


DB = Annotated[dict[str, User], Depends(get_db)]


def get_request_id(x_request_id: Annotated[str | None, Header()] = None) -> str:
    return x_request_id or "-"


def get_token_payload(token: Annotated[str, Depends(oauth2_scheme)]) -> dict[str, str]:
    return {"sub": token}


def get_current_user(
    payload: Annotated[dict[str, str], Depends(get_token_payload)], db: DB
) -> User:
    return User(id=1, username=payload["sub"])


def get_current_active_user(user: Annotated[User, Depends(get_current_user)]) -> User:
    return user


CurrentUser = Annotated[User, Depends(get_current_active_user)]


def get_current_admin(user: CurrentUser) -> User:
    if "admin" not in user.roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN)
    return user


AdminUser = Annotated[User, Depends(get_current_admin)]
SuperAdmin = AdminUser


def get_scoped_user(
    security_scopes: SecurityScopes, token: Annotated[str, Security(oauth2_scheme)]
) -> User:
    return User(id=2, username=token, roles=list(security_scopes.scopes))


ReaderUser = Annotated[User, Security(get_scoped_user, scopes=["items:read"])]


class RoleChecker:
    """A configurable dependency: instances are the dependency."""

    def __init__(self, role: str) -> None:
        self.role = role

    def __call__(self, user: CurrentUser) -> User:
        if self.role not in user.roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN)
        return user


admin_checker = RoleChecker("admin")


class TokenVerifier:
    def __call__(self, credentials: HTTPAuthorizationCredentials = Depends(jwt_bearer)) -> str:
        return credentials.credentials


verify_token = TokenVerifier()


def require_role(role: str):
    """A dependency factory: ``Depends(require_role("admin"))``."""

    async def dependency(user: CurrentUser) -> User:
        if role not in user.roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN)
        return user

    return dependency


class Pagination:
    def __init__(self, skip: int = 0, limit: int = 100) -> None:
        self.skip = skip
        self.limit = limit


class AuthContext:
    """Used as ``Annotated[AuthContext, Depends()]``: the class itself is the dependency."""

    def __init__(self, token: str = Depends(oauth2_scheme)) -> None:
        self.token = token


def check_authorization_header(authorization: Annotated[str | None, Header()] = None) -> str:
    """Looks like authentication but uses no security scheme: FastAPI sees no auth here."""
    if not authorization:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED)
    return authorization
