from fastapi import APIRouter

from app.core.config import settings

LOCAL = "/tools"

router = APIRouter(prefix=settings.INTERNAL_PREFIX + LOCAL)


@router.post("/reindex")
def reindex() -> dict[str, bool]:
    return {"ok": True}


reports_router = APIRouter()


@reports_router.get("/sales")
def sales_report() -> dict[str, int]:
    return {"total": 0}
