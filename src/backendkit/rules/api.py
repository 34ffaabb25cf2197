"""API contract rules: BK201 create without 201, BK202 delete without 204, BK203 no response
model, BK204 list endpoint without pagination."""

from __future__ import annotations

import re
from collections.abc import Iterable

from backendkit.findings import Finding
from backendkit.project.deps import DepNode
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx, External, FuncSym, VarSym
from backendkit.result import Route
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.ownstatus import DefaultStatus
from backendkit.rules.queryloops import fixed_size
from backendkit.rules.rawresponses import (
    RAW_EXAMPLE,
    RAW_OR_JSON_EXAMPLE,
    raw_response,
)
from backendkit.rules.support import (
    find_class,
    find_function,
    http_routes,
    is_pydantic_model,
    model_fields,
    unwrap_annotation,
)
from backendkit.summary.model import Call, Const, DictExpr, Expr, Name, Param, Scope, Seq, Subscript

CREATE_HANDLER = re.compile(r"^(create|add|new|insert|register|signup|upload)(_|$)")
#: what OpenAI-compatible APIs "create" and answer 200 for: a computation, no stored resource
#: (the handler's name and the API's path both say so)
COMPUTED = re.compile(
    r"(^|_)(completions?|embeddings?|moderations?|transcriptions?|translations?|speech)(_|$)"
)
OPENAI_PATH = re.compile(
    r"/(chat/completions|completions|embeddings|moderations|audio/(transcriptions|translations"
    r"|speech))/?$"
)
LIST_MODEL = re.compile(r"^(list|List|Sequence|Iterable|set|Set|tuple|Tuple)\[")
PAGE_PARAMS = frozenset(
    {
        "limit",
        "offset",
        "page",
        "page_size",
        "per_page",
        "size",
        "cursor",
        "skip",
        "after",
        "before",
        "first",
        "last",
        "pagination",
        "paginator",
        "params",
        "top_k",
        "max_results",
        "num_results",
        "max_items",
    }
)
_ALIAS_DEPTH = 4
_RESPONSE_CLASSES = re.compile(r"(Response|Redirect|Streaming|FileResponse|HTML|PlainText)")

_APP = """\
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Item(BaseModel):
    name: str
"""


def _short(route: Route) -> str:
    return route.handler.rpartition(":")[2].rpartition(".")[2]


def _label(route: Route) -> str:
    return f"{'|'.join(route.methods)} {route.path}"


