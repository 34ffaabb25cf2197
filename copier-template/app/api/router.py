"""The versioned API router."""

from fastapi import APIRouter

from app.api.routes import auth, items, users

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(auth.router)
api_router.include_router(users.router)
api_router.include_router(items.router)
