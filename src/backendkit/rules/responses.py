"""BK108: a route's response model exposes a password hash, a secret or a key."""

from __future__ import annotations

from collections.abc import Iterable

from backendkit.findings import Finding
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx, FuncSym
from backendkit.result import Route
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.redaction import redacted_fields
from backendkit.rules.support import find_function, http_routes, is_pydantic_model, model_fields
from backendkit.summary.model import BinOp, Call, Expr, Name, Subscript

_CONTAINERS = ("list", "List", "Sequence", "Optional", "Annotated", "set", "tuple", "Iterable")

_MODELS = """\
from sqlmodel import Field, SQLModel


class UserBase(SQLModel):
    email: str


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    hashed_password: str


class UserPublic(UserBase):
    id: int
"""


_FILES = {"app/__init__.py": "", "app/models.py": _MODELS}

_MAIN_PUBLIC = """\
from fastapi import FastAPI

from app.models import UserPublic

app = FastAPI()


@app.get("/users/{user_id}", response_model=UserPublic)
def read_user(user_id: int):  # backendkit: ignore[BK101]
    return {"id": user_id, "email": "a@b.c"}
"""

_MAIN_TABLE = """\
from fastapi import FastAPI

from app.models import User

app = FastAPI()


@app.get("/users")  # expect: BK108
def read_users() -> list[User]:  # backendkit: ignore[BK101]
    return []
"""


def _model_exprs(expr: Expr | None) -> list[Expr]:
    """The model expressions inside ``list[X]``, ``X | None``, ``Optional[X]``..."""
    if isinstance(expr, Subscript) and isinstance(expr.value, Name):
        if expr.value.dotted.rpartition(".")[2] in _CONTAINERS:
            items = expr.items[:1] if expr.value.dotted.endswith("Annotated") else expr.items
            return [m for item in items for m in _model_exprs(item)]
        return [expr]
    if isinstance(expr, BinOp) and expr.op == "BitOr":
        return _model_exprs(expr.left) + _model_exprs(expr.right)
    return [expr] if isinstance(expr, Name) else []


def _response_expr(handler: FuncSym, route: Route) -> Expr | None:
    """``response_model=`` of the route's decorator, else the return annotation."""
    info = handler.info
    for decorator, line in zip(info.decorators, info.decorator_lines, strict=False):
        if line == route.line and isinstance(decorator, Call):
            declared = decorator.kwarg("response_model")
            if declared is not None:
                return declared
    return info.returns


class SensitiveResponseRule(ProjectRule):
    """BK108: a response model with a field such as ``hashed_password`` or ``secret``."""

    code = "BK108"
    cost = 1.8
    focusable = True  # reported at the route's handler
    VALID = (
        Example({**_FILES, "app/main.py": _MAIN_PUBLIC}),
        Example(
            "from fastapi import FastAPI\nfrom pydantic import BaseModel, SecretStr, "
            "field_validator\n\napp = FastAPI()\n\n\nclass Connection(BaseModel):\n"
            "    password: str | None\n    secret: SecretStr\n\n"
            "    @field_validator('password', mode='after')\n    @classmethod\n"
            "    def redact(cls, v: str | None) -> str | None:\n"
            "        return None if v is None else '***'\n\n\n"
            "@app.get('/connections/{name}')\n"
            "def read(name: str) -> Connection:  # backendkit: ignore[BK101]\n"
            "    return Connection(password='x', secret='y')\n",
            note="a field a validator masks and a SecretStr leave masked",
        ),
    )
    INVALID = (
        Example(
            {**_FILES, "app/main.py": _MAIN_TABLE},
            note="a SQLModel table model returned directly, resolved across modules",
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """One finding per route whose response model carries a sensitive field."""
        sensitive = {str(n).lower() for n in self.options.get("sensitive-fields", [])}
        for route in http_routes(ctx):
            wanted = ctx.index.wanted(route.file)
            handler = find_function(ctx.index, route.handler) if wanted else None
            if handler is None:
                continue
            for cls, field in self._exposed(ctx.index, handler, route, sensitive):
                yield self.finding(
                    route.file,
                    route.line,
                    f"Route {'|'.join(route.methods)} {route.path} returns {cls.info.name}, whose "
                    f"field '{field}' is sent to the client; return a public model without it "
                    "(for example UserPublic) via the return annotation or response_model=",
                    extra={"alt_lines": [route.def_line]},
                )

    @staticmethod
    def _exposed(
        index: ProjectIndex, handler: FuncSym, route: Route, sensitive: set[str]
    ) -> Iterable[tuple[ClassSym, str]]:
        ctx: Ctx = handler.ctx
        for expr in _model_exprs(_response_expr(handler, route)):
            cls = index.resolve_expr(expr, ctx)
            if not isinstance(cls, ClassSym) or not is_pydantic_model(index, cls):
                continue
            named = [field for field in model_fields(index, cls) if field.lower() in sensitive]
            redacted = redacted_fields(index, cls, named) if named else set()
            exposed = next((field for field in named if field not in redacted), None)
            if exposed is not None:
                yield cls, exposed
