from fastapi import APIRouter, Depends

from ..aliases import Boss
from ..deps import require_role

router = APIRouter(dependencies=[Depends(require_role("admin"))])


@router.get("/stats")
def stats() -> dict[str, int]:
    return {"users": 0}


@router.post("/flush")
def flush(boss: Boss) -> dict[str, str]:
    return {"by": boss.username}


reports_router = APIRouter()


@reports_router.get("/daily")
def daily() -> dict[str, int]:
    return {"orders": 0}


@reports_router.get("/weekly", dependencies=[Depends(require_role("analyst"))])
def weekly() -> dict[str, int]:
    return {"orders": 0}
