"""Users, with addresses nested under each user (router -> router -> route)."""

from fastapi import APIRouter

from . import addresses

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/")
def list_users() -> list[dict[str, int]]:
    return []


@router.get("/{user_id}")
def get_user(user_id: int) -> dict[str, int]:
    return {"id": user_id}


router.include_router(addresses.router, prefix="/{user_id}/addresses")
