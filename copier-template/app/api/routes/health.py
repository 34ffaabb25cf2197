"""Liveness and readiness probes (public)."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.core.db import ping_database

router = APIRouter(tags=["health"])


class HealthStatus(BaseModel):
    """Probe result."""

    status: str


@router.get("/health", response_model=HealthStatus)
async def health() -> HealthStatus:
    """Liveness: the process is up."""
    return HealthStatus(status="ok")


@router.get("/health/ready", response_model=HealthStatus, responses={503: {"model": HealthStatus}})
async def readiness() -> HealthStatus | JSONResponse:
    """Readiness: the database answers a trivial query."""
    if await ping_database():
        return HealthStatus(status="ok")
    return JSONResponse(status_code=503, content={"status": "unavailable"})
