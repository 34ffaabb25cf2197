"""Routers registered through a helper, a loop, and settings-driven conditions."""

from fastapi import Depends, FastAPI

from .core.security import bearer
from .core.settings import settings
from .routers import account, catalog, debug, metrics, orders

ROUTERS = [
    (catalog.router, "/catalog"),
    (orders.router, "/orders"),
]


def register_routers(app: FastAPI) -> None:
    for router, prefix in ROUTERS:
        app.include_router(router, prefix=prefix)
    if settings.DEBUG:
        app.include_router(debug.router, prefix="/debug")
    if settings.ENABLE_METRICS:
        app.include_router(metrics.router)


def create_app() -> FastAPI:
    app = FastAPI(title="extras")
    register_routers(app)
    app.include_router(account.router, prefix="/account", dependencies=[Depends(bearer)])
    return app


app = create_app()
