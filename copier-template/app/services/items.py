"""Items: CRUD scoped to the owner (admins see everything)."""

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from app.models import Item, ItemCreate, ItemUpdate, Role, User
from app.services.db import transaction
from app.services.errors import ConflictError, NotFoundError

ItemSort = Literal["created_at", "-created_at", "title", "-title", "id", "-id"]
DUPLICATE_TITLE = "You already have an item with this title"


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """Filtering, sorting and paging options for listing items."""

    limit: int = 20
    offset: int = 0
    q: str | None = None
    sort: ItemSort = "-created_at"


def _visible_to(statement: SelectOfScalar[Item], user: User) -> SelectOfScalar[Item]:
    """Restrict a query to the caller's items unless the caller is an admin."""
    if user.role == Role.ADMIN:
        return statement
    return statement.where(col(Item.owner_id) == user.id)


def _sorted(statement: SelectOfScalar[Item], sort: ItemSort) -> SelectOfScalar[Item]:
    """Apply the requested order, with the id as a stable tie-breaker."""
    column = col(getattr(Item, sort.lstrip("-")))
    ordered = column.desc() if sort.startswith("-") else column.asc()
    return statement.order_by(ordered, col(Item.id))


async def list_items(session: AsyncSession, user: User, query: ItemQuery) -> tuple[list[Item], int]:
    """Return one page of visible items and the total number matching the filter."""
    statement = _visible_to(select(Item), user)
    if query.q:
        statement = statement.where(col(Item.title).icontains(query.q))
    total = await session.exec(select(func.count()).select_from(statement.subquery()))
    page = await session.exec(
        _sorted(statement, query.sort).offset(query.offset).limit(query.limit)
    )
    return list(page.all()), int(total.one())


async def get_item(session: AsyncSession, user: User, item_id: int) -> Item:
    """Return a visible item or raise NotFoundError (never reveal others' items)."""
    result = await session.exec(_visible_to(select(Item).where(col(Item.id) == item_id), user))
    item = result.first()
    if item is None:
        raise NotFoundError("Item not found")
    return item


async def _save(session: AsyncSession, item: Item) -> Item:
    """Commit an item, translating the per-owner title constraint into ConflictError."""
    try:
        async with transaction(session):
            session.add(item)
    except IntegrityError as exc:
        raise ConflictError(DUPLICATE_TITLE) from exc
    await session.refresh(item)
    return item


async def create_item(session: AsyncSession, user: User, data: ItemCreate) -> Item:
    """Create an item owned by ``user``."""
    if user.id is None:  # pragma: no cover - users are always persisted here
        raise NotFoundError("User not found")
    return await _save(session, Item(**data.model_dump(), owner_id=user.id))


async def update_item(session: AsyncSession, user: User, item_id: int, data: ItemUpdate) -> Item:
    """Apply a partial update to a visible item."""
    item = await get_item(session, user, item_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("title") is None:
        changes.pop("title", None)  # the title can change but never be cleared
    item.sqlmodel_update(changes)
    return await _save(session, item)


async def delete_item(session: AsyncSession, user: User, item_id: int) -> None:
    """Delete a visible item."""
    item = await get_item(session, user, item_id)
    async with transaction(session):
        await session.delete(item)
