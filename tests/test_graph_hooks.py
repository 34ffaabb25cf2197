"""Framework edges of the call graph beyond routes: an app's lifespan, exception handlers and
middleware, each registered the ways FastAPI and Starlette allow."""

from __future__ import annotations

from pathlib import Path

from backendkit.engine import build_project
from backendkit.graphs.calls import build_call_graph
from helpers import write_project

FILES = {
    "app/__init__.py": "",
    "app/hooks.py": (
        "from contextlib import asynccontextmanager\n\n"
        "from starlette.middleware.base import BaseHTTPMiddleware\n\n\n"
        "@asynccontextmanager\n"
        "async def lifespan(app):\n    yield\n\n\n"
        "async def on_value_error(request, exc):\n    return None\n\n\n"
        "async def on_key_error(request, exc):\n    return None\n\n\n"
        "class Timing(BaseHTTPMiddleware):\n"
        "    async def dispatch(self, request, call_next):\n"
        "        return await call_next(request)\n\n\n"
        "class PureAsgi:\n"
        "    def __init__(self, app):\n        self.app = app\n\n"
        "    async def __call__(self, scope, receive, send):\n"
        "        await self.app(scope, receive, send)\n"
    ),
    "app/main.py": (
        "from fastapi import FastAPI\n"
        "from starlette.middleware import Middleware\n\n"
        "from app.hooks import PureAsgi, Timing, lifespan, on_key_error, on_value_error\n\n"
        "app = FastAPI(\n"
        "    lifespan=lifespan,\n"
        "    exception_handlers={KeyError: on_key_error},\n"
        "    middleware=[Middleware(PureAsgi)],\n"
        ")\n"
        "app.add_exception_handler(ValueError, on_value_error)\n"
        "app.add_middleware(Timing)\n\n\n"
        "@app.exception_handler(RuntimeError)\n"
        "async def on_runtime_error(request, exc):\n    return None\n\n\n"
        "@app.middleware('http')\n"
        "async def add_header(request, call_next):\n"
        "    return await call_next(request)\n"
    ),
}


def test_app_hooks_are_framework_edges(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES)
    project, _ = build_project(root, _config(root), use_cache=False)
    graph = build_call_graph(project.index, project.model, project.resolver).graph
    hooks = {
        (target, data["hook"])
        for _, target, data in graph.out_edges("app.main.app", data=True)
        if data["kind"] == "framework"
    }
    assert hooks == {
        ("app.hooks.lifespan", "lifespan"),
        ("app.hooks.on_key_error", "exception handler"),
        ("app.hooks.on_value_error", "exception handler"),
        ("app.main.on_runtime_error", "exception handler"),
        ("app.main.add_header", "middleware"),
        ("app.hooks.Timing.dispatch", "middleware"),
        ("app.hooks.PureAsgi.__init__", "middleware"),
        ("app.hooks.PureAsgi.__call__", "middleware"),
    }
    assert graph.nodes["app.main.app"]["kind"] == "app"
    assert not any(kind == "route" for _, kind in graph.nodes(data="kind"))


def _config(root: Path):
    from backendkit.catalogue import load_catalogue
    from backendkit.config import load_config

    return load_config(root, load_catalogue())
