"""A router nobody includes: FastAPI never serves these routes."""

from fastapi import APIRouter

router = APIRouter(prefix="/unused")


@router.get("/ghost")
def ghost() -> dict[str, str]:
    return {}
