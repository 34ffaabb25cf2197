"""BK203 and bodies that are no JSON (``rules/rawresponses.py``), against the holes a review
found: a project ``Response`` subclass rendering JSON (FastAPI's docs' custom response), and
a plain ``Response`` whose media type or headers may say JSON, are still reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

APP = """\
from fastapi import FastAPI, Response

app = FastAPI()
JSON_TYPE = "application/json"


class CustomJSON(Response):
    media_type = "application/json"


class Csv(Response):
    media_type = "text/csv"


@app.get("/a", response_class=CustomJSON)
async def a():
    return {"message": "Hello"}


@app.get("/b")
async def b():
    return Response('{"a": 1}', media_type=JSON_TYPE)


@app.get("/c")
async def c():
    return Response('{"a": 1}', headers={"Content-Type": "application/json"})


@app.get("/d")
async def d():
    return Response("{}", media_type="application/vnd.api+JSON")


@app.get("/e", response_class=Csv)
async def e():
    return "a,b\\n"


@app.get("/f")
async def f():
    return Response(b"\\x89PNG", media_type="image/png")
"""


def test_json_bodies_in_custom_or_plain_responses_are_still_reported(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p", {"app/__init__.py": "", "app/main.py": APP}, select=["BK203"]
    )
    found = [f.line for f in analyze([root], use_cache=False).findings]
    assert found == [15, 20, 25, 30]


CREATES = """\
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel

app = FastAPI()


class Item(BaseModel):
    name: str


class AppError(Exception):
    status_code = 409


@app.post("/items")
def create_item(item: Item) -> Item:
    try:
        return item
    except AppError as exc:
        return JSONResponse({"detail": "bad"}, status_code=exc.status_code)


@app.post("/lessons/{lesson_id}/completion")
def create_lesson_completion(lesson_id: int) -> dict:
    return {}


@app.post("/v1/proxy")
def create_proxy(upstream: JSONResponse) -> JSONResponse:
    return JSONResponse({}, status_code=upstream.status_code)
"""


def test_bk201_error_paths_and_stored_completions_are_still_reported(tmp_path: Path) -> None:
    """A review's holes: an error response of unknown status beside a plain success, and a
    stored "completion" at a path no OpenAI-compatible API has, still answer 200; a proxy
    passing its upstream's status on is not reported."""
    files = {"app/__init__.py": "", "app/main.py": CREATES}
    root = write_project(tmp_path / "p", files, select=["BK201"])
    found = [f.line for f in analyze([root], use_cache=False).findings]
    assert found == [16, 24]


DOWNLOADS = """\
from fastapi import FastAPI, Response

app = FastAPI()
PDF = "application/pdf"


class PDFResponse(Response):
    media_type = PDF


class Stored:
    data: bytes = b""
    content_type: str = "text/plain"


@app.get("/export")
async def export():
    return Response(content="a,b", media_type="text/csv", headers={"Content-Disposition": "x"})


@app.get("/files/{name}")
async def download(name: str):
    stored = Stored()
    return Response(content=stored.data, media_type=stored.content_type)


@app.get("/pixel")
async def pixel():
    return Response(b"GIF89a", 200, {"Cache-Control": "no-store"}, "image/gif")


@app.get("/report", response_class=PDFResponse)
async def report():
    return b"%PDF"
"""


def test_downloads_with_headers_or_a_stored_media_type_are_no_json(tmp_path: Path) -> None:
    """A third review: a download's headers, a media type read from the stored file, the
    positional form, and a class whose media type is a constant naming no JSON."""
    files = {"app/__init__.py": "", "app/main.py": DOWNLOADS}
    root = write_project(tmp_path / "p", files, select=["BK203"])
    assert analyze([root], use_cache=False).findings == []


PROXY = """\
import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()


@app.post("/jobs")
async def create_job(payload: dict) -> JSONResponse:
    if not payload:
        return JSONResponse({"detail": "empty"}, status_code=400)
    upstream = httpx.post("http://jobs/", json=payload)
    return JSONResponse(upstream.json(), status_code=upstream.status_code)
"""


def test_bk201_a_proxy_with_an_error_branch_answers_its_upstream_s_status(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/main.py": PROXY}
    root = write_project(tmp_path / "p", files, select=["BK201"])
    assert analyze([root], use_cache=False).findings == []


COMPAT = """\
from pydantic import BaseModel

PYDANTIC_V2 = True


class CompatModel(BaseModel):
    def dict(self, **kwargs) -> dict:
        return self.model_dump(**kwargs)


class Team(CompatModel):
    name: str

    def dict(self, **kwargs) -> dict:
        kwargs.setdefault("exclude_none", True)
        return super().dict(**kwargs)


class Shim(BaseModel):
    def json(self, **kwargs) -> str:
        if PYDANTIC_V2:
            return self.model_dump_json(**kwargs)
        return super().json(**kwargs)


class Legacy(BaseModel):
    def dict(self, **kwargs) -> dict:
        return super().dict(by_alias=True, **kwargs)


class Order(BaseModel):
    team: Team

    def dict(self, **kwargs) -> dict:
        data = super().dict(**kwargs)
        data["team"] = self.team.model_dump()
        return data


def rows(team: Team, shim: Shim, legacy: Legacy, order: Order) -> tuple:
    first = team.dict()
    second = shim.json()
    third = legacy.dict()
    fourth = order.dict()
    return first, second, third, fourth
"""


def test_bk404_follows_super_to_the_project_s_method_or_a_v2_shim(tmp_path: Path) -> None:
    """A third review: an override handing on to a project base's own ``dict`` (which calls
    ``model_dump``), and a v1/v2 shim, are the project's; a plain override of Pydantic's v1
    method is still reported, and so is one whose v2 call is on a field (a fourth review)."""
    files = {"app/__init__.py": "", "app/models.py": COMPAT}
    root = write_project(tmp_path / "p", files, select=["BK404"])
    assert [f.line for f in analyze([root], use_cache=False).findings] == [43, 44]
