"""BK104: secrets written into the code (settings defaults, constants, getenv fallbacks, JWT
keys). What a literal is (a placeholder, a name, a label, a URL with a password) is decided in
``secretvalues``; here, what names a secret and where literals are bound to one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from backendkit.findings import Finding
from backendkit.project.configvalues import env_read
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx, External, VarSym
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.compare import all_compares
from backendkit.rules.placeholders import Rejected, nested_scopes, placeholder_text
from backendkit.rules.secretnames import name_words
from backendkit.rules.secretvalues import (
    PLACEHOLDER,
    is_literal_secret,
    is_route_path,
    names_something,
    spells_own_name,
    text_of,
    url_password,
)
from backendkit.rules.support import derives_from, external_calls, focused_modules, iter_classes
from backendkit.summary.model import (
    Assign,
    Attr,
    BinOp,
    Call,
    CallSite,
    Const,
    DictExpr,
    Expr,
    FString,
    IfExp,
    Lambda,
    ModuleSummary,
    Name,
    Scope,
    Seq,
    Subscript,
)

SECRET_NAME = re.compile(
    r"(secret|passw(or)?d|passwd|pwd$|api_?key|apikey|private_?key|signing_?key|jwt_?key|"
    r"encryption_?key|access_?key|(auth|access|refresh|bearer|api|bot|github|slack)_?token|"
    r"^token$|credentials?$)",
    re.IGNORECASE,
)
NOT_A_SECRET = re.compile(
    r"(_url|_uri|_path|_file|_name|_header|_field|_type|_algorithm|_alg|_expire\w*|_prefix|"
    r"_length|_len|_ttl|_minutes|_seconds|_days|_hours|_lifetime|_endpoint|_scheme|_error|"
    r"_message|_msg|_text|_detail|_label|_title|_description|_pattern|_regex|"
    # what refers to a secret or a protocol name: ``OPENAI_API_KEY_ENV = "OPENAI_API_KEY"``,
    # ``HASH_SECRET_PARAM``, ``_REFRESH_TOKEN_GRANT``, ``*_TOKEN_SCOPE``, a KDF ``*_KEY_DOMAIN``
    r"_env|_env_?var|_var|_variable|_param|_parameter|_arg|_attr|_attribute|_column|_grant|"
    r"_scopes?|_target|_domain|_info|_context|_purpose|_namespace|"
    # the name of a thing that holds or mentions secrets: ``SECRET_TABLE``, ``*_CHECK`` (a
    # constraint), ``*_FILENAME`` (the file a key is kept in)
    r"_tables?|_check|_constraint|_index|_filename|_dirname|_dir|"
    # what names a secret kept elsewhere or a page about one: ``AWS_SECRET_ARN``,
    # ``SECRET_VERSION = "latest"``, ``PASSWORD_RESET_TEMPLATE = "reset_password.html"``
    r"_arn|_version|_templates?|"
    # the characters a password policy or generator draws from: ``PASSWORD_SPECIAL_CHARACTERS``
    r"_characters|_chars|_charset|_alphabet|"
    # public claim values (``RESET_PASSWORD_TOKEN_AUDIENCE = "fief:reset"``) and the salt of a
    # key derivation, public by design (RFC 8018 s4.1, RFC 5869 s3.1), whose name says so
    r"_audience|_aud|_issuer|_iss|_(derivation|kdf)_salt)$"
    # a name that says its value stands in for a secret: ``PLACEHOLDER_API_KEY``
    r"|(^|_)(placeholder|sentinel|dummy|fake|example|sample|mock)(_|$)",
    re.IGNORECASE,
)
# keyword arguments and claims whose value is public by design: a KDF's or a serializer's
# ``salt=`` / ``info=``, a JWT's ``audience=`` / ``issuer=`` and ``"aud"`` / ``"iss"`` claims
_PUBLIC_ARGS = frozenset({"salt", "info", "audience", "issuer", "aud", "iss"})
_TEST_FILE = re.compile(r"(^|/)(tests?/|test_[^/]*\.py$|[^/]*_test\.py$|conftest\.py$)")
# a PEM private key (RSA, EC, OPENSSH, ENCRYPTED, PKCS#8...): its body follows the header
_PEM_PRIVATE = re.compile(
    r"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----(?P<body>.*?)(-----END|$)", re.DOTALL
)
# a live credential in a provider's own format, whatever it is named: Stripe secret and
# restricted keys, GitHub tokens, Slack tokens, Google API keys, OpenAI and Anthropic keys
_PROVIDER_KEY = re.compile(
    r"(sk|rk)_(live|test)_[0-9A-Za-z]{16,}|gh[pousr]_[0-9A-Za-z]{36,}|github_pat_\w{40,}|"
    r"xox[abposr]-[0-9A-Za-z-]{10,}|AIza[0-9A-Za-z_-]{35}|sk-(proj-|ant-)?[A-Za-z0-9_-]{32,}"
)
# a real PEM body: base64 and the encrypted-key headers (`Proc-Type: 4,ENCRYPTED`)
_PEM_BODY = re.compile(r"[A-Za-z0-9+/=:,-]{6,}")
_WRAPPERS = ("SecretStr", "SecretBytes")
# an HTTP header's name: ``X-OpenWebUI-User-Jwt``, ``Authorization``
_HEADER_NAME = re.compile(r"X-[A-Za-z0-9]+(-[A-Za-z0-9]+)*|Authorization", re.IGNORECASE)
_GETENV = {"getenv", "get"}


def _looks_secret(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not NOT_A_SECRET.search(name)


def is_named_secret(names: Iterable[str], value: object) -> bool:
    """A literal bound to a secret's name that looks like a value, not like a name."""
    names = tuple(names)
    if not any(map(_looks_secret, names)) or not is_literal_secret(value):
        return False
    return not names_something(text_of(value) or "", names)


