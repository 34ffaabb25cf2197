"""Version 2 and 3 routers, with paths built from module constants."""

from fastapi import APIRouter

from app.constants import ITEM, PREFIX, VERSION

router = APIRouter(prefix="/catalog")


@router.get(ITEM)
def list_items_v2() -> list[dict[str, int]]:
    return []


@router.get(f"{ITEM}/{{item_id}}")
def get_item_v2(item_id: int) -> dict[str, int]:
    return {"id": item_id}


@router.get(ITEM + "/{item_id}/price")
def get_item_price_v2(item_id: int) -> dict[str, int]:
    return {"id": item_id, "price": 0}


v3_router = APIRouter(prefix=f"/{VERSION}")


@v3_router.get(f"{PREFIX}-compat{ITEM}")
def compat_items() -> list[dict[str, int]]:
    return []
