from fastapi import Depends, FastAPI, WebSocket

from .aliases import Me
from .deps import get_db, get_request_id, require_role
from .routes import admin, items, nested, public, tokens

app = FastAPI(title="deps", dependencies=[Depends(get_request_id)])

app.include_router(public.router)
app.include_router(items.router)
app.include_router(tokens.router)
app.include_router(admin.router, prefix="/admin")
app.include_router(
    admin.reports_router, prefix="/reports", dependencies=[Depends(require_role("analyst"))]
)
app.include_router(nested.outer, prefix="/nested", dependencies=[Depends(get_db)])


@app.get("/me")
def read_me(me: Me) -> dict[str, str]:
    return {"username": me.username}


@app.get("/me/settings", dependencies=[Depends(require_role("user"))])
def my_settings() -> dict[str, str]:
    return {}


@app.websocket("/ws")
async def notifications(websocket: WebSocket, me: Me) -> None:
    await websocket.accept()
    await websocket.send_text(me.username)
    await websocket.close()


@app.websocket("/ws/public")
async def public_feed(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.close()
