from fastapi import FastAPI

from shop.api import router as orders_router

app = FastAPI()
app.include_router(orders_router, prefix="/api")
