"""BK107 and exceptions whose text the project writes: ``except NotFound as e: raise
HTTPException(404, detail=str(e))`` sends a message the code composed when every construction
of ``NotFound`` (and of its project subclasses) passes literals or f-strings of ids (phoenix,
prefect, open-webui, litellm: about 50 findings); a type built from another exception's text or
from a variable, a library type such as ``ValueError``, or a tuple holding one, is still
reported; so is the handler of such a type, and not the handler of an app-written one."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

ERRORS = """\
ERROR_MESSAGES = {"x": 1}


class NotFound(ValueError):
    def __init__(self, message: str, status_code: int = 404) -> None:
        super().__init__(message)
        self.status_code = status_code


class MissingBlock(NotFound):
    pass


class Wrapped(Exception):
    pass


class Upstream(Exception):
    pass


class TooLarge(Exception):
    pass
"""

MAIN = """\
import httpx
from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse

from app.errors import MissingBlock, NotFound, TooLarge, Upstream, Wrapped

app = FastAPI()
GROUPS: dict[int, str] = {}


def find(group_id: int) -> str:
    if group_id not in GROUPS:
        raise NotFound(f"Group {group_id} not found.", 404)
    if group_id < 0:
        raise MissingBlock("Parent group not found.")
    return GROUPS[group_id]


def fetch(url: str) -> str:
    try:
        return httpx.get(url).text
    except httpx.HTTPError as exc:
        raise Wrapped(str(exc)) from exc


def call(url: str, message: str) -> str:
    if not url:
        raise Upstream(message)
    return url


@app.get("/groups/{group_id}")
def group(group_id: int) -> str:
    try:
        return find(group_id)
    except NotFound as e:
        raise HTTPException(status_code=e.status_code, detail=str(e)) from e


@app.get("/fetch")
def do_fetch(url: str) -> str:
    try:
        return fetch(url)
    except Wrapped as e:
        raise HTTPException(status_code=502, detail=str(e)) from e


@app.get("/call")
def do_call(url: str) -> str:
    try:
        return call(url, "x")
    except (Upstream, NotFound) as e:
        raise HTTPException(status_code=502, detail=str(e)) from e


@app.get("/value")
def value(raw: str) -> int:
    try:
        return int(raw)
    except ValueError as e:
        raise HTTPException(status_code=400, detail=str(e)) from e


def graph(run_id: int, limit: int) -> list:
    if limit > 10:
        raise TooLarge(f"The graph of run {run_id} has more than " f"{limit} nodes.")
    return []


@app.get("/graph/{run_id}")
def do_graph(run_id: int, limit: int) -> list:
    try:
        return graph(run_id, limit)
    except TooLarge as e:
        raise HTTPException(status_code=400, detail=str(e)) from e


@app.exception_handler(NotFound)
async def not_found(request, exc: NotFound):
    return JSONResponse(status_code=404, content={"detail": str(exc)})


@app.exception_handler(Upstream)
async def upstream(request, exc: Upstream):
    return JSONResponse(status_code=502, content={"detail": str(exc)})
"""


def test_app_written_messages_are_not_leaks(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/errors.py": ERRORS, "app/main.py": MAIN}
    root = write_project(tmp_path / "p", files)
    found = [f.line for f in analyze([root], use_cache=False).findings if f.code == "BK107"]
    assert found == [45, 53, 61, 85]


REUSED = """\
import logging

from fastapi import FastAPI, HTTPException

from app.errors import NotFound
from app.main import find

app = FastAPI()
log = logging.getLogger(__name__)


@app.get("/first/{group_id}")
def first(group_id: int) -> str:
    try:
        return find(group_id)
    except NotFound as e:
        raise HTTPException(status_code=404, detail=str(e)) from e
    except Exception as e:
        log.exception("lookup failed: %s", e)
        raise HTTPException(status_code=500, detail="lookup failed") from e


@app.get("/second/{group_id}")
def second(group_id: int) -> str:
    try:
        return find(group_id)
    except Exception as e:
        raise HTTPException(status_code=500, detail=str(e)) from e
    except NotFound as e:
        raise HTTPException(status_code=404, detail=str(e)) from e
"""


def test_a_name_bound_by_two_handlers_is_read_in_the_handler_it_is_used_in(
    tmp_path: Path,
) -> None:
    """``except NotFound as e`` (app-written text) followed by ``except Exception as e`` that
    leaks nothing: the first is no leak (open_webui's groups router, reported before because
    the name's last handler type was taken for every use); the same names the other way round
    report the ``Exception`` handler's use only."""
    assert _bk107_lines(tmp_path, "reused", REUSED) == [28]


NESTED = """\
from fastapi import FastAPI, HTTPException

from app.errors import NotFound
from app.main import find

app = FastAPI()


@app.get("/outer/{group_id}")
def outer(group_id: int) -> str:
    try:
        find(group_id)
    except NotFound as e:
        raise HTTPException(status_code=404, detail=str(e)) from e

    def inner() -> str:
        try:
            return find(group_id)
        except Exception as e:
            raise HTTPException(status_code=500, detail=str(e)) from e

    return inner()


@app.get("/nested/{group_id}")
def nested(group_id: int) -> str:
    try:
        return find(group_id)
    except Exception as e:
        try:
            find(-group_id)
        except NotFound as e:
            raise HTTPException(status_code=404, detail=str(e)) from e
        raise HTTPException(status_code=500, detail=str(e)) from e
"""


def test_a_use_reads_the_handler_it_is_in_not_one_above_or_before_it(tmp_path: Path) -> None:
    """A review's holes: a nested function's ``except Exception as e`` after the outer
    function's ``except NotFound as e``, and a use after an inner ``except NotFound as e``
    inside an ``except Exception as e``, are the ``Exception``'s: reported."""
    assert _bk107_lines(tmp_path, "nested", NESTED) == [20, 34]


def _bk107_lines(tmp_path: Path, name: str, source: str) -> list[int]:
    """The BK107 lines of ``app/<name>.py`` (``source``) in a project with ``ERRORS`` and
    ``MAIN``."""
    files = {
        "app/__init__.py": "",
        "app/errors.py": ERRORS,
        "app/main.py": MAIN,
        f"app/{name}.py": source,
    }
    root = write_project(tmp_path / "p", files)
    found = analyze([root], use_cache=False).findings
    return [f.line for f in found if f.code == "BK107" and f.path == f"app/{name}.py"]
