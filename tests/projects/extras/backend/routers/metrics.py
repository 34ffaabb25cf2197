from fastapi import APIRouter

router = APIRouter()


@router.get("/metrics")
def metrics() -> str:
    return ""
