"""BK113: a password, password hash, token, API key or secret compared with ``==`` / ``!=``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from backendkit.findings import Finding
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx, External, ModuleSym, VarSym
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.cliprograms import command_line
from backendkit.rules.numbers_held import holds_number
from backendkit.rules.storedchange import stores_changed_value
from backendkit.rules.support import focused_modules, iter_functions
from backendkit.rules.textpieces import is_text_piece
from backendkit.rules.validatorfields import compares_fields
from backendkit.summary.model import (
    Attr,
    BinOp,
    Compare,
    Const,
    DictExpr,
    Expr,
    FString,
    FunctionInfo,
    Name,
    Param,
    Seq,
    Subscript,
)

# the last part of a name (lower case): a password or its hash, then tokens, keys and secrets
PASSWORD = re.compile(
    r"^(hashed_|stored_|current_|plain_|db_)?(password|passwd|pwd|passphrase)(_hash|_hashed|_digest)?$"
)
_TOKEN_KINDS = (
    "access|refresh|reset|auth|api|csrf|xsrf|bearer|session|verification|verify|confirm|"
    "confirmation|invite|invitation|magic|otp|id|raw|provided|expected|stored|jwt|webhook|x"
)
# webhook signature headers (`x_signature`, `x_hub_signature_256`, `stripe_signature`) and
# computed ones; a bare `signature` is usually inspect.signature or a file signature
_SIGNATURE = (
    r"(x_([a-z0-9]+_)*|(hmac|webhook|stripe|svix|expected|computed|provided|received|request|"
    r"payload)_)signature(_(256|sha256|sha1))?"
)
SECRET = re.compile(
    rf"^((({_TOKEN_KINDS})_)?token|(.*_)?secret|(.*_)?api_?key|{_SIGNATURE}|"
    r"(.*_)?(token|secret|key)_(hash|digest))$"
)
# a token whose kind merely reads like a confirmation (`verification_token`): a stored secret
_TOKEN_NAME = re.compile(rf"^({_TOKEN_KINDS})_token$")
# the markers of a second copy typed by the user, or of the new value in a change form
_USER_TYPED = re.compile(
    r"(^|_)(confirm|confirmation|repeat|again|retype|verify|verification|new)(?=_|$)"
)
# the value a change form replaces: ``new_password == current_password`` compares two inputs
_REPLACED = re.compile(r"^(current|old)_")
# the receiver a method is called on: not a value of the request
_RECEIVERS = ("self", "cls")
# the column collections of a SQLAlchemy Core table: ``table.c.name``, ``table.columns.name``
_COLUMNS = ("c", "columns")

_VALID = """\
import secrets

from pwdlib import PasswordHash

from app.config import settings

password_hash = PasswordHash.recommended()


def login(password: str, hashed_password: str) -> bool:
    return password_hash.verify(password, hashed_password)


def check_key(x_api_key: str) -> bool:
    return secrets.compare_digest(x_api_key, settings.API_KEY)


def register(password: str, password_confirm: str, token_type: str) -> None:
    if password is None or password == "" or len(password) == 0:
        raise ValueError("password required")
    if password != password_confirm:
        raise ValueError("passwords differ")
    if token_type != "bearer":
        raise ValueError("unsupported token type")


def change(new_password: str, current_password: str, confirm_password: str) -> None:
    if new_password == current_password or confirm_password != new_password:
        raise ValueError("choose a new password and type it twice")


PTU_SENTINEL_API_KEY = "__ptu_flat_cost__"


def is_flat_cost(api_key: str) -> bool:
    return api_key == PTU_SENTINEL_API_KEY


def check_admin_secret() -> None:
    if settings.ADMIN_SECRET == settings.load_secret():
        raise ValueError("ADMIN_SECRET must differ from SECRET")


def store_api_key(credential, api_key: str) -> None:
    if credential.api_key != api_key:
        credential.api_key = api_key


def update_token(server, update: dict, existing_token: str, vault) -> None:
    # only re-encrypt if different
    if existing_token != update["token"]:
        server.token_enc = vault.encrypt(update["token"])


class TokenService:
    def load_secret(self) -> str:
        candidate = secrets.token_urlsafe(64)
        secret = settings.store.setdefault("jwt", candidate)
        if secret == candidate:
            print("generated a new signing secret")
        return secret


def scheme(header: str, user_id: str) -> bool:
    return header == f"Bearer {user_id}" or header == "Bearer " + "x"


def advance(pattern: tuple[int, ...], matched: int, token: int, other: int | None) -> int:
    secret = 0
    if token == pattern[matched] or other == token or secret == matched:
        matched += 1
    return matched
