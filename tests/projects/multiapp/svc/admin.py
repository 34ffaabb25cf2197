"""The admin application: HTTP Basic on everything it declares, not on what it mounts."""

from fastapi import Depends, FastAPI

from . import reports, shared
from .legacy import status_app
from .security import basic, digest


def create_admin_app() -> FastAPI:
    admin = FastAPI(title="admin", dependencies=[Depends(basic)])
    admin.include_router(shared.router, prefix="/admin")
    admin.include_router(reports.router, dependencies=[Depends(digest)])

    @admin.get("/whoami")
    def whoami() -> dict[str, str]:
        return {"user": "admin"}

    admin.mount("/status", status_app)
    return admin


admin_app = create_admin_app()
