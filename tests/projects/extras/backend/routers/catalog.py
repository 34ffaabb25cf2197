from fastapi import APIRouter

router = APIRouter()


@router.get("")
def list_catalog() -> list[str]:
    return []
