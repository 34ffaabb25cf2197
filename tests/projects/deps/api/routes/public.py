from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter()


class Credentials(BaseModel):
    username: str
    password: str


@router.post("/auth/token")
def login(credentials: Credentials) -> dict[str, str]:
    return {"access_token": credentials.username, "token_type": "bearer"}


@router.post("/auth/register", status_code=201)
def register(credentials: Credentials) -> dict[str, str]:
    return {"username": credentials.username}


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
