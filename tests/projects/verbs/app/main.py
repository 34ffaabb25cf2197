"""Every way to declare a route directly on the application object."""

from fastapi import Depends, FastAPI, WebSocket

from .routes import router
from .security import api_key

app = FastAPI(title="verbs")


@app.get("/")
def root() -> dict[str, str]:
    return {"service": "verbs"}


@app.get("/things")
def list_things() -> list[str]:
    return []


@app.post("/things", status_code=201)
def create_thing() -> dict[str, int]:
    return {"id": 1}


@app.put("/things/{thing_id}")
def replace_thing(thing_id: int) -> dict[str, int]:
    return {"id": thing_id}


@app.patch("/things/{thing_id}")
def update_thing(thing_id: int) -> dict[str, int]:
    return {"id": thing_id}


@app.delete("/things/{thing_id}", dependencies=[Depends(api_key)])
def delete_thing(thing_id: int) -> None:
    return None


@app.head("/things")
def head_things() -> None:
    return None


@app.options("/things")
def options_things() -> dict[str, list[str]]:
    return {"allow": ["GET", "POST", "HEAD", "OPTIONS"]}


@app.trace("/trace")
def trace() -> dict[str, str]:
    return {}


@app.api_route("/multi", methods=["GET", "post"])
def multi() -> dict[str, str]:
    return {}


@app.api_route("/default-methods")
def default_methods() -> dict[str, str]:
    return {}


def added(thing_id: int) -> dict[str, int]:
    return {"id": thing_id}


def added_default() -> dict[str, str]:
    return {}


app.add_api_route("/added/{thing_id}", added, methods=["PUT", "DELETE"])
app.add_api_route("/added-default", added_default)


@app.get("/hidden", include_in_schema=False)
def hidden() -> dict[str, str]:
    return {}


@app.get("/alias-a")
@app.get("/alias-b")
def aliased() -> dict[str, str]:
    return {}


@app.websocket("/ws")
async def ws_echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
    await websocket.close()


async def ws_added(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.close()


app.add_api_websocket_route("/ws/added", ws_added)

app.include_router(router, prefix="/r")
