from fastapi import APIRouter, HTTPException, status

from ...models import Item, ItemCreate
from ...services.pricing import compute_discount
from ..deps import CurrentUser, OptionalUser, SessionDep

router = APIRouter()


@router.get("/", response_model=list[Item])
def read_items(db: SessionDep, user: OptionalUser, skip: int = 0, limit: int = 100) -> list[Item]:
    items = list(db.items.values())
    if user is not None and not user.is_superuser:
        items = [item for item in items if item.owner_id == user.id]
    return items[skip : skip + limit]


@router.get("/{item_id}", response_model=Item)
def read_item(item_id: int, db: SessionDep, current_user: CurrentUser) -> Item:
    item = db.items.get(item_id)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Item not found")
    return item


@router.post("/", response_model=Item, status_code=status.HTTP_201_CREATED)
def create_item(body: ItemCreate, db: SessionDep, current_user: CurrentUser) -> Item:
    item = Item(id=db.next_id(db.items), owner_id=current_user.id, **body.model_dump())
    db.items[item.id] = item
    return item


@router.put("/{item_id}", response_model=Item)
def update_item(item_id: int, body: ItemCreate, db: SessionDep, current_user: CurrentUser) -> Item:
    if item_id not in db.items:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Item not found")
    item = Item(id=item_id, owner_id=current_user.id, **body.model_dump())
    db.items[item_id] = item
    return item


@router.get("/{item_id}/quote")
def quote_item(
    item_id: int, quantity: int, db: SessionDep, user: OptionalUser, coupon: str | None = None
) -> dict[str, float]:
    item = db.items.get(item_id)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Item not found")
    discount = compute_discount(item.price, item.category, quantity, user is not None, coupon)
    return {"total": item.price * quantity - discount, "discount": discount}


# BUG (planted): anyone can delete any item — the CurrentUser dependency is missing.
@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_item(item_id: int, db: SessionDep) -> None:
    db.items.pop(item_id, None)
