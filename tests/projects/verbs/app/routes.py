"""Router-level declarations, included into the app under ``/r``."""

from typing import Annotated

from fastapi import APIRouter, Depends, WebSocket

from .security import api_key

router = APIRouter(prefix="/things2", tags=["things2"])


@router.get("")
def list_things2() -> list[str]:
    return []


@router.get("/")
def list_things2_slash() -> list[str]:
    return []


@router.api_route("/{thing_id}", methods=["GET", "HEAD"])
def get_or_head(thing_id: int) -> dict[str, int]:
    return {"id": thing_id}


def archive(thing_id: int) -> dict[str, int]:
    return {"id": thing_id}


router.add_api_route(
    "/{thing_id}/archive", archive, methods=["POST"], dependencies=[Depends(api_key)]
)


@router.options("/{thing_id}")
def options_thing(thing_id: int) -> dict[str, int]:
    return {"id": thing_id}


@router.websocket("/stream")
async def stream(websocket: WebSocket, key: Annotated[str, Depends(api_key)]) -> None:
    await websocket.accept()
    await websocket.send_text(key)
    await websocket.close()


async def ws_router_added(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.close()


router.add_api_websocket_route("/stream/added", ws_router_added)