def _is_private_key(value: object) -> bool:
    """A PEM private key with a real body (not ``...`` or ``<your key>``), whatever its
    whitespace and whatever it is named."""
    found = _PEM_PRIVATE.search(text_of(value) or "")
    if found is None:
        return False
    body = re.sub(r"\s+|\\n", "", found.group("body"))
    return bool(_PEM_BODY.fullmatch(body)) and not PLACEHOLDER.search(body)


def is_provider_key(value: object) -> bool:
    """A literal that is a provider's key in its own format (``sk_live_...``, ``ghp_...``),
    whatever it is named; not a placeholder (``sk_live_xxxx``)."""
    text = (text_of(value) or "").strip()
    return bool(_PROVIDER_KEY.fullmatch(text)) and is_literal_secret(text)


def _secret_what(names: Iterable[str], value: object, what: str) -> str:
    """What of ``what`` (``constant DATABASE_URL``) is a hardcoded secret: all of it (a private
    key, or a real-looking literal bound to a secret's name), the password in its URL, or
    nothing ("")."""
    if _is_private_key(value) or is_provider_key(value) or is_named_secret(names, value):
        return what
    return f"password in the URL of {what}" if url_password(value) else ""


def _constant_secret(name: str, value: object) -> str:
    """What of the module constant ``name`` bound to ``value`` is a hardcoded secret, or
    ``""``: as for any literal, and not a one-word name spelled by its value (``PASSWORD =
    "password"``, a config key)."""
    if spells_own_name(value, name):
        return ""
    return _secret_what((name,), value, f"constant {name}")


def names_no_secret(index: ProjectIndex, dotted: str, ctx: Ctx) -> bool:
    """``dotted`` resolves to a module constant bound once, to a literal that is no secret by
    BK104's reading (a route path, the constant's own name, a placeholder), or to a call
    building a route from one (``UPDATE_USER_PASSWORD = _get_rest_path("/users/update-
    password")``). Used by BK111: logging such a constant writes no secret."""
    found = index.lookup(dotted, ctx)
    if not isinstance(found, VarSym) or len(found.ctx.scopes) != 1:
        return False
    bindings = found.ctx.module.scope.assigns.get(found.name, [])
    value = bindings[0].value if len(bindings) == 1 else None
    if isinstance(value, Call):
        return _call_names_no_secret(index, found, value)
    if not isinstance(value, Const) or text_of(value.value) is None:
        return False
    return not _constant_secret(found.name, value.value)


