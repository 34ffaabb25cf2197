from fastapi import APIRouter

router = APIRouter(prefix="/orders")


@router.get("")
def list_orders() -> list[dict[str, int]]:
    return []


@router.post("")
def create_order() -> dict[str, int]:
    return {"id": 1}
