"""Sub-applications that get mounted: they keep their own dependencies, not the parent's."""

from fastapi import Depends, FastAPI

from .security import session_cookie


def create_legacy_app() -> FastAPI:
    legacy = FastAPI(title="legacy", dependencies=[Depends(session_cookie)])

    @legacy.get("/orders")
    def legacy_orders() -> list[dict[str, str]]:
        return []

    @legacy.post("/orders")
    def legacy_create_order() -> dict[str, str]:
        return {}

    return legacy


status_app = FastAPI(title="status")


@status_app.get("/ping")
def ping() -> dict[str, str]:
    return {"ping": "pong"}


@status_app.get("/")
def status_index() -> dict[str, str]:
    return {"status": "ok"}
