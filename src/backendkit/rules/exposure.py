"""BK105 JWT misuse, BK106 debug mode left on, BK107 internal details in error responses."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from backendkit.findings import Finding
from backendkit.project.callbinds import is_spread
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx, External
from backendkit.rules.appmessages import AppMessages
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.localflow import Keys, assigned_before, dict_keys
from backendkit.rules.support import external_calls
from backendkit.summary.model import (
    Call,
    CallSite,
    Const,
    DictExpr,
    Expr,
    FString,
    FunctionInfo,
    IfBlock,
    Name,
    Scope,
    Seq,
)


def _is_jwt(callee: External) -> bool:
    return callee.qualname.split(".")[0] in ("jwt", "jose")


def _options_dict(options: Expr | None, ctx: Ctx, line: int) -> DictExpr | None:
    """The ``options=`` dict: a literal, or a local bound to one before ``line``."""
    if isinstance(options, Name) and "." not in options.dotted and ctx.owners[-1] is not None:
        assigns = assigned_before(ctx.scopes[-1], options.dotted, line)
        options = assigns[-1].value if assigns else None
    return options if isinstance(options, DictExpr) else None


def _false_options(options: Expr | None, index: ProjectIndex, ctx: Ctx, line: int) -> list[str]:
    options = _options_dict(options, ctx, line)
    if options is None:
        return []
    return [
        str(key.value)
        for key, value in options.items
        if isinstance(key, Const)
        and str(key.value).startswith("verify_")
        and index.value(value, ctx) is False
    ]


class JwtMisuseRule(ProjectRule):
    """BK105: ``jwt.decode`` that trusts the token, ``jwt.encode`` without an expiry."""

    code = "BK105"
    links = False  # reads the index only: runs while the project is linked
    cost = 0.1
    focusable = True  # reported at the encode/decode call
    VALID = (
        Example(
            "import jwt\n\n\ndef decode(token: str, key: str) -> dict:\n"
            "    return jwt.decode(token, key, algorithms=['HS256'])\n\n\n"
            "def encode(sub: str, key: str, exp: int) -> str:\n"
            "    return jwt.encode({'sub': sub, 'exp': exp}, key, algorithm='HS256')\n\n\n"
            "def create_access_token(data: dict, key: str, expire: int) -> str:\n"
            "    to_encode = data.copy()\n    to_encode.update({'exp': expire})\n"
            "    return jwt.encode(to_encode, key, algorithm='HS256')\n\n\n"
            "def refresh(sub: str, key: str, expire: int) -> str:\n"
            "    payload = dict(sub=sub)\n    payload['exp'] = expire\n"
            "    return jwt.encode(payload, key, algorithm='HS256')\n\n\n"
            "def merged(sub: str, key: str, expire: int) -> str:\n"
            "    payload = {'sub': sub}\n    payload |= {'exp': expire}\n"
            "    return jwt.encode(payload, key, algorithm='HS256')\n\n\n"
            "def unioned(data: dict, key: str, expire: int) -> str:\n"
            "    return jwt.encode({'sub': 'x'} | {'exp': expire}, key, algorithm='HS256')\n"
        ),
    )
    INVALID = (
        Example(
            "import jwt\nfrom jose import jwt as jose_jwt\n\n\n"
            "def a(token: str, key: str) -> dict:\n"
            "    return jwt.decode(token, key)  # expect: BK105\n\n\n"
            "def b(token: str, key: str) -> dict:\n"
            "    return jwt.decode(token, key, algorithms=['HS256'], "
            "options={'verify_exp': False})  # expect: BK105\n\n\n"
            "def c(token: str, key: str) -> dict:\n"
            "    return jose_jwt.decode(token, key, algorithms=['none', 'HS256'])  "
            "# expect: BK105\n\n\n"
            "def d(sub: str, key: str) -> str:\n"
            "    return jwt.encode({'sub': sub}, key, algorithm='HS256')  # expect: BK105\n\n\n"
            "def e(sub: str, key: str, now: int) -> str:\n"
            "    to_encode = {'sub': sub}\n    to_encode.update({'iat': now})\n"
            "    return jwt.encode(to_encode, key, algorithm='HS256')  # expect: BK105\n\n\n"
            "def f(sub: str, key: str) -> str:\n    claims = dict(sub=sub, type='access')\n"
            "    return jwt.encode(claims, key, algorithm='HS256')  # expect: BK105\n\n\n"
            "def g(token: str) -> dict:\n"
            "    return jwt.decode(token, options={'verify_signature': False})  # expect: BK105\n"
            "\n\ndef h(token: str, key: str) -> dict:\n"
            "    opts = {'verify_signature': False}\n"
            "    return jwt.decode(token, key, algorithms=['HS256'], options=opts)  "
            "# expect: BK105\n"
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """One finding per risky encode/decode call."""
        for site, where, callee in external_calls(ctx.index, {"decode", "encode"}, _is_jwt):
            problem = (
                self._decode_problem(ctx.index, site, where)
                if callee.last == "decode"
                else _encode_problem(ctx.index, site, where)
            )
            if problem:
                yield self.finding(where.module.path, site.line, problem)

    def _decode_problem(self, index: ProjectIndex, site: CallSite, ctx: Ctx) -> str:
        call = site.call
        disabled = _false_options(call.kwarg("options"), index, ctx, site.line)
        if "verify_signature" in disabled or index.value(call.kwarg("verify"), ctx) is False:
            return (
                f"{_name(call)} turns off signature verification: any forged token passes; "
                "remove verify_signature=False / verify=False and pass algorithms="
                "[settings.ALGORITHM]"
            )
        algorithms = call.kwarg("algorithms")
        if algorithms is None and _spreads(call):
            return ""  # ``**decode_kwargs`` may hold algorithms=: the summary keeps no name
        if algorithms is None:
            return (
                f"{_name(call)} without algorithms= lets the token choose its own algorithm; "
                "pass algorithms=[settings.ALGORITHM]"
            )
        value = index.value(algorithms, ctx)
        if isinstance(value, list) and any(str(v).lower() == "none" for v in value):
            return f"{_name(call)} accepts the 'none' algorithm: unsigned tokens pass; remove it"
        return _claims_problem(call, disabled) if disabled else ""


#: what passes when a claim check is off (PyJWT's and python-jose's ``verify_*`` options)
_LET_THROUGH = {
    "verify_exp": "expired tokens",
    "verify_nbf": "tokens used before their nbf time",
    "verify_iat": "tokens with a bad iat",
    "verify_aud": "tokens issued for another audience",
    "verify_iss": "tokens from another issuer",
    "verify_sub": "tokens with a bad sub",
    "verify_jti": "tokens with a bad jti",
    "verify_at_hash": "tokens whose at_hash does not match the access token",
}


def _claims_problem(call: Call, disabled: list[str]) -> str:
    """The message for claim checks turned off while the signature is still verified: what
    each lets through (a forged token does not pass)."""
    passing = [_LET_THROUGH.get(option, f"tokens failing {option}") for option in disabled]
    listed = passing[0] if len(passing) == 1 else ", ".join(passing[:-1]) + " and " + passing[-1]
    these = "this check" if len(disabled) == 1 else "these checks"
    return (
        f"{_name(call)} turns off {', '.join(disabled)}: the signature is still checked, but "
        f"{listed} pass; keep {these} on"
    )


def _encode_problem(index: ProjectIndex, site: CallSite, ctx: Ctx) -> str:
    """A payload whose keys are all known (a literal, ``dict(...)``, a local dict and the
    keys added to it, or a parameter's dict as every caller passes it) and has no ``exp``."""
    call = site.call
    scope = ctx.scopes[-1] if ctx.owners[-1] is not None else None
    keys = dict_keys(call.arg(0, "payload") or call.arg(0, "claims"), scope, site.line)
    if keys is None or "exp" in keys.keys:
        return ""
    if not keys.complete and not _callers_lack_exp(index, ctx, keys):
        return ""
    return (
        f"{_name(call)} builds a token without an 'exp' claim: it never expires; add "
        "'exp' (for example now + settings.ACCESS_TOKEN_EXPIRE_MINUTES)"
    )


def _callers_lack_exp(index: ProjectIndex, ctx: Ctx, keys: Keys) -> bool:
    """The payload is copied from a parameter: True when a caller passes a dict whose keys are
    all known and, with those the function adds, include no ``exp``."""
    func = ctx.owners[-1]
    if func is None or keys.param is None or keys.param not in func.scope.params:
        return False
    position = func.scope.params[keys.param]
    for call, where in index.callers(func):
        passed = _passed_keys(call.arg(position, keys.param), call, where)
        if passed is not None and passed.complete and "exp" not in passed.keys | keys.keys:
            return True
    return False


def _passed_keys(arg: Expr | None, call: Call, where: Ctx) -> Keys | None:
    """The keys of the dict a caller passes, followed through the caller's locals."""
    caller_scope = where.scopes[-1] if where.owners[-1] is not None else None
    line = next((s.line for s in where.scopes[-1].calls if s.call is call), 0)
    return dict_keys(arg, caller_scope, line)


def _spreads(call: Call) -> bool:
    """The call passes ``*args`` or ``**kwargs`` (``jwt.decode(token, key, **decode_kwargs)``
    with ``decode_kwargs = {"algorithms": [...], "leeway": 10}``): what it holds is not
    known, so its keywords are not either."""
    return any(is_spread(arg) for arg in call.args)


def _name(call: Call) -> str:
    return f"{call.func.dotted}()" if isinstance(call.func, Name) else "jwt call"


class DebugModeRule(ProjectRule):
    """BK106: ``FastAPI(debug=True)`` (tracebacks in every 500 response)."""

    code = "BK106"
    links = False  # reads the index only: runs while the project is linked
    cost = 0.1
    focusable = True  # reported at the app call
    VALID = (
        Example(
            "from fastapi import FastAPI\n\nfrom app.config import settings\n\n"
            "app = FastAPI(debug=settings.DEBUG)\n"
        ),
        Example(
            "from fastapi import FastAPI\n\nfrom app.config import settings\n\n\n"
            "def create_app() -> FastAPI:\n    if settings.DEBUG:\n"
            "        return FastAPI(debug=True)\n    return FastAPI()\n",
            note="created only when the settings ask for debug mode",
        ),
    )
    INVALID = (
        Example("from fastapi import FastAPI\n\napp = FastAPI(debug=True)  # expect: BK106\n"),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Apps created with a literal ``debug=True``."""
        names = {"FastAPI", "Starlette"}

        def accept(callee: External) -> bool:
            return callee.is_from("fastapi", "starlette")

        for site, where, _ in external_calls(ctx.index, names, accept):
            if ctx.index.value(site.call.kwarg("debug"), where) is True and not _debug_branch(
                site, where.scopes[-1]
            ):
                yield self.finding(
                    where.module.path,
                    site.line,
                    "debug=True sends tracebacks (code, paths, local values) to every client on "
                    "a server error; drive it from settings and keep it off in production",
                )


# the words of an ``if`` test asking for a development mode: ``settings.DEBUG``,
# ``in_debug_mode()``, ``is_dev``, ``ENV == "local"``, ``settings.testing``
_DEV_WORDS = frozenset({"debug", "dev", "development", "local", "localhost", "test", "testing"})
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z0-9]+(?![a-z])")


def _debug_branch(site: CallSite, scope: Scope) -> bool:
    """The app is created only in an ``if`` whose test asks for a development mode: it reads a
    name with a development word (``if settings.DEBUG:``, ``elif in_debug_mode():``) or
    compares with one (``if os.getenv("ENV") == "development":``). The summary records the
    tests of the ``if`` blocks that hold a ``return`` or ``raise``, and of every module-level
    ``if`` (``Scope.ifs``), so this sees an app factory's ``if settings.DEBUG: return
    FastAPI(debug=True)`` and a module's ``if DEBUG: app = FastAPI(debug=True)``; not which
    branch the call is in (an ``else:`` after a debug test counts as the debug branch)."""
    return site.guarded and any(
        block.first <= site.line < block.end and _asks_debug(block, scope) for block in scope.ifs
    )


def _asks_debug(block: IfBlock, scope: Scope) -> bool:
    """The test of ``block`` reads or compares with a development word."""
    texts = list(block.reads)
    for compare in scope.compares:
        if block.in_test(compare.line):
            texts += [str(side.value) for side in (compare.left, compare.right) if _is_str(side)]
    return any(word.lower() in _DEV_WORDS for text in texts for word in _WORD.findall(text))


def _is_str(expr: Expr) -> bool:
    return isinstance(expr, Const) and isinstance(expr.value, str)


EXCEPTION_ATTRS = ("orig", "args", "message", "msg")  # carry the exception's own text
_EXCEPTION_TYPE = re.compile(r"(Exception|Error|Exc|ExceptionGroup)$")


def exception_names(ctx: Ctx, handlers: set[int] | None = None) -> frozenset[str]:
    """Names bound to an exception where ``ctx`` is: ``except T as name`` in the function or
    an enclosing one, parameters annotated with an exception class (``exc: Exception``,
    ``exc: RequestValidationError``), and the exception parameter of an exception handler
    (``@app.exception_handler(...)``, or a function whose id is in ``handlers``)."""
    names = {name for scope in ctx.scopes[1:] for name in scope.caught}
    func = ctx.owners[-1]
    if func is not None:
        names.update(_exception_params(func, id(func) in (handlers or ())))
    return frozenset(names)


def _exception_params(func: FunctionInfo, registered: bool) -> Iterator[str]:
    for param in func.params:
        annotation = param.annotation
        if isinstance(annotation, Name) and _EXCEPTION_TYPE.search(annotation.dotted):
            yield param.name
    handler = registered or any(
        isinstance(d, Call) and _last_part(d.func) == "exception_handler" for d in func.decorators
    )
    if handler and len(func.params) >= 2:
        yield func.params[1].name


def _last_part(expr: Expr) -> str:
    return expr.dotted.rpartition(".")[2] if isinstance(expr, Name) else ""


class _Leaks:
    """Whether a response payload carries the text of one of the exceptions ``names``."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def names_exception(self, expr: Expr) -> bool:
        """``e`` or ``e.orig`` / ``e.args`` for an exception ``e``."""
        if not isinstance(expr, Name):
            return False
        head, _, attr = expr.dotted.partition(".")
        return head in self.names and (not attr or attr in EXCEPTION_ATTRS)

    def call(self, expr: Call) -> bool:
        """``str(e)`` / ``repr(e)`` or a formatted traceback."""
        if not isinstance(expr.func, Name):
            return False
        name = expr.func.dotted
        if name in ("str", "repr"):
            return bool(expr.args) and self.names_exception(expr.args[0])
        return name.rpartition(".")[2] in ("format_exc", "format_exception", "format_tb")

    def __call__(self, expr: Expr | None) -> bool:
        """``str(e)``, ``repr(e)``, an f-string with the exception, or a formatted traceback,
        directly or inside a dict or list."""
        if isinstance(expr, Call):
            return self.call(expr)
        if isinstance(expr, FString):
            return any(self.names_exception(p) or self(p) for p in expr.parts)
        if isinstance(expr, DictExpr):
            return any(self(value) for _, value in expr.items)
        if isinstance(expr, Seq):
            return any(self(item) for item in expr.items)
        return False


class ErrorDetailLeakRule(ProjectRule):
    """BK107: exception text or tracebacks sent to the client."""

    code = "BK107"
    links = False  # reads the index only: runs while the project is linked
    cost = 1.5
    focusable = True  # reported at the response call
    VALID = (
        Example(
            "import logging\n\nfrom fastapi import HTTPException\n\nlog = logging.getLogger()\n\n\n"
            "def get(x: int) -> int:\n    try:\n        return 1 // x\n"
            "    except ZeroDivisionError as e:\n        log.exception('division failed')\n"
            "        raise HTTPException(status_code=400, detail='x must not be 0') from e\n\n\n"
            "def explain(e: int, errors: list[str]) -> None:\n"
            "    raise HTTPException(status_code=400, detail=f'{e} items: {str(errors)}')\n\n\n"
            "def validation(request: object, exc: ValueError) -> None:\n"
            "    raise HTTPException(status_code=422, detail=exc.errors())\n"
        ),
    )
    INVALID = (
        Example(
            "import traceback\n\nfrom fastapi import FastAPI, HTTPException\n"
            "from fastapi.responses import JSONResponse\n\napp = FastAPI()\n\n\n"
            "def get(x: int) -> int:\n"
            "    try:\n        return 1 // x\n    except ZeroDivisionError as e:\n"
            "        raise HTTPException(status_code=500, detail=str(e))  # expect: BK107\n\n\n"
            "def handler(request: object, exc: Exception) -> JSONResponse:\n"
            "    return JSONResponse(  # expect: BK107\n        status_code=500,\n"
            "        content={'detail': f'failed: {exc}', 'trace': traceback.format_exc()},\n"
            "    )\n\n\n"
            "def save(item: object) -> None:\n    try:\n        item.save()\n"
            "    except Exception as integrity:\n"
            "        raise HTTPException(409, detail=str(integrity.orig))  # expect: BK107\n\n\n"
            "@app.exception_handler(KeyError)\n"
            "def missing(request: object, problem) -> JSONResponse:\n"
            "    return JSONResponse({'detail': repr(problem)}, status_code=404)  # expect: BK107\n"
            "\n\n"
            "def on_value_error(request: object, failure) -> JSONResponse:\n"
            "    return JSONResponse({'detail': str(failure)}, status_code=400)  # expect: BK107\n"
            "\n\n"
            "app.add_exception_handler(ValueError, on_value_error)\n"
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """HTTPException details and JSON responses that carry exception text."""
        names = {"HTTPException", "JSONResponse", "ORJSONResponse", "PlainTextResponse"}

        def accept(callee: External) -> bool:
            return callee.is_from("fastapi", "starlette")

        handlers: set[int] | None = None
        messages = AppMessages(ctx.index)
        for site, where, callee in external_calls(ctx.index, names, accept):
            call = site.call
            payload = (
                call.arg(1, "detail") if callee.last == "HTTPException" else call.arg(0, "content")
            )
            if payload is None:
                continue
            if handlers is None:  # the registrations are read once, for both uses
                handlers = set(messages.registrations())
            caught = exception_names(where, handlers)
            if not _Leaks(caught)(payload):
                continue
            if _Leaks(caught - messages.safe_names(where, caught, site.line))(payload):
                yield self.finding(
                    where.module.path,
                    site.line,
                    "The response carries the exception's text or traceback, which can reveal "
                    "internals (SQL, paths, secrets); return a generic message and log the "
                    "exception with logger.exception(...)",
                )