class CreateStatusRule(ProjectRule):
    """BK201: a POST that creates a resource answers 200 instead of 201."""

    code = "BK201"
    cost = 0.1
    VALID = (
        Example(
            _APP + "\n\n@app.post('/items', status_code=201)\n"
            "def create_item(item: Item) -> Item:\n    return item\n"
        ),
        Example(
            "from http import HTTPStatus\n\n" + _APP + "\n\n"
            "@app.post('/items', status_code=HTTPStatus.CREATED)\n"
            "def create_item(item: Item) -> Item:\n    return item\n",
            note="Python's http.HTTPStatus",
        ),
        Example(
            "from fastapi import Response\n\n" + _APP + "\n\n@app.post('/items')\n"
            "def create_item(item: Item, response: Response) -> Item:\n"
            "    response.status_code = 201\n    return item\n",
            note="the handler sets the status on the Response FastAPI passes it",
        ),
        Example(
            _APP + "\n\n@app.post('/v1/chat/completions')\n"
            "def create_chat_completion(item: Item) -> Item:\n    return item\n",
            note="an OpenAI-compatible computation answers 200 by that API's contract",
        ),
        Example(
            "from fastapi.responses import JSONResponse\n\n" + _APP + "\n\n@app.post('/items')\n"
            "def create_item(item: Item) -> JSONResponse:\n"
            "    return JSONResponse(item.model_dump(), status_code=201)\n",
            note="the handler returns a response built with 201",
        ),
    )
    INVALID = (
        Example(
            _APP + "\n\n@app.post('/items')  # expect: BK201\n"
            "def create_item(item: Item) -> Item:\n    return item\n"
        ),
        Example(
            "from fastapi import Response\n\n" + _APP + "\n\n@app.post('/items')  # expect: BK201\n"
            "def create_item(item: Item, response: Response) -> Item:\n"
            "    response.headers['X-Item'] = item.name\n    return item\n",
            note="a Response parameter whose status the handler never sets",
        ),
        Example(
            "from fastapi.responses import JSONResponse\n\n" + _APP + "\n\n"
            "@app.post('/items')  # expect: BK201\n"
            "def create_item(item: Item):\n    if not item.name:\n"
            "        return JSONResponse({'detail': 'no name'}, status_code=400)\n"
            "    return item\n",
            note="an error response built with its status says nothing of the success's",
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """POST routes whose handler creates (by its name) and that keep the default 200."""
        default = DefaultStatus(ctx)
        for route in http_routes(ctx):
            if "POST" not in route.methods or not default.kept(route):
                continue
            name = _short(route)
            computed = COMPUTED.search(name) and OPENAI_PATH.search(route.path)
            if CREATE_HANDLER.match(name) and not computed:
                yield self.finding(
                    route.file,
                    route.line,
                    f"Route {_label(route)} creates a resource but answers 200; declare "
                    "status_code=201 (status.HTTP_201_CREATED) in the decorator",
                    extra={"alt_lines": [route.def_line]},
                )


class DeleteStatusRule(ProjectRule):
    """BK202: a DELETE that returns no body answers 200 instead of 204."""

    code = "BK202"
    cost = 0.1
    VALID = (
        Example(
            _APP + "\n\n@app.delete('/items/{item_id}', status_code=204)\n"
            "def delete_item(item_id: int) -> None:\n    return None\n"
        ),
        Example(
            "from http import HTTPStatus\n\n" + _APP + "\n\n"
            "@app.delete('/items/{item_id}', status_code=HTTPStatus.NO_CONTENT)\n"
            "def delete_item(item_id: int) -> None:\n    return None\n",
            note="Python's http.HTTPStatus",
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/compat.py": "class _Status:\n"
                "    def __getattr__(self, name: str) -> int:\n        return 204\n\n\n"
                "status = _Status()\n",
                "app/main.py": "from app.compat import status\n" + _APP + "\n\n"
                "@app.delete('/items/{item_id}', status_code=status.HTTP_204_NO_CONTENT)\n"
                "def delete_item(item_id: int) -> None:\n    return None\n",
            },
            note="a status the analysis cannot evaluate is unknown, not the default",
        ),
        Example(
            _APP + "\n\n@app.delete('/items/{item_id}')\n"
            "def delete_item(item_id: int):\n    return {'ok': True}\n",
            note="no annotation, but it returns a body: a 204 would drop it",
        ),
        Example(
            "from fastapi.responses import JSONResponse\n\n" + _APP + "\n\n"
            "@app.delete('/items/{item_id}', response_model=None)\n"
            "def delete_item(item_id: int):\n"
            "    return JSONResponse(status_code=200, content={'message': 'deleted'})\n",
            note="response_model=None documents no schema, but the handler still sends a body",
        ),
        Example(
            _APP + "\n\n@app.delete('/items/{item_id}', response_model=None)\n"
            "def delete_item(item_id: int):\n    return {'deleted': item_id}\n",
            note="response_model=None and a dict: FastAPI sends the dict as it is",
        ),
    )
    INVALID = (
        Example(
            _APP + "\n\n@app.delete('/items/{item_id}')  # expect: BK202\n"
            "def delete_item(item_id: int) -> None:\n    return None\n"
        ),
        Example(
            _APP + "\n\n@app.delete('/items/{item_id}')  # expect: BK202\n"
            "def delete_item(item_id: int):\n    print(item_id)\n",
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """DELETE routes that keep the default status and whose handler returns nothing:
        no response model (none declared, ``response_model=None`` or ``-> None``) and no
        ``return`` with a value other than ``None``. A handler that returns a body (a dict, a
        ``JSONResponse``) is not reported whatever its declarations say: FastAPI sends that
        body, and a 204 would drop it."""
        default = DefaultStatus(ctx)
        for route in http_routes(ctx):
            if "DELETE" not in route.methods or not default.kept(route):
                continue
            if route.response_model in (None, "None") and not _returns_a_value(ctx, route):
                yield self.finding(
                    route.file,
                    route.line,
                    f"Route {_label(route)} returns no body but answers 200; declare "
                    "status_code=204 (status.HTTP_204_NO_CONTENT)",
                    extra={"alt_lines": [route.def_line]},
                )


def _returns_a_value(ctx: ProjectContext, route: Route) -> bool:
    """Whether the handler returns something other than None (``return None``, a bare
    ``return`` and falling off the end return nothing); an unresolved handler counts as
    returning a value, so no 204 is suggested for it."""
    handler = find_function(ctx.index, route.handler)
    if handler is None:
        return True
    return any(not (isinstance(r, Const) and r.value is None) for r in handler.info.scope.returns)


class ResponseModelRule(ProjectRule):
    """BK203: a route with neither a response model nor a return annotation."""

    code = "BK203"
    cost = 0.1
    VALID = (
        Example(
            _APP + "\n\n@app.get('/items/{item_id}', response_model=Item)\n"
            "def read_item(item_id: int):\n    return {'name': 'x'}\n"
        ),
        Example(RAW_EXAMPLE, note="HTML, a file, a redirect, a template: no JSON body to describe"),
    )
    INVALID = (
        Example(
            _APP + "\n\n@app.get('/items/{item_id}')  # expect: BK203\n"
            "def read_item(item_id: int):\n    return {'name': 'x'}\n"
        ),
        Example(RAW_OR_JSON_EXAMPLE, note="a JSON body on some path, or a JSON response class"),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Routes whose response schema is undeclared (and not a plain Response, nor a body
        that is no JSON: ``rawresponses``)."""
        for route in http_routes(ctx):
            if route.response_model is not None or route.status_code == 204:
                continue
            if raw_response(ctx.index, route):
                continue
            yield self.finding(
                route.file,
                route.line,
                f"Route {_label(route)} declares no response model or return annotation, so "
                "its OpenAPI schema is empty and nothing filters what it returns; annotate "
                "the return type (-> ItemPublic) or pass response_model=",
                extra={"alt_lines": [route.def_line]},
            )


class PaginationRule(ProjectRule):
    """BK204: a GET that returns a list has no limit/offset/page/cursor parameter."""

    code = "BK204"
    cost = 0.1
    VALID = (
        Example(
            _APP + "\n\n@app.get('/items')\n"
            "def list_items(skip: int = 0, limit: int = 100) -> list[Item]:\n"
            "    return []\n"
        ),
        Example(
            _APP + "\n\nCOUNTRIES = ('FR', 'DE', 'IT')\n\n\n@app.get('/countries')\n"
            "def countries() -> list[str]:\n    return list(COUNTRIES)\n",
            note="a list the code writes does not grow with the data",
        ),
        Example(
            "from typing import Annotated\n\nfrom fastapi import Query\n\n" + _APP + "\n\n"
            "class Window(BaseModel):\n    limit: int = 20\n    offset: int = 0\n\n\n"
            "@app.get('/items')\n"
            "def list_items(window: Annotated[Window, Query()]) -> list[Item]:\n"
            "    return []\n",
            note="a query parameter model (FastAPI 0.115+) with paging fields",
        ),
    )
    INVALID = (
        Example(
            _APP + "\n\n@app.get('/items')  # expect: BK204\n"
            "def list_items() -> list[Item]:\n    return []\n"
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """List-returning GET routes without paging parameters, directly or in dependencies."""
        for route in http_routes(ctx):
            if "GET" not in route.methods or not LIST_MODEL.match(route.response_model or ""):
                continue
            if self._paged(ctx, route):
                continue
            yield self.finding(
                route.file,
                route.line,
                f"Route {_label(route)} returns a list without pagination; take limit/offset "
                "(or page/cursor) parameters with a capped maximum, or return a page object",
                extra={"alt_lines": [route.def_line]},
            )

    @staticmethod
    def _paged(ctx: ProjectContext, route: Route) -> bool:
        handler = find_function(ctx.index, route.handler)
        if handler is None or _fixed_list(ctx.index, handler):
            return True  # cannot tell, or a list the code writes: stay quiet
        names = _query_names(ctx.index, handler)
        stack: list[DepNode] = list(ctx.resolver.param_dependencies(handler))
        while stack and not names & PAGE_PARAMS:
            node = stack.pop()
            if node.func is not None:
                names |= _query_names(ctx.index, node.func)
            elif node.kind == "class":
                names |= _class_names(ctx.index, node.label)
            names.add(node.label.rpartition(":")[2].lower())
            stack.extend(node.children)
        return bool(names & PAGE_PARAMS) or any("pagina" in n for n in names)


def _fixed_list(index: ProjectIndex, func: FuncSym) -> bool:
    """Every ``return`` of ``func`` gives a list the code writes: a non-empty display of
    literals (``return ["FR", "DE"]``), or a module-level UPPER_CASE display
    (``return COUNTRIES``, ``list(COUNTRIES)``, ``sorted(ROLES.keys())``): it does not grow
    with the data, so it needs no paging (a new user's trial). ``return []`` is a stub."""
    returns = func.info.scope.returns
    inner = func.ctx.enter(func.info)
    return bool(returns) and all(_written(index, r, inner) for r in returns)


def _written(index: ProjectIndex, expr: Expr, ctx: Ctx) -> bool:
    if isinstance(expr, Call) and expr.func in _COPIES and len(expr.args) == 1:
        expr = expr.args[0]
    if isinstance(expr, Seq):
        return bool(expr.items) and all(isinstance(item, Const) for item in expr.items)
    if not fixed_size(index, expr, ctx):
        return False
    found = index.lookup(_viewed_name(expr), ctx)
    if not isinstance(found, VarSym) or not _literal_keys(found.assign.value):
        return False
    return not _mutated(found.ctx.module.scope, found.name)


def _literal_keys(value: Expr | None) -> bool:
    """A non-empty display whose items (a dict's keys) are literals."""
    if isinstance(value, DictExpr):
        keys = [key for key, _value in value.items]
    else:
        keys = list(value.items) if isinstance(value, Seq) else []
    return bool(keys) and all(isinstance(key, Const) for key in keys)


def _viewed_name(expr: Expr) -> str:
    """``COUNTRIES`` of ``COUNTRIES`` and of ``ROLES.keys()``."""
    if isinstance(expr, Call) and isinstance(expr.func, Name):
        return expr.func.dotted.rpartition(".")[0]
    return expr.dotted if isinstance(expr, Name) else ""


def _mutated(scope: Scope, name: str) -> bool:
    """Some scope of the module changes ``name`` in place (``TODOS.append(todo)``,
    ``USERS[uid] = user``): an in-memory store, not a list the code writes."""
    if name in scope.item_assigns:
        return True
    for site in scope.calls:
        callee = site.call.func
        owner, _, method = callee.dotted.rpartition(".") if isinstance(callee, Name) else ("",) * 3
        if owner == name and method in _MUTATORS:
            return True
    inner = (*scope.functions.values(), *scope.classes.values())
    return any(_mutated(child.scope, name) for child in inner)


_COPIES = (Name("list"), Name("sorted"), Name("tuple"))
_MUTATORS = frozenset(
    {"append", "extend", "insert", "add", "update", "setdefault", "pop", "remove", "clear"}
)


def _query_names(index: ProjectIndex, func: FuncSym) -> set[str]:
    """The names ``func``'s parameters give: their own, and the fields of query parameter
    models (FastAPI 0.115+ reads ``p: Annotated[Params, Query()]`` as Params' fields)."""
    names: set[str] = set()
    heads = (func.head(), func.head(annotation=True))  # a method's class body first
    for param in func.info.params:
        names.add(param.name)
        model = _query_model(index, param, heads)
        if model is not None:
            names |= set(model_fields(index, model))
    return names


def _class_names(index: ProjectIndex, qualname: str) -> set[str]:
    """The parameters of a class dependency (``Depends()`` on a class): its ``__init__``'s, or
    the fields of a pydantic model or dataclass, as FastAPI reads the class's signature."""
    cls = find_class(index, qualname)
    if cls is None:
        return set()
    init = index.class_member(cls, "__init__")
    if isinstance(init, FuncSym):
        return _query_names(index, init)
    if is_pydantic_model(index, cls) or any(
        _last_name(d.func if isinstance(d, Call) else d) == "dataclass" for d in cls.info.decorators
    ):
        return set(model_fields(index, cls))
    return set()


def _query_model(index: ProjectIndex, param: Param, heads: tuple[Ctx, Ctx]) -> ClassSym | None:
    """The pydantic model of a query parameter model: ``p: Annotated[M, Query()]`` (also
    through type aliases) or ``p: M = Query()``; ``heads`` are where the function's ``def``
    reads defaults and annotations (``Ctx.head``)."""
    annotation, where = _follow_alias(index, param.annotation, heads[1])
    markers = [(param.default, heads[0])]
    if isinstance(annotation, Subscript) and _last_name(annotation.value) == "Annotated":
        markers += [(item, where) for item in annotation.items[1:]]
    if not any(_is_query(index, marker, at) for marker, at in markers):
        return None
    model = index.resolve_expr(unwrap_annotation(annotation), where)
    return model if isinstance(model, ClassSym) and is_pydantic_model(index, model) else None


def _follow_alias(
    index: ProjectIndex, annotation: Expr | None, ctx: Ctx
) -> tuple[Expr | None, Ctx]:
    """The annotation a type alias (``MQuery = Annotated[M, Query()]``) stands for."""
    for _ in range(_ALIAS_DEPTH):
        symbol = index.lookup(annotation.dotted, ctx) if isinstance(annotation, Name) else None
        if not isinstance(symbol, VarSym) or symbol.assign.value is None:
            break
        annotation, ctx = symbol.assign.value, symbol.ctx
    return annotation, ctx


def _is_query(index: ProjectIndex, expr: Expr | None, ctx: Ctx) -> bool:
    """A call of fastapi's ``Query``."""
    if not isinstance(expr, Call) or _last_name(expr.func) != "Query":
        return False
    callee = index.lookup(expr.func.dotted, ctx)  # type: ignore[union-attr]
    return isinstance(callee, External) and callee.is_from("fastapi")


def _last_name(expr: object) -> str:
    return expr.dotted.rpartition(".")[2] if isinstance(expr, Name) else ""
