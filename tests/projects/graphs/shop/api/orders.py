from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends

from shop import OrderService
from shop.api.deps import RepoDep, get_current_user
from shop.helpers import write_log as log

router = APIRouter(prefix="/orders", dependencies=[Depends(get_current_user)])


def make_service(repo: RepoDep) -> OrderService:
    return OrderService(repo)


@router.post("/")
async def create_order(
    tasks: BackgroundTasks,
    service: Annotated[OrderService, Depends(make_service)],
) -> dict:
    service.place()
    tasks.add_task(log, "created")
    return {}


@router.get("/{order_id}")
def read_order(order_id: int, repo: RepoDep) -> dict:
    return repo.get(order_id)
