from fastapi import APIRouter

from .endpoints import orders, users

api_router = APIRouter()
api_router.include_router(users.router)
api_router.include_router(orders.router, prefix="/shop")
