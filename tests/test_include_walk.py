"""``IncludeWalk``: the one walk of app -> include -> router paths that the route inventory, the
call graph's framework edges and BK208 fold their values along."""

from __future__ import annotations

from pathlib import Path

from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.engine import build_project
from backendkit.project.appmodel import AppModel, AppObject, Include, Mount
from backendkit.project.walk import IncludeWalk
from helpers import write_project

MAIN = """\
from fastapi import APIRouter, FastAPI

shared = APIRouter(prefix="/shared")
users = APIRouter(prefix="/users")
loop = APIRouter(prefix="/loop")
admin = FastAPI()
app = FastAPI()


@shared.get("/ping")
def ping() -> str:
    return "pong"


loop.include_router(loop, prefix="/again")
users.include_router(shared)
app.include_router(users, prefix="/v1")
app.include_router(shared, prefix="/v2")
app.include_router(loop)
app.mount("/admin", admin)
app.mount("/static", object())
admin.include_router(shared)
"""


def _name(obj: AppObject) -> str:
    return obj.display.rpartition(":")[2]


class _Paths(IncludeWalk[str]):
    """Records the path prefix reaching each object, and every hook call in order."""

    def __init__(self) -> None:
        super().__init__("")
        self.events: list[str] = []

    def enter(self, obj: AppObject, above: str) -> str:
        here = f"{above}{obj.prefix}"
        self.events.append(f"enter {_name(obj)} {here}")
        return here

    def include(self, inc: Include, here: str) -> str:
        return f"{here}{inc.prefix}"

    def leave(self, obj: AppObject, above: str, here: str) -> None:
        self.events.append(f"leave {_name(obj)}")

    def mount(self, mount: Mount, above: str) -> str:
        return f"{above}{mount.path}"

    def foreign_mount(self, obj: AppObject, mount: Mount, above: str) -> None:
        self.events.append(f"foreign {above}{mount.path}")


def _model(tmp_path: Path) -> AppModel:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    project, _files = build_project(root, load_config(root, load_catalogue()))
    return project.model


def test_every_path_in_order_with_cycles_cut_and_mounts_afresh(tmp_path: Path) -> None:
    walk = _Paths()
    walk.walk(_model(tmp_path))
    assert walk.events == [
        "enter app ",
        "enter users /v1/users",
        "enter shared /v1/users/shared",
        "leave shared",
        "leave users",
        "enter shared /v2/shared",
        "leave shared",
        "enter loop /loop",  # its include of itself is a cycle: not entered again
        "leave loop",
        "leave app",
        "enter admin /admin",  # a mounted app: the mount path, nothing else it inherits
        "enter shared /admin/shared",
        "leave shared",
        "leave admin",
        "foreign /static",
    ]


def test_only_apps_nobody_mounts_and_routers_nobody_includes_are_roots(tmp_path: Path) -> None:
    model = _model(tmp_path)
    assert [_name(root) for root in model.roots()] == ["app"]
    walk = _Paths()
    walk.walk_from(model.roots()[0])
    assert walk.events[-1] == "foreign /static"
