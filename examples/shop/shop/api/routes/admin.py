from fastapi import APIRouter, Depends

from ..deps import SessionDep, get_current_active_superuser

router = APIRouter(dependencies=[Depends(get_current_active_superuser)])


@router.get("/stats")
def stats(db: SessionDep) -> dict[str, int]:
    return {"users": len(db.users), "items": len(db.items)}


@router.post("/items/purge", status_code=204)
def purge_items(db: SessionDep) -> None:
    db.items.clear()