"""

_QUERY = """\
from sqlmodel import Field, SQLModel, select


class ApiKey(SQLModel, table=True):
    id: int = Field(primary_key=True)
    key_hash: str


def find(key_hash: str):
    return select(ApiKey).where(ApiKey.key_hash == key_hash)
"""

_INVALID = """\
from app.config import settings


def login(user, password: str) -> bool:
    return user.password == password  # expect: BK113


def check_key(x_api_key: str) -> None:
    if x_api_key != settings.API_KEY:  # expect: BK113
        raise PermissionError("bad key")


def check_reset(record, token: str) -> bool:
    return token == record["reset_token"]  # expect: BK113


def check_header(x_token: str, verification_token: str, confirmation_token: str, stored) -> None:
    if x_token != settings.X_TOKEN:  # expect: BK113
        raise PermissionError("bad token")
    if verification_token == stored or confirmation_token == stored:  # expect: BK113
        return


def check_hashes(user, refresh_token_hash: str, stored_token_hash: str, digest: str) -> bool:
    return refresh_token_hash == stored_token_hash or user.api_key_hash == digest  # expect: BK113


def check_current(user, current_password: str) -> bool:
    return current_password == user.password  # expect: BK113


def check_hook(x_hub_signature_256: str, stripe_signature: str, expected: str) -> bool:
    return x_hub_signature_256 == expected or stripe_signature == expected  # expect: BK113


class HeaderCheck:
    def __init__(self, x_token: str) -> None:
        self.x_token = x_token

    def verify(self) -> None:
        if self.x_token != settings.X_TOKEN:  # expect: BK113
            raise PermissionError("bad token")

    def check(self, token: str, count: int) -> bool:
        token = token.strip()
        return token == settings.X_TOKEN or count == 0  # expect: BK113


class PasswordMiddleware:
    def __init__(self, password: str) -> None:
        self.password = password

    def allowed(self, headers: dict) -> bool:
        return headers.get("Authorization") == f"Bearer {self.password}"  # expect: BK113

    def basic(self, header: str) -> bool:
        return header == "Basic " + settings.API_KEY  # expect: BK113


def check_then_keep(request, api_key: str) -> None:
    if api_key != settings.API_KEY:  # expect: BK113
        raise PermissionError("bad key")
    request.state.api_key = api_key


def password_or_key(server, request, password: str):
    if request.password != password:  # expect: BK113
        response = server.api_key_to_user(api_key=request.password)
    else:
        response = server.authenticate_admin()
    return response


def check_flag(request, token: str, stored) -> None:
    allowed = token == stored.token  # expect: BK113
    request.state.token = token
    request.state.allowed = allowed
