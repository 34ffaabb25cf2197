from fastapi import APIRouter

router = APIRouter()


@router.get("")
def list_addresses(user_id: int) -> list[dict[str, int]]:
    return [{"user_id": user_id}]


@router.get("/{address_id}")
def get_address(user_id: int, address_id: int) -> dict[str, int]:
    return {"user_id": user_id, "address_id": address_id}
