"""Routes that are public on purpose: login, registration, health, documentation."""

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

router = APIRouter()


class Login(BaseModel):
    username: str
    password: str


@router.post("/token")
def issue_token(body: Login) -> dict[str, str]:
    return {"access_token": body.username, "token_type": "bearer"}


@router.post("/register", status_code=201)
def register(body: Login) -> dict[str, str]:
    return {"username": body.username}


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/docs", include_in_schema=False)
def custom_docs() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/openapi.json", title="schemes")
