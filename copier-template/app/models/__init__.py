"""SQLModel tables and the API schemas derived from them."""

from app.models.common import utcnow
from app.models.item import Item, ItemCreate, ItemPage, ItemPublic, ItemUpdate
from app.models.token import RefreshRequest, RefreshToken, TokenPair
from app.models.user import (
    PasswordChange,
    Role,
    User,
    UserCreate,
    UserPage,
    UserPublic,
    UserUpdate,
)

__all__ = [
    "Item",
    "ItemCreate",
    "ItemPage",
    "ItemPublic",
    "ItemUpdate",
    "PasswordChange",
    "RefreshRequest",
    "RefreshToken",
    "Role",
    "TokenPair",
    "User",
    "UserCreate",
    "UserPage",
    "UserPublic",
    "UserUpdate",
    "utcnow",
]
