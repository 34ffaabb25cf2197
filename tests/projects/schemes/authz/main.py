from fastapi import FastAPI

from . import public, routes

app = FastAPI(title="schemes", docs_url=None, redoc_url=None)
app.include_router(public.router)
app.include_router(routes.router)
