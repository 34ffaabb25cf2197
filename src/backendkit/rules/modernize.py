"""BK403 ``on_event`` handlers (use lifespan) and BK404 Pydantic v1 APIs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from backendkit.findings import Finding
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx, External, Instance
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.support import (
    call_sites,
    class_of,
    is_pydantic_model,
    iter_classes,
    iter_functions,
)
from backendkit.summary.model import Attr, Call, Expr, Name

V1_CLASS_METHODS = {
    "parse_obj": "model_validate",
    "parse_raw": "model_validate_json",
    "parse_file": "model_validate_json(Path(...).read_text())",
    "from_orm": "model_validate(..., from_attributes=True)",
    "schema": "model_json_schema",
    "schema_json": "model_json_schema",
    "update_forward_refs": "model_rebuild",
    "construct": "model_construct",
}
V1_INSTANCE_METHODS = {"dict": "model_dump", "json": "model_dump_json", "copy": "model_copy"}
V1_VALIDATORS = {"validator": "field_validator", "root_validator": "model_validator"}
V1_CONFIG = {
    "orm_mode": "from_attributes",
    "allow_population_by_field_name": "populate_by_name",
    "schema_extra": "json_schema_extra",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "max_anystr_length": "str_max_length",
    "validate_all": "validate_default",
}


class OnEventRule(ProjectRule):
    """BK403: ``@app.on_event("startup")``, ``add_event_handler`` and the ``on_startup=`` /
    ``on_shutdown=`` arguments of apps and routers (deprecated)."""

    code = "BK403"
    cost = 2
    focusable = True  # reported at the decorator, call or app
    VALID = (
        Example(
            "from contextlib import asynccontextmanager\n\nfrom fastapi import FastAPI\n\n\n"
            "@asynccontextmanager\nasync def lifespan(app: FastAPI):\n    yield\n\n\n"
            "app = FastAPI(lifespan=lifespan)\n"
        ),
    )
    INVALID = (
        Example(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
            "@app.on_event('startup')  # expect: BK403\nasync def connect() -> None:\n"
            "    pass\n\n\nasync def close() -> None:\n    pass\n\n\n"
            "app.add_event_handler('shutdown', close)  # expect: BK403\n"
        ),
        Example(
            "from fastapi import APIRouter, FastAPI\n\n\nasync def connect() -> None:\n"
            "    pass\n\n\napp = FastAPI(on_startup=[connect])  # expect: BK403\n"
            "router = APIRouter(on_shutdown=[connect])  # expect: BK403\n"
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Decorators and registration calls on FastAPI apps and routers."""
        index = ctx.index
        for func, where in iter_functions(index):
            for position, decorator in enumerate(func.decorators):
                if _on_app(index, decorator, where, "on_event"):
                    line = func.decorator_lines[position] if func.decorator_lines else func.line
                    yield self._report(where.module.path, line)
        for site, where in call_sites(index):
            if _on_app(index, site.call, where, "add_event_handler"):
                yield self._report(where.module.path, site.line)
        for obj in ctx.model.iter_objects():
            call = obj.instance.call
            if index.wanted(obj.file) and _has_event_lists(call):
                yield self._report(obj.file, obj.line)

    def _report(self, path: str, line: int) -> Finding:
        return self.finding(
            path,
            line,
            "Startup/shutdown event handlers are deprecated in FastAPI; move the code into a "
            "lifespan context manager passed as FastAPI(lifespan=...)",
        )


def _has_event_lists(call: Call) -> bool:
    """``FastAPI(on_startup=...)`` or ``APIRouter(on_shutdown=...)``."""
    return call.kwarg("on_startup") is not None or call.kwarg("on_shutdown") is not None


def _on_app(index: ProjectIndex, expr: object, ctx: Ctx, method: str) -> bool:
    if not isinstance(expr, Call) or not isinstance(expr.func, Name):
        return False
    receiver, _, name = expr.func.dotted.rpartition(".")
    if name != method or not receiver:
        return False
    value = index.value(Name(receiver), ctx)
    return (
        isinstance(value, Instance)
        and isinstance(value.cls, External)
        and value.cls.is_from("fastapi", "starlette")
    )


