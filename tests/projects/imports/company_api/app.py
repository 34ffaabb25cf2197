"""The application, assembled from routers reached through many import styles."""

import fastapi as fa
from fastapi.middleware.cors import CORSMiddleware as CM
from shared_lib.auth import api_key_header as key_header

import company_api.routes.users as users_mod
from company_api.routes import admin

from . import routes
from .routes import items as item_routes
from .routes import orders

application = fa.FastAPI(title="imports")
application.add_middleware(
    CM,
    allow_origins=["https://app.example.com"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

application.include_router(item_routes.router, prefix="/items")
application.include_router(routes.reports_router, prefix="/reports")
application.include_router(users_mod.router)
application.include_router(orders.router, dependencies=[fa.Depends(key_header)])
application.include_router(admin.admin_router)
application.include_router(routes.items.router, prefix="/catalog")


@application.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
