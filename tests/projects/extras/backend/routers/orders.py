from fastapi import APIRouter

router = APIRouter()


@router.get("")
def list_orders() -> list[str]:
    return []


@router.post("")
def create_order() -> dict[str, int]:
    return {"id": 1}
