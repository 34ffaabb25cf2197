from fastapi import APIRouter
from fastapi import Depends as Inject

from ..security import oidc

router = APIRouter(tags=["items"])


@router.get("")
def list_items() -> list[dict[str, int]]:
    return []


@router.get("/{item_id}", dependencies=[Inject(oidc)])
def get_item(item_id: int) -> dict[str, int]:
    return {"id": item_id}
