from fastapi import APIRouter

router = APIRouter(prefix="/reports")


@router.get("/daily")
def daily_report() -> dict[str, int]:
    return {"orders": 0}


@router.get("/monthly")
def monthly_report() -> dict[str, int]:
    return {"orders": 0}
