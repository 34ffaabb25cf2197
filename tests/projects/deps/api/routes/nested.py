"""Dependencies given to ``include_router`` at every level of a three-level tree."""

from fastapi import APIRouter, Depends

from ..deps import get_request_id, verify_token

leaf = APIRouter()


@leaf.get("/leaf")
def leaf_route() -> dict[str, str]:
    return {"level": "leaf"}


mid = APIRouter()


@mid.get("/mid-open")
def mid_open() -> dict[str, str]:
    return {"level": "mid"}


mid.include_router(leaf, prefix="/leaf", dependencies=[Depends(verify_token)])

outer = APIRouter()


@outer.get("/outer-open")
def outer_open() -> dict[str, str]:
    return {"level": "outer"}


outer.include_router(mid, prefix="/mid", dependencies=[Depends(get_request_id)])
