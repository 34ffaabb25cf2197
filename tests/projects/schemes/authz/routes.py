from typing import Annotated

from fastapi import APIRouter, Depends, Security, WebSocket
from fastapi.security import HTTPAuthorizationCredentials, HTTPBasicCredentials

from . import security as s
from .deps import OptionalUser, get_viewer

router = APIRouter(prefix="/schemes")


@router.get("/password")
def password(token: Annotated[str, Security(s.oauth2_password, scopes=["read"])]) -> dict:
    return {"token": token}


@router.get("/password/optional")
def password_optional(token: Annotated[str | None, Depends(s.oauth2_password_optional)]) -> dict:
    return {"token": token}


@router.get("/code", dependencies=[Depends(s.oauth2_code)])
def code() -> dict:
    return {}


@router.get("/openid", dependencies=[Depends(s.openid)])
def openid() -> dict:
    return {}


@router.get("/openid/optional", dependencies=[Depends(s.openid_optional)])
def openid_optional() -> dict:
    return {}


@router.get("/bearer")
def bearer(credentials: HTTPAuthorizationCredentials = Depends(s.bearer)) -> dict:
    return {"scheme": credentials.scheme}


@router.get("/bearer/optional")
def bearer_optional(
    credentials: HTTPAuthorizationCredentials | None = Depends(s.bearer_optional),
) -> dict:
    return {"anonymous": credentials is None}


@router.get("/basic")
def basic(credentials: Annotated[HTTPBasicCredentials, Depends(s.basic)]) -> dict:
    return {"username": credentials.username}


@router.get("/basic/optional", dependencies=[Depends(s.basic_optional)])
def basic_optional() -> dict:
    return {}


@router.get("/digest", dependencies=[Depends(s.digest)])
def digest() -> dict:
    return {}


@router.get("/key/header", dependencies=[Depends(s.key_header)])
def key_header() -> dict:
    return {}


@router.get("/key/header/optional", dependencies=[Depends(s.key_header_optional)])
def key_header_optional() -> dict:
    return {}


@router.get("/key/query/optional", dependencies=[Depends(s.key_query_optional)])
def key_query_optional() -> dict:
    return {}


@router.get("/key/cookie", dependencies=[Depends(s.key_cookie)])
def key_cookie() -> dict:
    return {}


@router.get("/mixed", dependencies=[Depends(s.key_header_optional), Depends(s.bearer)])
def mixed() -> dict:
    return {}


@router.get("/both-optional", dependencies=[Depends(s.key_header_optional)])
def both_optional(user: OptionalUser) -> dict:
    return {"user": user}


@router.get("/viewer")
def viewer(user: Annotated[str, Depends(get_viewer)]) -> dict:
    return {"user": user}


@router.websocket("/ws/optional")
async def ws_optional(
    websocket: WebSocket, key: Annotated[str | None, Depends(s.key_query_optional)]
) -> None:
    await websocket.accept()
    await websocket.close()
