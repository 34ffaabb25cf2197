from fastapi import APIRouter

from app.constants import Paths

router = APIRouter(prefix=Paths.ORDERS)


@router.get("")
def list_orders() -> list[dict[str, int]]:
    return []


@router.get(Paths.ORDER_DETAIL)
def get_order(order_id: int) -> dict[str, int]:
    return {"id": order_id}
