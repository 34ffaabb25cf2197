from fastapi import APIRouter, HTTPException, status

from ...core.security import create_access_token, verify_password
from ...models import LoginRequest, Token
from ..deps import SessionDep

router = APIRouter()


@router.post("/login/access-token", response_model=Token)
def login_access_token(body: LoginRequest, db: SessionDep) -> Token:
    user = db.user_by_email(body.username)
    if user is None or not verify_password(body.password, user.hashed_password):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Incorrect email or password")
    return Token(access_token=create_access_token(str(user.id)))
