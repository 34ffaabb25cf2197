"""The public application, built by a factory."""

from fastapi import FastAPI

from . import shared
from .legacy import create_legacy_app


def health() -> dict[str, str]:
    return {"status": "ok"}


def create_app() -> FastAPI:
    app = FastAPI(title="public")
    app.include_router(shared.router, prefix="/public")
    app.add_api_route("/health", health, methods=["GET"])

    @app.get("/version")
    def version() -> dict[str, str]:
        return {"version": "1.0"}

    app.mount("/legacy", create_legacy_app())
    return app


app = create_app()
