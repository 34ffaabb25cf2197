from typing import Annotated

from fastapi import Depends

from .security import bearer_optional, oauth2_password_optional


def get_optional_user(token: Annotated[str | None, Depends(oauth2_password_optional)]) -> str:
    return token or "anonymous"


OptionalUser = Annotated[str, Depends(get_optional_user)]


def get_viewer(user: OptionalUser, bearer: Annotated[object, Depends(bearer_optional)]) -> str:
    return user
