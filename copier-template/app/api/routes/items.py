"""Items CRUD: the caller's own items (admins: all items)."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.api.deps import CurrentUser, SessionDep
from app.api.errors import http_error
from app.models import Item, ItemCreate, ItemPage, ItemPublic, ItemUpdate
from app.services import items
from app.services.errors import ServiceError
from app.services.items import ItemQuery, ItemSort

router = APIRouter(prefix="/items", tags=["items"])
MAX_PAGE_SIZE = 100


@router.get("", response_model=ItemPage)
async def list_items(
    session: SessionDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
    q: Annotated[str | None, Query(max_length=100, description="Title contains")] = None,
    sort: ItemSort = "-created_at",
) -> ItemPage:
    """List items with pagination (page size capped), title filter and sorting."""
    query = ItemQuery(limit=limit, offset=offset, q=q, sort=sort)
    page, total = await items.list_items(session, user, query)
    return ItemPage(
        items=[ItemPublic.model_validate(i) for i in page], total=total, limit=limit, offset=offset
    )


@router.post("", response_model=ItemPublic, status_code=status.HTTP_201_CREATED)
async def create_item(session: SessionDep, user: CurrentUser, payload: ItemCreate) -> Item:
    """Create an item; 409 when the caller already has one with that title."""
    try:
        return await items.create_item(session, user, payload)
    except ServiceError as exc:
        raise http_error(exc) from exc


@router.get("/{item_id}", response_model=ItemPublic)
async def read_item(session: SessionDep, user: CurrentUser, item_id: int) -> Item:
    """Return one item; 404 when it does not exist or belongs to someone else."""
    try:
        return await items.get_item(session, user, item_id)
    except ServiceError as exc:
        raise http_error(exc) from exc


@router.patch("/{item_id}", response_model=ItemPublic)
async def update_item(
    session: SessionDep, user: CurrentUser, item_id: int, payload: ItemUpdate
) -> Item:
    """Partially update an item."""
    try:
        return await items.update_item(session, user, item_id, payload)
    except ServiceError as exc:
        raise http_error(exc) from exc


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT, response_model=None)
async def delete_item(session: SessionDep, user: CurrentUser, item_id: int) -> None:
    """Delete an item."""
    try:
        await items.delete_item(session, user, item_id)
    except ServiceError as exc:
        raise http_error(exc) from exc
