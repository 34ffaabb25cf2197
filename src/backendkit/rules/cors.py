"""BK103: CORS that lets any origin in, worse with credentials."""

from __future__ import annotations

import re
from collections.abc import Iterable

from backendkit.findings import Finding, Severity
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx, External, FuncSym, VarSym
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.corsenv import unset_value
from backendkit.rules.keywordline import keyword_line
from backendkit.rules.support import call_sites
from backendkit.summary.model import Call, CallSite, Const, Expr, Name, Seq, Subscript

_PROBES = ("https://evil.example.com", "http://attacker.test:8080", "https://a.b")

_SETTINGS = """\
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    CORS_ORIGINS: list[str] = ["*"]


settings = Settings()
"""


class WildcardCorsRule(ProjectRule):
    """BK103: ``"*"`` in ``allow_origins`` or an ``allow_origin_regex`` that matches anything."""

    code = "BK103"
    links = False  # reads the index only: runs while the project is linked
    cost = 1.2
    focusable = True  # reported at the middleware call
    VALID = (
        Example(
            "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
            "app = FastAPI()\napp.add_middleware(\n    CORSMiddleware,\n"
            '    allow_origins=["https://app.example.com"],\n    allow_credentials=True,\n)\n'
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/config.py": _SETTINGS.replace('["*"]', "[]"),
                "app/main.py": "import os\n\nfrom fastapi import FastAPI\n"
                "from fastapi.middleware.cors import CORSMiddleware\n\nfrom app.config import "
                "settings\n\napp = FastAPI()\napp.add_middleware(CORSMiddleware, "
                "allow_origins=settings.CORS_ORIGINS)\napp.add_middleware(CORSMiddleware, "
                'allow_origins=os.environ["ORIGINS"].split(","))\n',
            },
            note="origins from settings without a wildcard default, or from the environment",
        ),
        Example(
            "import os\n\nfrom fastapi import FastAPI\n"
            "from fastapi.middleware.cors import CORSMiddleware\n\n"
            "ORIGINS = os.getenv('CORS_ORIGINS', 'https://app.example.com').split(',')\n"
            "app = FastAPI()\n"
            "app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)\n",
            note="the environment's origins, with a trusted origin as the default",
        ),
        Example(
            "import os\n\nfrom fastapi import FastAPI\n"
            "from fastapi.middleware.cors import CORSMiddleware\n\n"
            "ORIGINS = (os.getenv('CORS_ORIGINS') or 'https://app.example.com').split(',')\n"
            "app = FastAPI()\n"
            "app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)\n",
            note="a trusted origin when the variable is unset or empty, after an or",
        ),
    )
    INVALID = (
        Example(
            "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware "
            "as CM\n\napp = FastAPI()\napp.add_middleware(\n    CM,\n"
            '    allow_origins=["*"],  # expect: BK103\n    allow_credentials=True,\n)\n',
            note="reported on the line of the option (where a suppression comment goes)",
        ),
        Example(
            {
                "app/__init__.py": "",
                "app/config.py": _SETTINGS,
                "app/main.py": "from fastapi import FastAPI\nfrom fastapi.middleware import "
                "Middleware\nfrom starlette.middleware.cors import CORSMiddleware\n\n"
                "from app.config import settings\n\napp = FastAPI(\n    middleware=[\n"
                "        Middleware(CORSMiddleware, allow_origins=settings.CORS_ORIGINS),  "
                "# expect: BK103\n    ]\n)\n",
            },
            note="a settings field whose default is ['*'], through Middleware(...)",
        ),
        Example(
            "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
            'ORIGIN_RE = ".*"\napp = FastAPI()\n'
            "app.add_middleware(CORSMiddleware, allow_origin_regex=ORIGIN_RE)  # expect: BK103\n"
        ),
        Example(
            "import os\n\nfrom fastapi import FastAPI\n"
            "from fastapi.middleware.cors import CORSMiddleware\n\n\n"
            "def origins() -> list[str]:\n    raw = os.getenv('CORS_ORIGINS')\n"
            "    found = raw.split(',') if raw else []\n    if not found:\n"
            "        found = ['*']\n    return found\n\n\napp = FastAPI()\n"
            "app.add_middleware(CORSMiddleware, allow_origins=origins())  # expect: BK103\n",
            note="a helper that falls back to the wildcard when the setting is unset",
        ),
        Example(
            "import os\n\nfrom fastapi import FastAPI\n"
            "from fastapi.middleware.cors import CORSMiddleware\n\n"
            "ORIGINS = os.getenv('CORS_ALLOW_ORIGIN', '*').split(';')\n"
            "app = FastAPI()\n"
            "app.add_middleware(\n"
            "    CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True  # expect: BK103\n"
            ")\n",
            note="the environment's origins, with the wildcard as the default (open-webui)",
        ),
        Example(
            "import os\n\nfrom fastapi import FastAPI\n"
            "from fastapi.middleware.cors import CORSMiddleware\n\n"
            "ORIGINS = (os.getenv('CORS_ORIGINS') or '*').split(',')\n"
            "app = FastAPI()\n"
            "app.add_middleware(CORSMiddleware, allow_origins=ORIGINS)  # expect: BK103\n",
            note="the wildcard when the variable is unset or empty, after an or",
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """One finding per CORS configuration that admits every origin."""
        index = ctx.index
        for site, where in call_sites(index):
            options = self._cors_options(index, site.call, where)
            if options is None:
                continue
            message = self._problem(index, options, where)
            if message:
                severity = None if "allow_credentials=True" in message else Severity.WARNING
                line = _option_line(ctx, where.module.path, site, message.split()[1])
                extra = {"alt_lines": [site.line]} if line != site.line else {}
                yield self.finding(where.module.path, line, message, severity=severity, extra=extra)

    def _cors_options(self, index: ProjectIndex, call: Call, ctx: Ctx) -> Call | None:
        func = call.func
        if not isinstance(func, Name):
            return None
        if func.dotted.endswith("add_middleware") and "." in func.dotted:
            target = call.arg(0, "middleware_class")
        elif func.dotted.rpartition(".")[2] == "Middleware":
            callee = index.lookup(func.dotted, ctx)
            if not (isinstance(callee, External) and callee.is_from("starlette", "fastapi")):
                return None
            target = call.arg(0, "cls")
        else:
            return None
        return call if _is_cors(index, target, ctx) else None

    def _problem(self, index: ProjectIndex, call: Call, ctx: Ctx) -> str:
        credentials = index.value(call.kwarg("allow_credentials"), ctx) is True
        what = _open_origins(index, call, ctx)
        if not what:
            return ""
        if credentials:
            return (
                f"CORS {what} together with allow_credentials=True: Starlette then echoes any "
                "Origin back on credentialed requests, so every website can call the API as "
                "the signed-in user; list the trusted origins explicitly (from settings)"
            )
        return f"CORS {what}; list the trusted origins explicitly (from settings)"


def _option_line(ctx: ProjectContext, path: str, site: CallSite, option: str) -> int:
    """The line of the ``option`` keyword the finding is about (the call's line when it is
    not written there: a suppression comment goes on the finding's line, as with ruff)."""
    if ctx.root is None or not isinstance(site.call.func, Name):
        return site.line
    callee = site.call.func.dotted.rpartition(".")[2]
    return keyword_line(ctx.root / path, site.line, callee, option)


def _open_origins(index: ProjectIndex, call: Call, ctx: Ctx) -> str:
    """What of the CORS options ``call`` admits every origin ("" for nothing)."""
    origins_expr = call.kwarg("allow_origins")
    origins = index.value(origins_expr, ctx) if origins_expr is not None else []
    if _wildcard(origins):
        where = "" if isinstance(origins_expr, type(None)) else _source_note(origins_expr)
        return f"allow_origins contains '*'{where}"
    helper = _wildcard_helper(index, origins_expr, ctx)
    if helper is not None:
        return f"allow_origins contains '*' on one of the paths of {helper}()"
    unset = unset_value(index, origins_expr, ctx)
    if unset is not None and _wildcard(unset[0]):
        return f"allow_origins contains '*' when {unset[1]} is unset (its default)"
    regex_expr = call.kwarg("allow_origin_regex")
    regex = index.value(regex_expr, ctx) if regex_expr is not None else None
    if isinstance(regex, str) and _matches_any(regex):
        return f"allow_origin_regex {regex!r} matches any origin"
    return ""


def _wildcard(origins: object) -> bool:
    return origins == "*" or (isinstance(origins, list) and "*" in origins)


def _wildcard_helper(index: ProjectIndex, expr: Expr | None, ctx: Ctx) -> str | None:
    """The name of the project function ``expr`` calls (``_get_origins()``, directly or
    through a variable bound to the call) when one of its returns is a wildcard on some path:
    a returned local counts every value it is bound to in the function (``computed = ["*"]``
    when the setting is unset, ``computed = raw.split(",")`` otherwise)."""
    if isinstance(expr, Name):
        bound = index.lookup(expr.dotted, ctx)
        expr, ctx = (bound.assign.value, bound.ctx) if isinstance(bound, VarSym) else (None, ctx)
    expr, position = _unpacked(expr)
    func = index.resolve_expr(expr.func, ctx) if isinstance(expr, Call) else None
    if not isinstance(func, FuncSym):
        return None
    inner = func.ctx.enter(func.info)
    values = _returned_values(func, position)
    return func.info.name if any(_wildcard(index.value(v, inner)) for v in values) else None


def _returned_values(func: FuncSym, position: int | None) -> list[Expr | None]:
    """What ``func`` may return (see ``_bound``); with ``position``, that item of each
    returned tuple (``origins, credentials = helper()``), a local's bindings too (litellm's
    ``return computed_origins, computed_credentials``)."""
    values = [value for returned in func.info.scope.returns for value in _bound(func, returned)]
    if position is None:
        return values
    items = [_item(value, position) for value in values]
    return [bound for item in items for bound in (_bound(func, item) if item else [item])]


def _unpacked(expr: Expr | None) -> tuple[Expr | None, int | None]:
    """``helper()[i]`` (a name unpacked from a call's tuple) as ``(helper(), i)``."""
    if isinstance(expr, Subscript) and len(expr.items) == 1:
        index = expr.items[0]
        if isinstance(index, Const) and isinstance(index.value, int):
            return expr.value, index.value
    return expr, None


def _item(value: Expr | None, position: int) -> Expr | None:
    """Item ``position`` of a returned tuple display, else None."""
    if isinstance(value, Seq) and 0 <= position < len(value.items):
        return value.items[position]
    return None


def _bound(func: FuncSym, returned: Expr) -> list[Expr | None]:
    """Every value a returned local of ``func`` is bound to, else the returned expression."""
    assigns = func.info.scope.assigns.get(returned.dotted, []) if isinstance(returned, Name) else []
    return [a.value for a in assigns] or [returned]


def _source_note(expr: Expr) -> str:
    if isinstance(expr, Name):
        return f" (via {expr.dotted})"
    return ""


def _is_cors(index: ProjectIndex, target: Expr | None, ctx: Ctx) -> bool:
    if target is None:
        return False
    symbol = index.resolve_expr(target, ctx)
    if isinstance(symbol, External):
        return symbol.last == "CORSMiddleware" and symbol.is_from("starlette", "fastapi")
    if isinstance(symbol, ClassSym):
        return any(b.last == "CORSMiddleware" for b in index.external_bases(symbol))
    return False


def _matches_any(pattern: str) -> bool:
    try:
        compiled = re.compile(pattern)
    except re.error:
        return False
    return all(compiled.fullmatch(origin) for origin in _PROBES)
