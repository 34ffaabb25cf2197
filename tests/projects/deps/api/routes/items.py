from typing import Annotated

from fastapi import APIRouter, Depends, Security

from ..deps import (
    AuthContext,
    CurrentUser,
    Pagination,
    ReaderUser,
    admin_checker,
    get_db,
    get_scoped_user,
)
from ..models import User

router = APIRouter(prefix="/items", tags=["items"], dependencies=[Depends(get_db)])


@router.get("")
def list_items(page: Annotated[Pagination, Depends()]) -> list[dict[str, int]]:
    return [{"skip": page.skip}]


@router.get("/{item_id}")
def read_item(item_id: int, user: CurrentUser) -> dict[str, int]:
    return {"id": item_id}


@router.post("", status_code=201)
def create_item(user: User = Security(get_scoped_user, scopes=["items:write"])) -> dict[str, int]:
    return {"id": 1}


@router.put("/{item_id}")
def replace_item(item_id: int, user: ReaderUser) -> dict[str, int]:
    return {"id": item_id}


@router.delete("/{item_id}", dependencies=[Depends(admin_checker)])
def delete_item(item_id: int) -> None:
    return None


@router.get("/{item_id}/history")
def item_history(item_id: int, ctx: Annotated[AuthContext, Depends()]) -> list[str]:
    return [ctx.token]


@router.get("/{item_id}/audit")
def item_audit(item_id: int, ctx: AuthContext = Depends()) -> list[str]:
    return [ctx.token]


@router.get("/{item_id}/count")
def item_count(item_id: int, page: Pagination = Depends(Pagination)) -> dict[str, int]:
    return {"id": item_id, "limit": page.limit}