def _call_names_no_secret(index: ProjectIndex, found: VarSym, value: Call) -> bool:
    """The constant ``found`` is bound to a call building a route from a route path, or
    reading the environment with a default that names something (a deployment sets another
    name, never a secret, in its place)."""
    default = _env_default(index, value, found.ctx)
    if default is not None:
        return _names_a_header(found.name, default)
    if value.args and isinstance(value.args[0], Const):
        return is_route_path(text_of(value.args[0].value) or "")
    return False


def _names_a_header(name: str, default: str) -> bool:
    """A constant named for a header (a word ``header`` in its name) whose fallback is a
    header's name (``X-User-Jwt``): a deployment sets another header name there, never a
    secret. Any other fallback is only a placeholder for the secret a deployment sets."""
    return "header" in name_words(name) and bool(_HEADER_NAME.fullmatch(default.strip()))


def _env_default(index: ProjectIndex, value: Call, ctx: Ctx) -> str | None:
    """The literal default of ``os.getenv(key, default)`` / ``os.environ.get(...)``, or None
    (``FORWARD_USER_INFO_HEADER_JWT = os.environ.get("...", "X-OpenWebUI-User-Jwt")``)."""
    read = env_read(index, value, ctx)
    default = read[1] if read is not None else None
    if not isinstance(default, Const) or not isinstance(default.value, str):
        return None
    return default.value


def _default(index: ProjectIndex, assign: Assign, ctx: Ctx) -> object:
    """The literal default of a constant or field, through ``Field(default=...)``,
    ``Field(default_factory=lambda: ...)`` and pydantic's ``SecretStr(...)`` /
    ``SecretBytes(...)`` (resolved through the imports)."""
    value = assign.value
    while isinstance(value, Call) and (_is_field(value) or _is_secret_wrapper(index, value, ctx)):
        if _is_field(value):
            value = value.arg(0, "default") or _factory_result(value)
        else:
            value = value.arg(0, "secret_value")
    return value.value if isinstance(value, Const) else None


def _factory_result(field: Call) -> Expr | None:
    """What ``Field(default_factory=lambda: ...)`` returns, when the factory is a lambda."""
    factory = field.kwarg("default_factory")
    return factory.body if isinstance(factory, Lambda) else None


def _is_secret_wrapper(index: ProjectIndex, call: Call, ctx: Ctx) -> bool:
    """``SecretStr(...)`` / ``SecretBytes(...)`` of pydantic (``pydantic.v1`` included)."""
    if not isinstance(call.func, Name):
        return False
    callee = index.lookup(call.func.dotted, ctx)
    return isinstance(callee, External) and callee.is_from("pydantic") and callee.last in _WRAPPERS


def _is_field(call: Call) -> bool:
    func = call.func
    return getattr(func, "dotted", "").rpartition(".")[2] == "Field"


