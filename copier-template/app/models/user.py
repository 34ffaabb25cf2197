"""User table and the request/response schemas for it (never exposing the hash)."""

from datetime import datetime
from enum import StrEnum

from pydantic import EmailStr
from sqlmodel import Field, SQLModel

from app.models.common import timestamp_field

PASSWORD_MIN = 8
PASSWORD_MAX = 128


class Role(StrEnum):
    """Authorisation roles, checked by dependencies in ``app.api.deps``."""

    USER = "user"
    ADMIN = "admin"


class User(SQLModel, table=True):
    """A registered account."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=255, unique=True, index=True)
    full_name: str | None = Field(default=None, max_length=255)
    hashed_password: str = Field(max_length=255)
    role: str = Field(default=Role.USER.value, max_length=16)
    is_active: bool = Field(default=True)
    # Bumped to invalidate every access token at once (password change, logout-all).
    token_version: int = Field(default=0)
    created_at: datetime = timestamp_field()


class UserCreate(SQLModel):
    """Registration payload."""

    email: EmailStr = Field(max_length=255)
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    full_name: str | None = Field(default=None, max_length=255)


class UserUpdate(SQLModel):
    """Fields a user may change on their own profile."""

    full_name: str | None = Field(default=None, max_length=255)


class PasswordChange(SQLModel):
    """Password change payload: the current password is re-checked."""

    current_password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    new_password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class UserPublic(SQLModel):
    """What the API returns about a user."""

    id: int
    email: str
    full_name: str | None
    role: Role
    is_active: bool
    created_at: datetime


class UserPage(SQLModel):
    """One page of users."""

    items: list[UserPublic]
    total: int
    limit: int
    offset: int
