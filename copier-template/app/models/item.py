"""Item table (owned by a user) and its schemas."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.common import timestamp_field


class Item(SQLModel, table=True):
    """An item; titles are unique per owner."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("owner_id", "title", name="uq_items_owner_id_title"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200, index=True)
    description: str | None = Field(default=None, max_length=2000)
    owner_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    created_at: datetime = timestamp_field(index=True)


class ItemCreate(SQLModel):
    """Payload to create an item."""

    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)


class ItemUpdate(SQLModel):
    """Partial update; omitted fields are left alone."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)


class ItemPublic(SQLModel):
    """What the API returns about an item."""

    id: int
    title: str
    description: str | None
    owner_id: int
    created_at: datetime


class ItemPage(SQLModel):
    """One page of items."""

    items: list[ItemPublic]
    total: int
    limit: int
    offset: int
