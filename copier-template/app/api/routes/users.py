"""The current user's profile and password, plus admin-only user listing."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.api.deps import AdminUser, CurrentUser, SessionDep
from app.api.errors import http_error
from app.models import PasswordChange, User, UserPage, UserPublic, UserUpdate
from app.services import users
from app.services.errors import ServiceError

router = APIRouter(prefix="/users", tags=["users"])
MAX_PAGE_SIZE = 100


@router.get("/me", response_model=UserPublic)
async def read_me(user: CurrentUser) -> User:
    """Return the authenticated user."""
    return user


@router.patch("/me", response_model=UserPublic)
async def update_me(session: SessionDep, user: CurrentUser, payload: UserUpdate) -> User:
    """Update the authenticated user's profile."""
    return await users.update_profile(session, user, payload)


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT, response_model=None)
async def change_password(session: SessionDep, user: CurrentUser, payload: PasswordChange) -> None:
    """Change the password; every refresh token of the user is revoked."""
    try:
        await users.change_password(session, user, payload)
    except ServiceError as exc:
        raise http_error(exc) from exc


@router.get("", response_model=UserPage)
async def list_users(
    session: SessionDep,
    _admin: AdminUser,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> UserPage:
    """List users (admin only), paginated."""
    page, total = await users.list_users(session, limit=limit, offset=offset)
    return UserPage(
        items=[UserPublic.model_validate(u) for u in page], total=total, limit=limit, offset=offset
    )


@router.get("/{user_id}", response_model=UserPublic)
async def read_user(session: SessionDep, _admin: AdminUser, user_id: int) -> User:
    """Return any user by id (admin only)."""
    try:
        return await users.get_user(session, user_id)
    except ServiceError as exc:
        raise http_error(exc) from exc
