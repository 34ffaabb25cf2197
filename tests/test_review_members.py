"""Method parameters (``self.setup(router)``) are found whatever other calls of the same
method name the project makes: the callers are filtered before they are capped, the class's
own calls first; an unbound call ``Cls.method(self, router)`` passes its arguments at their
own positions. Checked against FastAPI's own route list."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project
from truth import fastapi_truth

MAIN = """\
from fastapi import APIRouter, FastAPI


class Server:
    def __init__(self):
        self.app = FastAPI()
        router = APIRouter(prefix="/api")
        self.setup(router)
        admin = APIRouter(prefix="/admin")
        Server.extra(self, admin)
        self.app.include_router(router)
        self.app.include_router(admin)

    def setup(self, router):
        @router.get("/items")
        def items() -> list:
            return []

    def extra(self, router):
        @router.get("/stats")
        def stats() -> list:
            return []


server = Server()
app = server.app
"""

OTHER = "class Thing:\n    def setup(self, x):\n        return x\n\n    def extra(self, x):\n"
OTHER += "        return x\n\n\nthing = Thing()\n"
OTHER += "".join(f"thing.setup({n})\nthing.extra({n})\n" for n in range(40))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An app whose router is handed to methods, beside 40 unrelated calls of each name."""
    files = {"app/__init__.py": "", "app/main.py": MAIN, "app/a_other.py": OTHER}
    return write_project(tmp_path_factory.mktemp("members") / "p", files, select=["BK101"])


def test_routes_as_fastapi_serves_them(project: Path) -> None:
    served = sorted(path for _method, path, _secured in fastapi_truth(project, "app.main:app"))
    found = sorted(r.path for r in analyze([project]).routes)
    assert served == found == ["/admin/stats", "/api/items"]
