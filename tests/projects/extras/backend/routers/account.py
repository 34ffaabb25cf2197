from fastapi import APIRouter

router = APIRouter()


@router.get("/profile")
def profile() -> dict[str, str]:
    return {}


@router.delete("/profile")
def delete_profile() -> None:
    return None
