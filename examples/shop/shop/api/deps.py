from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, status

from ..core.security import decode_access_token, oauth2_scheme, optional_oauth2_scheme
from ..db import Store, get_store
from ..models import User


def get_db() -> Iterator[Store]:
    yield from get_store()


SessionDep = Annotated[Store, Depends(get_db)]
TokenDep = Annotated[str, Depends(oauth2_scheme)]


def get_current_user(db: SessionDep, token: TokenDep) -> User:
    subject = decode_access_token(token)
    user = db.users.get(int(subject)) if subject and subject.isdigit() else None
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Could not validate credentials")
    if not user.is_active:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Inactive user")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_current_active_superuser(current_user: CurrentUser) -> User:
    if not current_user.is_superuser:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Not enough privileges")
    return current_user


AdminUser = Annotated[User, Depends(get_current_active_superuser)]


def get_optional_user(
    db: SessionDep, token: Annotated[str | None, Depends(optional_oauth2_scheme)]
) -> User | None:
    subject = decode_access_token(token) if token else None
    return db.users.get(int(subject)) if subject and subject.isdigit() else None


OptionalUser = Annotated[User | None, Depends(get_optional_user)]
