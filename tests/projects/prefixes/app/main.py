from fastapi import Depends, FastAPI

from app import constants
from app.api import admin, v2
from app.api.v1.router import api_router
from app.constants import HEALTH_PATH, REPORTS_PREFIX
from app.core.config import settings
from app.core.security import internal_key

app = FastAPI(title=settings.PROJECT_NAME, openapi_url=f"{settings.API_V1_STR}/openapi.json")

app.include_router(api_router, prefix=settings.API_V1_STR)
app.include_router(v2.router, prefix=constants.PREFIX)
app.include_router(v2.v3_router, prefix="/api")
app.include_router(
    admin.router, prefix=constants.ADMIN + "/ops", dependencies=[Depends(internal_key)]
)
app.include_router(admin.reports_router, prefix=REPORTS_PREFIX)


@app.get(HEALTH_PATH)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get(f"{settings.API_V1_STR}/version")
def version() -> dict[str, str]:
    return {"version": "1"}
