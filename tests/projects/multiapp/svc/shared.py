"""A catalogue router served by both the public and the admin application."""

from fastapi import APIRouter, WebSocket

router = APIRouter(prefix="/catalog", tags=["catalog"])


@router.get("")
def list_products() -> list[dict[str, str]]:
    return []


@router.get("/{sku}")
def get_product(sku: str) -> dict[str, str]:
    return {"sku": sku}


@router.post("", status_code=201)
def create_product() -> dict[str, str]:
    return {"sku": "new"}


@router.websocket("/live")
async def live_prices(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.close()
