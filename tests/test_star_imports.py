"""``from mod import *``: a project module's public names (or exactly its static ``__all__``)
are bound in the importing module, through chains of star imports, with cycles cut; the
binding on the latest line wins, and answers do not depend on what was looked up first."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from backendkit.catalogue import load_catalogue
from backendkit.config import load_config
from backendkit.engine import build_project
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx, ModuleSym, Symbol, Unresolved, VarSym
from helpers import write_project

USERS = """\
from fastapi import APIRouter

router = APIRouter(prefix="/users")


@router.get("/me")
def me() -> dict:
    return {}
"""

OPEN = """\
from fastapi import APIRouter

open_router = APIRouter(prefix="/open")


@open_router.get("/things")
def things() -> dict:
    return {}
"""

MAIN = """\
from fastapi import Depends, FastAPI
from fastapi.security import HTTPBearer

from app.routes import open_router, router

app = FastAPI()
app.include_router(router, prefix="/api", dependencies=[Depends(HTTPBearer())])
app.include_router(open_router)
"""


def test_router_re_exported_by_a_star_import_is_included(tmp_path: Path) -> None:
    """The trial's project: ``GET /api/users/me`` is required by the include's HTTPBearer, no
    include row is left unresolved, and the open router next to it is still reported."""
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/routes/__init__.py": "from .users import *\nfrom .open import *\n",
            "app/routes/users.py": USERS,
            "app/routes/open.py": OPEN,
            "app/main.py": MAIN,
        },
    )
    result = analyze([root])
    routes = {f"{' '.join(r.methods)} {r.path}": r for r in result.routes}
    assert sorted(routes) == ["GET /api/users/me", "GET /open/things"]
    me = routes["GET /api/users/me"]
    assert (me.app, me.auth, me.dependencies, me.notes) == (
        "app.main:app",
        "required",
        ("HTTPBearer()",),
        (),
    )
    bk101 = [(f.path, f.line) for f in result.findings if f.code == "BK101"]
    assert bk101 == [("app/routes/open.py", 6)]


FILES = {
    "pkg/__init__.py": "from .mid import *\n",
    "pkg/mid.py": "from .a import *\nfrom .b import *\n",
    "pkg/a.py": "__all__ = ['listed']\nlisted = 1\nunlisted = 2\n",
    "pkg/inner/__init__.py": "__all__ = ['leaf']\n",
    "pkg/inner/leaf.py": "x = 0\n",
    "pkg/use_inner.py": "from .inner import *\n",
    "pkg/b.py": "public = 3\n_private = 4\n",
    # a cycle of star imports, each module binding one name of its own
    "pkg/c1.py": "from .c2 import *\none = 1\n",
    "pkg/c2.py": "from .c1 import *\ntwo = 2\n",
    # the latest binding wins: an explicit import before a star import providing the name ...
    "pkg/late_star.py": "from .a import listed as public\nfrom .b import *\n",
    # ... a star import before an explicit binding, and a star import not providing the name
    "pkg/late_name.py": "from .b import *\npublic = 'own'\nfrom .a import *\n",
    "pkg/use.py": "from pkg import *\n",
    "pkg/dynamic.py": "public = 1\n_private = 5\n__all__ = ['public']\n__all__ += ['_private']\n",
    "pkg/grown.py": "from .b import *\n__all__ = ['other']\n__all__.append('public')\n",
    "pkg/via_dynamic.py": "from .dynamic import *\nfrom .grown import *\n",
}


def _index(tmp_path: Path) -> ProjectIndex:
    root = write_project(tmp_path / "p", FILES)
    project, _files = build_project(root, load_config(root, load_catalogue()))
    return project.index


def _lookup(index: ProjectIndex, module: str, name: str) -> Symbol:
    summary = index.modules[module]
    return index.lookup(name, Ctx(summary, (summary.scope,)))


def _where(symbol: Symbol) -> str:
    """``module:name`` of a variable, ``module`` of a module, ``-`` when unresolved."""
    if isinstance(symbol, VarSym):
        return symbol.qualname
    if isinstance(symbol, ModuleSym):
        return symbol.module
    assert isinstance(symbol, Unresolved), symbol
    return "-"


QUERIES = [
    ("pkg", "listed", "pkg.a:listed"),
    ("pkg", "unlisted", "-"),  # not in a's static __all__
    ("pkg.use_inner", "leaf", "pkg.inner.leaf"),  # a submodule named in __all__
    ("pkg", "public", "pkg.b:public"),
    ("pkg", "_private", "-"),  # no __all__ in b: names starting with _ are not exported
    ("pkg.use", "listed", "pkg.a:listed"),  # three star imports deep
    ("pkg.c1", "two", "pkg.c2:two"),
    ("pkg.c2", "one", "pkg.c1:one"),
    ("pkg.c1", "three", "-"),  # the cycle ends
    ("pkg.late_star", "public", "pkg.b:public"),
    ("pkg.late_name", "public", "pkg.late_name:public"),
    # a __all__ grown by += of static lists is still static; one grown by a call is not
    # (every public name is exported then)
    ("pkg.via_dynamic", "_private", "pkg.dynamic:_private"),
    ("pkg.via_dynamic", "public", "pkg.b:public"),
]


def test_star_imports_bind_public_names_through_chains_and_cycles(tmp_path: Path) -> None:
    """Each query, asked first of a fresh index and asked after all the others in reverse
    order, gives the same answer."""
    forward = _index(tmp_path / "forward")
    backward = _index(tmp_path / "backward")
    expected = [where for *_query, where in QUERIES]
    backward_answers = [_where(_lookup(backward, m, n)) for m, n, _ in reversed(QUERIES)]
    assert [_where(_lookup(forward, m, n)) for m, n, _ in QUERIES] == expected
    assert list(reversed(backward_answers)) == expected


def test_a_star_cycle_is_not_memoised_where_it_was_cut(tmp_path: Path) -> None:
    """Asking through the cycle from c1 then from c2 gives the same answers as the reverse."""
    first, second = _index(tmp_path / "one"), _index(tmp_path / "two")
    a = [_where(_lookup(first, "pkg.c1", "one")), _where(_lookup(first, "pkg.c2", "one"))]
    b = [_where(_lookup(second, "pkg.c2", "one")), _where(_lookup(second, "pkg.c1", "one"))]
    assert a == [b[1], b[0]] == ["pkg.c1:one", "pkg.c1:one"]


def test_unresolved_project_router_note_names_its_module(tmp_path: Path) -> None:
    """An included name imported from a project module that does not bind it says so; a
    router from a library keeps the general wording."""
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/routes/__init__.py": "from .users import *\n",
            "app/routes/users.py": USERS,
            "app/main.py": (
                "from fastapi import FastAPI\nfrom lib import lib_router\n\n"
                "from app.routes import missing\n\napp = FastAPI()\n"
                "app.include_router(missing)\napp.include_router(lib_router)\n"
            ),
        },
    )
    project, _files = build_project(root, load_config(root, load_catalogue()))
    (app,) = [obj for obj in project.model.objects.values() if obj.kind == "app"]
    assert [(m.target, m.note) for m in app.opaque] == [
        (
            "missing",
            "missing from project module app.routes could not be resolved (app.routes has no "
            "attribute missing): its routes are not analysed",
        ),
        ("lib_router", ""),
    ]