"""

_CONFIG = (
    "class Settings:\n    API_KEY: str = ''\n    X_TOKEN: str = ''\n\n\nsettings = Settings()\n"
)


def _last(expr: Expr) -> tuple[str, str] | None:
    """``(base, last part)`` of a name-like expression: ``user.password`` gives
    ``("user", "password")``; ``data["token"]`` gives ``("data", "token")``."""
    if isinstance(expr, Name):
        base, _, last = expr.dotted.rpartition(".")
        return base, last
    if isinstance(expr, Attr):
        return "", expr.attr
    if isinstance(expr, Subscript) and len(expr.items) == 1:
        key = expr.items[0]
        if isinstance(key, Const) and isinstance(key.value, str):
            inner = expr.value.dotted if isinstance(expr.value, Name) else ""
            return inner, key.value
    return None


def _kind(expr: Expr) -> str:
    """``password``, ``secret`` or ``""`` for a side of a comparison."""
    found = _last(expr)
    if found is None:
        return ""
    last = found[1].lower()
    if PASSWORD.match(last):
        return "password"
    return "secret" if SECRET.match(last) else ""


def _is_literal(expr: Expr) -> bool:
    """Literals (``None``, ``""``, ``"bearer"``) and empty displays: presence or kind checks."""
    return isinstance(expr, Const) or (isinstance(expr, (Seq, DictExpr)) and not expr.items)


def _is_query(index: ProjectIndex, expr: Expr, ctx: Ctx) -> bool:
    """``User.hashed_password == x`` builds a SQL expression: its head names a class or module;
    so does a SQLAlchemy Core column, ``tokens.c.token_hash`` or ``table.columns.token_hash``."""
    if _core_column(expr):
        return True
    if not isinstance(expr, Name) or "." not in expr.dotted:
        return False
    head = expr.dotted.partition(".")[0]
    return isinstance(index.lookup(head, ctx), (ClassSym, External, ModuleSym))


def _core_column(expr: Expr) -> bool:
    """``<table>.c.<column>`` / ``<table>.columns.<column>``, whatever the table expression."""
    if isinstance(expr, Name):
        parts = expr.dotted.split(".")
        return len(parts) >= 3 and parts[-2] in _COLUMNS
    return isinstance(expr, Attr) and isinstance(expr.value, Attr) and expr.value.attr in _COLUMNS


def _stem(name: str) -> str:
    """The name without confirm / repeat / new / trailing-2 markers: ``confirm_password`` and
    ``password2`` give ``password``; token names (``verification_token``) stay whole."""
    if _TOKEN_NAME.match(name):
        return name
    return _USER_TYPED.sub("", name).removesuffix("2").strip("_")


def _user_typed(left: Expr, right: Expr) -> bool:
    """Two values the user typed: a confirm pair (``password != password_confirm``,
    ``new_password == current_password``) or two attributes of one object (``form.a == form.b``)."""
    a, b = _last(left), _last(right)
    if a is None or b is None:
        return False
    if a[0] and a[0] == b[0]:
        return True
    names = sorted((a[1].lower(), b[1].lower()), key=lambda n: not n.startswith("new_"))
    if names[0].startswith("new_") and _REPLACED.match(names[1]):
        return names[0][4:] == _REPLACED.sub("", names[1])
    return names[0] != names[1] and _stem(names[0]) == _stem(names[1]) != ""


class SecretCompareRule(ProjectRule):
    """BK113: passwords, hashes, tokens and keys compared with ``==``."""

    code = "BK113"
    links = False  # reads the index only: runs while the project is linked
    cost = 1
    focusable = True  # reported at the comparison
    VALID = (
        Example({"app/__init__.py": "", "app/config.py": _CONFIG, "app/auth.py": _VALID}),
        Example({"app/__init__.py": "", "app/models.py": _QUERY}),
    )
    INVALID = (Example({"app/__init__.py": "", "app/config.py": _CONFIG, "app/auth.py": _INVALID}),)

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Every ``==`` / ``!=`` of a secret-named value with a non-literal, in any scope."""
        for compare, where in all_compares(ctx.index):
            message = self._problem(ctx.index, compare, where)
            if message:
                yield self.finding(where.module.path, compare.line, message)

    @staticmethod
    def _problem(index: ProjectIndex, compare: Compare, ctx: Ctx) -> str:
        found = _secret_side(index, compare, ctx)
        if found is None:
            return ""
        kind, name = found
        if kind != "password" and command_line(ctx.module):
            return ""  # a command-line program: no remote caller times the comparison
        if kind == "password":
            return (
                f"{name} compared with {compare.op}: a plain comparison means passwords are "
                "stored in plain text or checked against a hash in non-constant time; verify "
                "with the password hasher (password_hash.verify(plain, hashed))"
            )
        return (
            f"{name} compared with {compare.op}: == stops at the first differing character, so "
            "response times reveal the secret byte by byte; use "
            "secrets.compare_digest(a, b) (hmac.compare_digest for bytes)"
        )


def _secret_side(index: ProjectIndex, compare: Compare, ctx: Ctx) -> tuple[str, str] | None:
    """``(kind, name)`` of the secret a comparison checks, None when it checks none."""
    kinds = [k for side in (compare.left, compare.right) if (k := _side_kind(side, ctx))]
    if not kinds or _not_a_check(index, compare, ctx):
        return None
    kind, side = max(kinds, key=lambda pair: pair[0] == "password")
    return kind, ".".join(p for p in _last(side) or () if p)


def _side_kind(side: Expr, ctx: Ctx) -> tuple[str, Expr] | None:
    """``(kind, expr)`` of the secret one side of a comparison names, None when none."""
    if _kind(side):
        return None if _piece(side, ctx) else (_kind(side), side)
    part = _secret_part(side)  # a header value made from it: a shared secret
    return None if part is None or _piece(part, ctx) else ("secret", part)


def _secret_part(expr: Expr) -> Expr | None:
    """The placeholder of an f-string, or the operand of a ``+``, that names a secret:
    ``f"Bearer {self.password}"`` and ``"Bearer " + token`` are credentials made from it."""
    if isinstance(expr, FString):
        parts = [part for part in expr.parts if not isinstance(part, Const)]
    elif isinstance(expr, BinOp) and expr.op == "Add":
        parts = [expr.left, expr.right]
    else:
        return None
    for part in parts:
        if _kind(part):
            return part
        inner = _secret_part(part)
        if inner is not None:
            return inner
    return None