class HardcodedSecretRule(ProjectRule):
    """BK104: a secret with a literal value in code."""

    code = "BK104"
    links = False  # reads the index only: runs while the project is linked
    cost = 3
    focusable = True  # reported at the constant, field or call
    VALID = (
        Example(
            "from pydantic import SecretStr\nfrom pydantic_settings import BaseSettings\n\n\n"
            "class Settings(BaseSettings):\n"
            "    SECRET_KEY: str\n    DATABASE_PASSWORD: str = 'changethis'\n"
            "    ADMIN_PASSWORD: SecretStr = SecretStr('changethis')\n"
            "    TOKEN_URL: str = '/api/v1/login'\n    ACCESS_TOKEN_EXPIRE_MINUTES: int = 30\n"
            "    DATABASE_URL: str = 'postgresql://app:${DB_PASSWORD}@db:5432/app'\n"
            "    SQLITE_URL: str = 'sqlite:///./app.db'\n\n"
            "    def model_post_init(self, context: object) -> None:\n"
            "        if 'changethis' in (self.DATABASE_PASSWORD, self.ADMIN_PASSWORD):\n"
            "            raise ValueError('set DATABASE_PASSWORD and ADMIN_PASSWORD')\n",
            note="placeholders the settings refuse to start with",
        ),
        Example(
            {"tests/test_auth.py": "PASSWORD = 'correct-horse-battery-staple'\n"},
            note="test files are skipped by default",
        ),
        Example(
            "CREDENTIALS_ERROR = 'Could not validate credentials'\n"
            "_RELATIONSHIP_TOKEN = 'relationship'\nAPI_KEY_HEADER = 'X-API-Key'\n",
            note="messages, parser tokens and header names are not secrets",
        ),
        Example(
            "OPENAI_API_KEY_ENV = 'OPENAI_API_KEY'\nAPI_KEY_HELPER_KEY = 'apiKeyHelper'\n"
            "_REFRESH_TOKEN_GRANT = 'refresh_token'\n"
            "SUBJECT_TOKEN_TYPE_ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token'\n"
            "_SIGNING_KEY_DOMAIN = b'app:envelope-signing:'\n"
            "AMPLITUDE_API_KEY = 'YOUR_AMPLITUDE_API_KEY_HERE'\nDEMO_API_KEY = 'sk-...xxxx'\n",
            note="names of environment variables and config keys, protocol identifiers, "
            "key-derivation labels and placeholders",
        ),
        Example(
            "import jwt\n\nAPI_KEYS = '/api_keys'\nSECRET_DETAIL = '/secrets/{secret_id}'\n"
            "RESET_PASSWORD_TOKEN_AUDIENCE = 'fief:reset'\n"
            "_ENCRYPTION_KEY_DERIVATION_SALT = b'app-database-encryption-a5d354120d'\n"
            "PASSWORD_RESET_ID = 'app:reset-password'\n\n\n"
            "def reset_token(user_id: str, key: str) -> str:\n"
            "    return jwt.encode({'sub': user_id, 'aud': PASSWORD_RESET_ID}, key)\n",
            note="route paths, JWT audiences and key-derivation salts are public by design",
        ),
        Example(
            "SECRET_TABLE = 'connection_secret'\n_KEY_FILENAME = 'cache_secret_key'\n"
            "AUTH_METHOD_API_KEY = 'api_key'\nJWT_SECRET_DB_KEY = 'jwt_secret'\n"
            "API_KEY_CACHE_KEY = 'auth:api_key:{user_id}'\n",
            note="names of tables and files, the label of an enum-like member, and the keys "
            "secrets are stored under",
        ),
    )
    INVALID = (
        Example(
            "import os\n\nfrom pydantic import Field, SecretStr\n"
            "from pydantic_settings import BaseSettings\n\n\n"
            "class Settings(BaseSettings):\n"
            "    SECRET_KEY: str = 'e3b0c44298fc1c149afbf4c8996fb924'  # expect: BK104\n"
            "    STRIPE_API_KEY: str = Field(default='sk_live_abc123')  # expect: BK104\n"
            "    DB_PASSWORD: SecretStr = SecretStr('hunter2hunter2')  # expect: BK104\n"
            "    JWT_SECRET: str = os.getenv('JWT_SECRET', 'hunter2hunter2')  # expect: BK104\n"
            "    DATABASE_URL: str = 'postgresql://app:s3cretpw@db:5432/app'  # expect: BK104\n"
            "    SESSION_SECRET: str = 'changeme'  # expect: BK104\n\n\n"
            "PEM = '-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIIrYSSNQFaA'  # expect: BK104\n"
        ),
        Example(
            "import os\n\nSTRIPE_KEY = os.getenv('STRIPE_KEY', 'sk_live_51Habcdefghijklmnop')"
            "  # expect: BK104\nBOT = 'ghp_0123456789abcdefghijABCDEFGHIJ012345'  # expect: BK104\n"
            "DEMO = 'sk_live_xxxxxxxxxxxxxxxx'\n",
            note="a provider's key in its own format, whatever its name; not a placeholder",
        ),
        Example(
            "import os\n\nimport jwt\n\nJWT_SECRET = 'hunter2'  # expect: BK104\n"
            "SECRET_DB_KEY = 'e3b0c44298fc1c149afbf4c8996fb924'  # expect: BK104\n"
            "DB_PASSWORD = os.getenv('DB_PASSWORD', 'postgres')  # expect: BK104\n"
            "SIGNING_KEY = os.getenv('SIGNING_KEY', 'change-me')  # expect: BK104\n\n\n"
            "def token(sub: str) -> str:\n"
            "    return jwt.encode({'sub': sub}, 'my-signing-key', algorithm='HS256')  "
            "# expect: BK104\n"
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Settings fields, module constants, getenv fallbacks and JWT keys."""
        skip_tests = bool(self.options.get("ignore-tests", True))

        def wanted(path: str) -> bool:
            return not (skip_tests and _TEST_FILE.search(path))

        rejected = Rejected(ctx.index, wanted)
        for summary in focused_modules(ctx.index):
            if wanted(summary.path):
                yield from self._constants(ctx.index, summary)
        for cls in iter_classes(ctx.index):
            if wanted(cls.ctx.module.path) and _is_settings(ctx.index, cls):
                yield from self._fields(ctx.index, cls, rejected)
        for finding in (*self._calls(ctx.index, rejected), *self._compared(ctx.index)):
            if wanted(finding.path):
                yield finding

    def _compared(self, index: ProjectIndex) -> Iterator[Finding]:
        """The secrets written in comparisons (``secretcompares.py``)."""
        from backendkit.rules.secretcompares import compared_secret  # it imports this module

        for compare, where in all_compares(index):
            what = compared_secret(compare, where.scopes[-1])
            if what:
                yield self._report(where.module.path, compare.line, what)

    def _constants(self, index: ProjectIndex, summary: ModuleSummary) -> Iterator[Finding]:
        ctx = Ctx(summary, (summary.scope,))
        public: set[str] | None = None  # read only for a module with a candidate secret
        for name, assigns in summary.scope.assigns.items():
            value = _default(index, assigns[-1], ctx)
            what = _constant_secret(name, value)
            if not what:
                continue
            if public is None:
                public = _public_only(summary.scope)
            if name not in public:
                yield self._report(summary.path, assigns[-1].line, what)

    def _fields(self, index: ProjectIndex, cls: ClassSym, rejected: Rejected) -> Iterator[Finding]:
        for name, assigns in cls.info.scope.assigns.items():
            value = _default(index, assigns[-1], cls.ctx)
            what = f"settings field {cls.info.name}.{name}"
            line, secret = assigns[-1].line, _secret_what((name,), value, what)
            if secret:
                yield self._report(cls.ctx.module.path, line, secret)
            elif _kept_placeholder((name,), value, rejected):
                yield self._placeholder(cls.ctx.module.path, line, what, value)

    def _calls(self, index: ProjectIndex, rejected: Rejected) -> Iterator[Finding]:
        names = _GETENV | {"encode", "decode"}
        for site, where, callee in external_calls(index, names, _secret_call):
            call = site.call
            if callee.last in _GETENV:
                yield from self._fallback(where.module.path, site, rejected)
            elif _literal_key(call):
                yield self._report(where.module.path, site.line, f"key of {callee.qualname}")

    def _fallback(self, path: str, site: CallSite, rejected: Rejected) -> Iterator[Finding]:
        """A ``getenv`` fallback that is a secret, or a placeholder nothing rejects."""
        what = _literal_fallback(site)
        if what:
            yield self._report(path, site.line, what)
            return
        key, fallback = site.call.arg(0, "key"), site.call.arg(1, "default")
        if isinstance(key, Const) and isinstance(fallback, Const):
            names = (str(key.value), site.use[1:] if site.use.startswith("=") else "")
            if _kept_placeholder(names, fallback.value, rejected):
                yield self._placeholder(path, site.line, f"fallback of {key.value}", fallback.value)

    def _placeholder(self, path: str, line: int, what: str, text: object) -> Finding:
        return self.finding(
            path,
            line,
            f"Placeholder secret: the {what} defaults to the placeholder {str(text).strip()!r}, "
            "which works in production as well as a real key when nothing overrides it, and "
            "the project never rejects it; remove the default (the value is then required) or "
            "refuse to start with it (if value == '...': raise ValueError(...))",
        )

    def _report(self, path: str, line: int, what: str) -> Finding:
        return self.finding(
            path,
            line,
            f"Hardcoded secret: the {what} is a literal in the code; read it from the "
            "environment (pydantic-settings field without a default, or a placeholder the app "
            "rejects at start-up) and keep real values out of the repository",
        )


def _public_only(module: Scope) -> set[str]:
    """Module names whose every use the module's calls, bindings and returns show is a value
    public by design (``_PUBLIC_ARGS``): ``PBKDF2HMAC(..., salt=_KDF_SALT)``,
    ``serializer.dumps(email, salt=RESET_SALT)``, ``{"aud": RESET_AUDIENCE}``. A name also
    used otherwise (``URLSafeTimedSerializer(SIGNING_SECRET, salt=SIGNING_SECRET)``) is not."""
    public: set[str] = set()
    other: set[str] = set()
    for scope in nested_scopes(module):
        exprs = [a.value for bound in scope.assigns.values() for a in bound] + scope.returns
        for site in scope.calls:
            exprs += [site.call.func, *site.call.args]
            for key, value in site.call.kwargs:
                _note_use(value, key in _PUBLIC_ARGS, public, other)
        for expr in exprs:
            _note_use(expr, False, public, other)
    return public - other


def _note_use(expr: Expr | None, public: bool, found: set[str], other: set[str]) -> None:
    """Add the module names ``expr`` reads to ``found`` (a public use) or ``other``, through
    displays, operators and attributes; a call is a call site of its own, read there."""
    if isinstance(expr, Name):
        (found if public else other).add(expr.dotted.partition(".")[0])
    elif isinstance(expr, DictExpr):
        for key, value in expr.items:
            claim = isinstance(key, Const) and key.value in _PUBLIC_ARGS
            _note_use(key, False, found, other)
            _note_use(value, claim, found, other)
    elif not isinstance(expr, Call | Const | None):
        for part in _parts(expr):
            _note_use(part, False, found, other)


def _parts(expr: Expr) -> tuple[Expr | None, ...]:
    """The sub-expressions of a display, an operator, an f-string, an attribute or a
    subscript."""
    if isinstance(expr, Seq | FString):
        return expr.items if isinstance(expr, Seq) else expr.parts
    if isinstance(expr, BinOp):
        return (expr.left, expr.right)
    if isinstance(expr, IfExp):
        return (expr.body, expr.orelse)
    if isinstance(expr, Subscript):
        return (expr.value, *expr.items)
    return (expr.value,) if isinstance(expr, Attr) else ()


def _secret_call(callee: object) -> bool:
    qualname = getattr(callee, "qualname", "")
    return qualname in ("os.getenv", "os.environ.get") or (
        qualname.rpartition(".")[2] in ("encode", "decode")
        and qualname.split(".")[0] in ("jwt", "jose")
    )


def _literal_fallback(site: CallSite) -> str:
    """What is secret in ``getenv("KEY", "literal")`` (``fallback of KEY``): the fallback when
    the key, or the name the result is bound to, says secret (``DB_PASSWORD =
    os.getenv("PGPASS", "...")``) or it is a private key, the password of a URL fallback;
    else ``""``."""
    key, fallback = site.call.arg(0, "key"), site.call.arg(1, "default")
    if not isinstance(key, Const) or not isinstance(fallback, Const):
        return ""
    bound = site.use[1:] if site.use.startswith("=") else ""
    return _secret_what((str(key.value), bound), fallback.value, f"fallback of {key.value}")


def _kept_placeholder(names: Iterable[str], value: object, rejected: Rejected) -> bool:
    """``value`` is a placeholder bound to a secret's name that the project never rejects."""
    text = placeholder_text(value)
    return text is not None and any(map(_looks_secret, names)) and text not in rejected


def _literal_key(call: Call) -> bool:
    key = call.arg(1, "key")
    return isinstance(key, Const) and (is_literal_secret(key.value) or _is_private_key(key.value))


def _is_settings(index: ProjectIndex, cls: ClassSym) -> bool:
    return derives_from(index, cls, "pydantic_settings", ("BaseSettings",)) or derives_from(
        index, cls, "pydantic", ("BaseSettings",)
    )
