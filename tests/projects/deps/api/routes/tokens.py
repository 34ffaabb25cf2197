from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import HTTPAuthorizationCredentials

from ..deps import check_authorization_header, verify_token
from ..security import jwt_bearer

router = APIRouter(prefix="/tokens")


@router.get("/verify", dependencies=[Depends(verify_token)])
def verify() -> dict[str, bool]:
    return {"valid": True}


@router.get("/jwt")
def jwt(credentials: Annotated[HTTPAuthorizationCredentials, Depends(jwt_bearer)]) -> dict:
    return {"scheme": credentials.scheme}


@router.get("/header-check")
def header_check(authorization: Annotated[str, Depends(check_authorization_header)]) -> dict:
    return {"authorization": authorization}