def _piece(side: Expr, ctx: Ctx) -> bool:
    """``token`` looped over the pieces of a text (``for token in raw.split(","):``), a
    lexical token rather than a credential (see ``textpieces``), or a name holding a number
    (``token: int``, a language model's token id; see ``numbers_held``)."""
    if not isinstance(side, Name):
        return False
    return is_text_piece(side.dotted, ctx) or holds_number(side.dotted, ctx)


def _not_a_check(index: ProjectIndex, compare: Compare, ctx: Ctx) -> bool:
    """A presence/kind check (with a literal or a module constant bound to one), two
    user-typed values (a confirm pair, two fields of the model a pydantic validator
    validates), no request value, a change detection, or a SQL expression."""
    sides = (compare.left, compare.right)
    if any(_is_literal(side) for side in sides) or _user_typed(*sides):
        return True
    if compares_fields(index, compare, ctx):
        return True
    if _no_request_value(compare, ctx) or _stores_new_value(compare, ctx):
        return True
    if stores_changed_value(compare, ctx):
        return True
    return any(_is_query(index, side, ctx) or _is_constant(index, side, ctx) for side in sides)


def _no_request_value(compare: Compare, ctx: Ctx) -> bool:
    """In a function that takes no parameter, nor do the functions around it: FastAPI hands a
    request's values to parameters only, so the comparison is between configuration values
    (a start-up check that two secrets from the environment differ, a secret generated and
    stored on first use). A method's leading ``self`` / ``cls`` is not a request's value, so
    a method taking only it counts as taking none, unless a side is read through it
    (``self.token``: an instance may hold what a class-based dependency was handed). Module
    level is not counted: it stays reported as before."""
    owners = [owner for owner in ctx.owners if owner is not None]
    if not owners or any(_request_params(owner) for owner in owners):
        return False
    receivers = {owner.params[0].name for owner in owners if owner.params}
    return not any(_read_through(side, receivers) for side in (compare.left, compare.right))


def _request_params(func: FunctionInfo) -> list[Param]:
    """The parameters of ``func`` that may hold a caller's value: all but a method's leading
    ``self`` / ``cls``."""
    params = func.params
    if params and params[0].name in _RECEIVERS and params[0].kind in ("posonly", "normal"):
        return params[1:]
    return params


def _read_through(side: Expr, receivers: set[str]) -> bool:
    """``side`` is a name read through one of ``receivers`` (``self.token``,
    ``self.tokens["a"]``)."""
    while isinstance(side, Subscript | Attr):
        side = side.value
    return isinstance(side, Name) and side.dotted.partition(".")[0] in receivers


def _stores_new_value(compare: Compare, ctx: Ctx) -> bool:
    """``if stored != new: stored = new`` (the scope binds one side to the other on or after
    the comparison's line): change detection before storing a new value, not a check."""
    left, right = compare.left, compare.right
    if not isinstance(left, Name) or not isinstance(right, Name):
        return False
    scope = ctx.scopes[-1]
    for target, value in ((left, right), (right, left)):
        bound = [(a.value, a.line) for a in scope.assigns.get(target.dotted, ())]
        bound += scope.attr_assigns.get(target.dotted, ())
        if any(expr == value and line >= compare.line for expr, line in bound):
            return True
    return False


def _is_constant(index: ProjectIndex, expr: Expr, ctx: Ctx) -> bool:
    """A module-level name bound once, to a literal other than ``None`` (``PTU_SENTINEL_API_KEY:
    Final = "__ptu_flat_cost__"``, ``constants.LEVEL``): comparing with it is comparing with
    the literal, whose value is in the source (a hardcoded secret is BK104's finding, on the
    constant). A settings attribute, a value read from the environment, a name bound again, a
    ``None`` a function fills in through ``global`` and a function's local are not."""
    if not isinstance(expr, Name):
        return False
    found = index.lookup(expr.dotted, ctx)
    if not isinstance(found, VarSym) or len(found.ctx.scopes) != 1:
        return False
    bindings = found.ctx.module.scope.assigns.get(found.name, [])
    value = bindings[0].value if len(bindings) == 1 else None
    return isinstance(value, Const) and value.value is not None


def all_compares(index: ProjectIndex) -> Iterator[tuple[Compare, Ctx]]:
    """Every recorded comparison with the context of its scope."""
    for summary in focused_modules(index):
        ctx = Ctx(summary, (summary.scope,))
        for compare in summary.scope.compares:
            yield compare, ctx
    for info, where in iter_functions(index):
        if info.name in ("__eq__", "__ne__"):
            continue  # structural equality of two objects, not a check of a secret
        inner = where.enter(info)
        for compare in info.scope.compares:
            yield compare, inner