class PydanticV1Rule(ProjectRule):
    """BK404: Pydantic v1 methods, validators and config on v2 models."""

    code = "BK404"
    cost = 3
    focusable = True  # reported at the class, decorator or call
    VALID = (
        Example(
            "from pydantic import BaseModel, ConfigDict, field_validator\n\n\n"
            "class Item(BaseModel):\n    model_config = ConfigDict(from_attributes=True)\n"
            "    name: str\n\n    @field_validator('name')\n    @classmethod\n"
            "    def strip(cls, v: str) -> str:\n        return v.strip()\n\n\n"
            "def show(item: Item) -> dict:\n    return item.model_dump()\n\n\n"
            "def load(data: dict, raw: dict) -> Item:\n"
            "    raw.copy()\n    return Item.model_validate(data)\n"
        ),
        Example(
            "from fastapi import Request\n\n\nasync def body(request: Request) -> dict:\n"
            "    return await request.json()\n",
            note="json() of a Starlette request is not a Pydantic model method",
        ),
        Example(
            "from pydantic import BaseModel\n\n\nclass Base(BaseModel):\n"
            "    def json(self, **kwargs) -> dict:\n        return self.model_dump(**kwargs)\n\n\n"
            "class Team(Base):\n    name: str\n\n\n"
            "def row(team: Team) -> dict:\n    return {**team.json(exclude_none=True)}\n",
            note="the project's own json() on its model base class",
        ),
    )
    INVALID = (
        Example(
            "from pydantic import BaseModel, validator\n\n\nclass Item(BaseModel):\n"
            "    name: str\n\n    class Config:\n"
            "        orm_mode = True  # expect: BK404\n\n"
            "    @validator('name')  # expect: BK404\n"
            "    def strip(cls, v: str) -> str:\n        return v.strip()\n\n\n"
            "def show(item: Item) -> dict:\n    return item.dict()  # expect: BK404\n\n\n"
            "def load(data: dict) -> Item:\n    return Item.parse_obj(data)  # expect: BK404\n"
        ),
        Example(
            "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    name: str\n\n\n"
            "def bound() -> str:\n    item = Item(name='a')\n"
            "    return item.json()  # expect: BK404\n\n\n"
            "def chained() -> dict:\n    return Item(name='b').dict()  # expect: BK404\n",
            note="models known from a constructor call, bound or called on directly",
        ),
        Example(
            "from pydantic import BaseModel\n\n\nclass Base(BaseModel):\n"
            "    def dict(self, **kwargs) -> dict:\n        kwargs.setdefault('by_alias', True)\n"
            "        return super().dict(**kwargs)\n\n\n"
            "class Team(Base):\n    name: str\n\n\n"
            "def row(team: Team) -> dict:\n    return team.dict()  # expect: BK404\n",
            note="an override handing the call on to Pydantic's v1 method",
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Config classes, validators, and v1 methods on known models."""
        index = ctx.index
        for cls in iter_classes(index):
            if is_pydantic_model(index, cls):
                yield from self._config(cls)
        for func, where in iter_functions(index):
            for position, decorator in enumerate(func.decorators):
                replacement = _v1_validator(index, decorator, where)
                if replacement:
                    line = func.decorator_lines[position] if func.decorator_lines else func.line
                    yield self._report(
                        where.module.path, line, "@" + replacement[0], replacement[1]
                    )
        yield from self._methods(index)

    def _config(self, cls: ClassSym) -> Iterator[Finding]:
        config = cls.info.scope.classes.get("Config")
        if config is None:
            return
        for key, assigns in config.scope.assigns.items():
            if key in V1_CONFIG:
                new = f"model_config = ConfigDict({V1_CONFIG[key]}=...)"
                yield self._report(cls.ctx.module.path, assigns[-1].line, f"Config.{key}", new)

    def _methods(self, index: ProjectIndex) -> Iterator[Finding]:
        wanted = set(V1_CLASS_METHODS) | set(V1_INSTANCE_METHODS)
        for site, where in call_sites(index):
            split = _method_call(site.call.func, wanted)
            if split is None:
                continue
            receiver, method = split
            found = _v1_method(index, receiver, method, where)
            if found:
                yield self._report(where.module.path, site.line, f".{method}()", found)

    def _report(self, path: str, line: int, old: str, new: str) -> Finding:
        return self.finding(
            path,
            line,
            f"Pydantic v1 API {old}; in Pydantic v2 use {new} (v1 names are "
            "deprecated and removed in v3)",
        )


def _v1_validator(index: ProjectIndex, decorator: object, ctx: Ctx) -> tuple[str, str] | None:
    func = decorator.func if isinstance(decorator, Call) else decorator
    if not isinstance(func, Name) or func.dotted.rpartition(".")[2] not in V1_VALIDATORS:
        return None
    symbol = index.lookup(func.dotted, ctx)
    if (
        isinstance(symbol, External)
        and symbol.is_from("pydantic")
        and not symbol.is_from("pydantic.v1")
    ):
        return symbol.last, V1_VALIDATORS[symbol.last]
    return None


def _method_call(func: Expr, wanted: set[str]) -> tuple[Expr, str] | None:
    """``(receiver, method)`` of a call of a method named one of ``wanted``: ``item.dict()``
    and ``Item(...).dict()`` (a method of a constructor call's result)."""
    if isinstance(func, Name):
        receiver, _, method = func.dotted.rpartition(".")
        return (Name(receiver), method) if receiver and method in wanted else None
    if isinstance(func, Attr) and isinstance(func.value, Call) and func.attr in wanted:
        return func.value, func.attr
    return None


def _v1_method(index: ProjectIndex, receiver: Expr, method: str, ctx: Ctx) -> str:
    """The v2 name of ``receiver.method`` when it is Pydantic's v1 method of a model ("" when
    not, or when the model's project classes define a method of that name themselves:
    litellm's ``json()`` returning ``model_dump()``)."""
    if method in V1_CLASS_METHODS:
        target = index.resolve_expr(receiver, ctx)
        if isinstance(target, ClassSym) and _pydantic_method(index, target, method):
            return V1_CLASS_METHODS[method]
    if method in V1_INSTANCE_METHODS:
        cls = class_of(index, receiver, ctx)
        if cls is not None and _pydantic_method(index, cls, method):
            return V1_INSTANCE_METHODS[method]
    return ""


def _pydantic_method(index: ProjectIndex, cls: ClassSym, method: str) -> bool:
    """``cls`` is a Pydantic model whose ``method`` is Pydantic's: none of its project
    classes defines one, or the first that does hands the call on to ``super().method``
    (a v1 override that sets defaults still runs the deprecated method)."""
    if not is_pydantic_model(index, cls):
        return False
    for klass in index.mro(cls):
        own = klass.info.scope.functions.get(method)
        if own is None:
            continue
        calls = [site.call.func for site in own.scope.calls]
        if not any(_super_call(func, method) for func in calls):
            return False  # the project's own method
        if any(_calls_v2(func, method) for func in calls):
            return False  # a v1/v2 shim: on v2 it runs the new method
    return True


def _calls_v2(func: Expr, method: str) -> bool:
    """``self.model_dump(...)`` where ``method`` is ``dict`` (the v2 name of the v1 method,
    on the model itself: ``self.item.model_dump()`` of a field is no shim)."""
    new = V1_INSTANCE_METHODS.get(method, V1_CLASS_METHODS.get(method, "")).partition("(")[0]
    return bool(new) and isinstance(func, Name) and func.dotted in (f"self.{new}", f"cls.{new}")


def _super_call(func: Expr, method: str) -> bool:
    """``super().method``."""
    return (
        isinstance(func, Attr)
        and func.attr == method
        and isinstance(func.value, Call)
        and func.value.func == Name("super")
    )
