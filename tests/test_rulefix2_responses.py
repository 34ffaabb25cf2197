"""BK208 with a ``responses=`` the analysis cannot read as a dict display: a project helper
building the dict from a list of codes (Airflow's ``create_openapi_http_exception_doc``) is
read from its argument, a helper returning a dict display is read, and anything else (a
library call, a name bound to an unknown value) documents unknown codes: no finding, rather
than "no responses= documents it"."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

# Airflow's helper (airflow/api_fastapi/core_api/openapi/exceptions.py), shortened
OPENAPI = """\
from collections.abc import Sequence

from pydantic import BaseModel


class HTTPExceptionResponse(BaseModel):
    detail: str


def create_openapi_http_exception_doc(
    responses_status_code: Sequence[int | tuple[int, str]],
) -> dict:
    openapi_responses = []
    for response_status_code in responses_status_code:
        response = {"model": HTTPExceptionResponse}
        if isinstance(response_status_code, tuple):
            status_code, description = response_status_code
            response["description"] = description
        else:
            status_code = response_status_code
        openapi_responses.append((status_code, response))
    return {code: response for code, response in sorted(openapi_responses, key=lambda i: i[0])}


def listed(codes: list[int]) -> dict:
    return dict((code, {"model": HTTPExceptionResponse}) for code in codes)


def common() -> dict:
    return {404: {"description": "Not found"}}
"""

MAIN = """\
import somelib
from fastapi import FastAPI, HTTPException, status

from app.openapi import common, create_openapi_http_exception_doc, listed

app = FastAPI()
ITEMS = {"a": "apple"}
LOADED = somelib.load_responses()


@app.get("/one/{key}", responses=create_openapi_http_exception_doc([status.HTTP_404_NOT_FOUND]))
def one(key: str) -> str:
    if key not in ITEMS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such item")
    return ITEMS[key]


@app.get("/two/{key}", responses=create_openapi_http_exception_doc([404, (400, "Bad")]))
def two(key: str) -> str:
    if not key:
        raise HTTPException(400, "empty")
    if key == "x":
        raise HTTPException(409, "conflict")
    if key not in ITEMS:
        raise HTTPException(404, "no such item")
    return ITEMS[key]


@app.get("/three/{key}", responses=listed([404]))
def three(key: str) -> str:
    if key == "x":
        raise HTTPException(409, "conflict")
    if key not in ITEMS:
        raise HTTPException(404, "no such item")
    return ITEMS[key]


@app.get("/four/{key}", responses=common())
def four(key: str) -> str:
    if key == "x":
        raise HTTPException(409, "conflict")
    if key not in ITEMS:
        raise HTTPException(404, "no such item")
    return ITEMS[key]


@app.get("/five/{key}", responses=somelib.doc([404]))
def five(key: str) -> str:
    if key not in ITEMS:
        raise HTTPException(404, "no such item")
    return ITEMS[key]


@app.get("/six/{key}", responses=LOADED)
def six(key: str) -> str:
    if key not in ITEMS:
        raise HTTPException(404, "no such item")
    return ITEMS[key]


@app.get("/seven/{key}", responses={**LOADED, 409: {}})
def seven(key: str) -> str:
    if key not in ITEMS:
        raise HTTPException(404, "no such item")
    return ITEMS[key]


@app.get("/eight/{key}", responses=None)
def eight(key: str) -> str:
    if key not in ITEMS:
        raise HTTPException(404, "no such item")
    return ITEMS[key]
"""


def _findings(root: Path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    project = write_project(root, {"app/__init__.py": "", **files}, select=["BK208"])
    return sorted((f.path, f.line, f.message) for f in analyze([project]).findings)


def _line(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_helpers_are_read_and_unreadable_responses_are_not_reported(tmp_path: Path) -> None:
    """one: the helper documents 404 (Airflow's pattern, the repro). two: 400 and 404 listed
    (a ``(code, description)`` tuple too), 409 is not: reported for 409 only. three: a
    helper building the dict with ``dict(...)`` from its argument. four: a helper returning a
    dict display documents 404, not 409. five (a library call), six (a name bound to a
    library call's result), seven (a spread of it): unknown codes, not reported. eight:
    ``responses=None`` documents nothing. The message says whether a ``responses=`` exists."""
    found = _findings(tmp_path / "p", {"app/openapi.py": OPENAPI, "app/main.py": MAIN})
    assert [(path, line) for path, line, _ in found] == [
        ("app/main.py", _line(MAIN, '"/two/')),
        ("app/main.py", _line(MAIN, '"/three/')),
        ("app/main.py", _line(MAIN, '"/four/')),
        ("app/main.py", _line(MAIN, '"/eight/')),
    ]
    assert [message.split(" but ")[0] for _, _, message in found] == [
        "Route two raises HTTP 409",
        "Route three raises HTTP 409",
        "Route four raises HTTP 409",
        "Route eight raises HTTP 404",
    ]
    wording = [message.split(" but ")[1].split(" documents it")[0] for _, _, message in found]
    some = "none of the responses= on the route, its router, the include_router call and the app"
    none = "no responses= on the route, its router, the include_router call or the app"
    assert wording == [some, some, some, none]


ROUTER_MAIN = """\
import somelib
from fastapi import APIRouter, FastAPI, HTTPException

app = FastAPI()
admin = FastAPI()
router = APIRouter(responses=somelib.doc())
plain = APIRouter()


@router.get("/a")
def a() -> int:
    raise HTTPException(404)


@plain.get("/b")
def b() -> int:
    raise HTTPException(404)


app.include_router(router)
app.include_router(plain, responses=somelib.doc())
admin.include_router(plain, responses={})
"""


def test_unknown_responses_on_a_router_or_include(tmp_path: Path) -> None:
    """A router's or include's unreadable ``responses=`` may document the code: not reported;
    a router also included along a path documenting nothing is still reported (each path
    must document it)."""
    found = _findings(tmp_path / "r", {"app/main.py": ROUTER_MAIN})
    assert [(path, line) for path, line, _ in found] == [
        ("app/main.py", _line(ROUTER_MAIN, '@plain.get("/b")'))
    ]


FACTORY = """\
from fastapi import APIRouter, HTTPException


def make_router(responses: dict) -> APIRouter:
    router = APIRouter()

    @router.get("/c", responses=responses)
    def c() -> int:
        raise HTTPException(404)

    return router
"""


def test_responses_from_a_parameter_without_callers_is_unknown(tmp_path: Path) -> None:
    """A name bound to a parameter nobody passes a readable dict for: unknown."""
    files = {
        "app/routers.py": FACTORY,
        "app/main.py": "import somelib\nfrom fastapi import FastAPI\n\nfrom app.routers import "
        "make_router\n\napp = FastAPI()\napp.include_router(make_router(somelib.doc()))\n",
    }
    assert _findings(tmp_path / "f", files) == []
