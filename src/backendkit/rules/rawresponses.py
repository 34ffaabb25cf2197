"""Routes whose response is no JSON body (BK203): a file, a stream, a redirect, HTML, plain
text or a rendered template. FastAPI sends a ``Response`` the handler returns as it is, and a
``response_class`` such as ``HTMLResponse`` documents the media type; a response model can
neither describe nor filter such a body, so asking for one is a false alarm (khoj's and
open_webui's page routes, litellm's file downloads)."""

from __future__ import annotations

from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx, External, Instance, Value
from backendkit.result import Route
from backendkit.rules.support import find_class, find_function
from backendkit.summary.model import Call, Const, DictExpr, Expr, Name

#: response classes of FastAPI, Starlette and sse-starlette whose body is not JSON
NOT_JSON = frozenset(
    {
        "Response",
        "HTMLResponse",
        "PlainTextResponse",
        "RedirectResponse",
        "StreamingResponse",
        "FileResponse",
        "EventSourceResponse",
    }
)
JSON = frozenset({"JSONResponse", "ORJSONResponse", "UJSONResponse"})
PACKAGES = ("fastapi", "starlette", "sse_starlette")


def raw_response(index: ProjectIndex, route: Route) -> bool:
    """Whether the route declares a response class that is no JSON, or its handler returns
    only such responses (instances of those classes, or ``templates.TemplateResponse(...)``)."""
    if route.response_class is not None:
        declared = _class_named(index, route.response_class)
        if not _not_json(index, declared):
            return False
        if not _plain(declared):
            return True  # a plain Response says nothing of the body: the returns tell
    handler = find_function(index, route.handler)
    if handler is None or not handler.info.scope.returns:
        return False
    body = handler.ctx.enter(handler.info)
    return all(_raw(index, returned, body) for returned in handler.info.scope.returns)


def _raw(index: ProjectIndex, returned: Expr, ctx: Ctx) -> bool:
    """A returned response whose body is no JSON: a template, an instance of such a class,
    or a plain ``Response(...)`` whose ``media_type`` is not JSON."""
    if _template(returned):
        return True
    value = index.value(returned, ctx)
    if not (isinstance(value, Instance) and _not_json(index, value.cls)):
        return False
    if not _plain(value.cls):
        return True
    # Response(content, status_code, headers, media_type): no JSON unless a literal says so
    if _json_header(value.call.arg(2, "headers")):
        return False
    media = value.call.arg(3, "media_type")
    return media is None or not _json_text(index.value(media, ctx))


def _plain(cls: Value) -> bool:
    """Starlette's (or FastAPI's) ``Response`` itself, whose body is whatever it is given."""
    return isinstance(cls, External) and cls.last == "Response"


def _class_named(index: ProjectIndex, qualname: str) -> Value:
    """The class ``Route.response_class`` names: the project's (``pkg.mod:Cls``) or a
    library's (``starlette.responses.FileResponse``)."""
    if ":" in qualname:
        return find_class(index, qualname)
    return External(qualname)


def _not_json(index: ProjectIndex, cls: Value) -> bool:
    """A library response class that is no JSON, or a project class deriving from one and
    from no JSON response class, whose own ``media_type`` (if it sets one) is a literal that
    names no JSON (FastAPI's docs subclass ``Response`` with ``media_type =
    "application/json"`` to render JSON their own way)."""
    if isinstance(cls, ClassSym):
        media = _media_type(index, cls)
        if media is not None:
            return not _json_text(index.value(media, cls.ctx))
        bases = index.external_bases(cls)
    elif isinstance(cls, External):
        bases = [cls]
    else:
        return False
    names = {base.last for base in bases if base.is_from(*PACKAGES)}
    return bool(names & NOT_JSON) and not names & JSON


def _media_type(index: ProjectIndex, cls: ClassSym) -> Expr | None:
    """The ``media_type = ...`` a project class of ``cls``'s bases sets first, if any."""
    for klass in index.mro(cls):
        assigns = klass.info.scope.assigns.get("media_type")
        if assigns:
            return assigns[-1].value
    return None


def _json_text(value: object) -> bool:
    """A media type naming JSON (``application/json``, ``application/vnd.api+JSON``). A value
    the analysis cannot read (``stored.content_type``, a file's) is taken for none: a
    constant naming JSON reads as one."""
    return isinstance(value, str) and "json" in value.lower()


def _json_header(headers: Expr | None) -> bool:
    """``headers={"Content-Type": ...}`` whose value may name JSON (a dict of other headers,
    ``Content-Disposition`` for a download, says nothing of the body)."""
    if not isinstance(headers, DictExpr):
        return False
    for key, value in headers.items:
        if isinstance(key, Const) and str(key.value).lower() == "content-type":
            return not (isinstance(value, Const) and not _json_text(value.value))
    return False


def _template(expr: object) -> bool:
    """``templates.TemplateResponse(...)``: Jinja2Templates renders HTML."""
    return (
        isinstance(expr, Call)
        and isinstance(expr.func, Name)
        and expr.func.dotted.rpartition(".")[2] == "TemplateResponse"
    )


#: BK203 examples
RAW_EXAMPLE = """\
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

app = FastAPI()
templates = Jinja2Templates(directory="templates")


@app.get("/page", response_class=HTMLResponse)
async def page():
    return "<h1>Hello</h1>"


@app.get("/report")
async def report(ready: bool):
    if not ready:
        return RedirectResponse("/wait")
    response = FileResponse("report.pdf")
    return response


@app.get("/home")
async def home(request: Request):
    return templates.TemplateResponse(request, "home.html")
"""

RAW_OR_JSON_EXAMPLE = """\
from fastapi import FastAPI, Response
from fastapi.responses import FileResponse, ORJSONResponse

app = FastAPI()


@app.get("/report")  # expect: BK203
async def report(ready: bool):
    if not ready:
        return {"status": "pending"}
    return FileResponse("report.pdf")


@app.get("/items", response_class=ORJSONResponse)  # expect: BK203
async def items():
    return [{"name": "x"}]


@app.get("/filters", response_class=Response)  # expect: BK203
async def filters():
    return Response(content='["a"]', media_type="application/json")
"""
