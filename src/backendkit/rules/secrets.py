"""BK104: secrets written into the code (settings defaults, constants, getenv fallbacks, JWT
keys)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from backendkit.findings import Finding
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.support import derives_from, external_calls, iter_classes
from backendkit.summary.model import Assign, Call, Const, ModuleSummary

SECRET_NAME = re.compile(
    r"(secret|passw(or)?d|passwd|pwd$|api_?key|apikey|private_?key|signing_?key|jwt_?key|"
    r"encryption_?key|access_?key|(auth|access|refresh|bearer|api|bot|github|slack)_?token|"
    r"^token$|credentials?$)",
    re.IGNORECASE,
)
NOT_A_SECRET = re.compile(
    r"(_url|_uri|_path|_file|_name|_header|_field|_type|_algorithm|_alg|_expire\w*|_prefix|"
    r"_length|_len|_ttl|_minutes|_seconds|_days|_hours|_lifetime|_endpoint|_scheme|_error|"
    r"_message|_msg|_text|_detail|_label|_title|_description|_pattern|_regex)$",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(
    r"^(change[-_ ]?(this|me|it)|changethis|changeme|placeholder|replace[-_ ]?me|todo|"
    r"x+|\*+|<[^>]*>|\$\{[^}]*\}|\.\.\.)$",
    re.IGNORECASE,
)
_TEST_FILE = re.compile(r"(^|/)(tests?/|test_[^/]*\.py$|[^/]*_test\.py$|conftest\.py$)")


def _looks_secret(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not NOT_A_SECRET.search(name)


def _is_literal_secret(value: object) -> bool:
    """A literal that could be a real secret: not a placeholder, not prose, not tiny."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return len(text) >= 6 and not any(c.isspace() for c in text) and not PLACEHOLDER.match(text)


def _default(assign: Assign) -> object:
    """The literal default of a constant or field (``Field(default=...)`` included)."""
    value = assign.value
    if isinstance(value, Call) and _is_field(value):
        value = value.arg(0, "default")
    return value.value if isinstance(value, Const) else None


def _is_field(call: Call) -> bool:
    func = call.func
    return getattr(func, "dotted", "").rpartition(".")[2] == "Field"


class HardcodedSecretRule(ProjectRule):
    """BK104: a secret with a literal value in code."""

    code = "BK104"
    cost = 3
    VALID = (
        Example(
            "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n"
            "    SECRET_KEY: str\n    DATABASE_PASSWORD: str = 'changethis'\n"
            "    TOKEN_URL: str = '/api/v1/login'\n    ACCESS_TOKEN_EXPIRE_MINUTES: int = 30\n"
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
    )
    INVALID = (
        Example(
            "from pydantic import Field\nfrom pydantic_settings import BaseSettings\n\n\n"
            "class Settings(BaseSettings):\n"
            "    SECRET_KEY: str = 'e3b0c44298fc1c149afbf4c8996fb924'  # expect: BK104\n"
            "    STRIPE_API_KEY: str = Field(default='sk_live_abc123')  # expect: BK104\n"
        ),
        Example(
            "import os\n\nimport jwt\n\nJWT_SECRET = 'hunter2'  # expect: BK104\n"
            "DB_PASSWORD = os.getenv('DB_PASSWORD', 'postgres')  # expect: BK104\n\n\n"
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

        for summary in ctx.index.modules.values():
            if wanted(summary.path):
                yield from self._constants(summary)
        for cls in iter_classes(ctx.index):
            if wanted(cls.ctx.module.path) and _is_settings(ctx.index, cls):
                yield from self._fields(cls)
        for finding in self._calls(ctx.index):
            if wanted(finding.path):
                yield finding

    def _constants(self, summary: ModuleSummary) -> Iterator[Finding]:
        for name, assigns in summary.scope.assigns.items():
            if _looks_secret(name) and _is_literal_secret(_default(assigns[-1])):
                yield self._report(summary.path, assigns[-1].line, f"constant {name}")

    def _fields(self, cls: ClassSym) -> Iterator[Finding]:
        for name, assigns in cls.info.scope.assigns.items():
            if _looks_secret(name) and _is_literal_secret(_default(assigns[-1])):
                where = f"settings field {cls.info.name}.{name}"
                yield self._report(cls.ctx.module.path, assigns[-1].line, where)

    def _calls(self, index: ProjectIndex) -> Iterator[Finding]:
        names = {"getenv", "get", "encode", "decode"}
        for site, where, callee in external_calls(index, names, _secret_call):
            call = site.call
            if callee.last in ("getenv", "get"):
                key, fallback = call.arg(0, "key"), call.arg(1, "default")
                named = isinstance(key, Const) and _looks_secret(str(key.value))
                if named and isinstance(fallback, Const) and _is_literal_secret(fallback.value):
                    yield self._report(where.module.path, site.line, f"fallback of {key.value}")
            elif _literal_key(call):
                yield self._report(where.module.path, site.line, f"key of {callee.qualname}")

    def _report(self, path: str, line: int, what: str) -> Finding:
        return self.finding(
            path,
            line,
            f"Hardcoded secret: the {what} is a literal in the code; read it from the "
            "environment (pydantic-settings field without a default, or a placeholder the app "
            "rejects at start-up) and keep real values out of the repository",
        )


def _secret_call(callee: object) -> bool:
    qualname = getattr(callee, "qualname", "")
    return qualname in ("os.getenv", "os.environ.get") or (
        qualname.rpartition(".")[2] in ("encode", "decode")
        and qualname.split(".")[0] in ("jwt", "jose")
    )


def _literal_key(call: Call) -> bool:
    key = call.arg(1, "key")
    return isinstance(key, Const) and _is_literal_secret(key.value)


def _is_settings(index: ProjectIndex, cls: ClassSym) -> bool:
    return derives_from(index, cls, "pydantic_settings", ("BaseSettings",)) or derives_from(
        index, cls, "pydantic", ("BaseSettings",)
    )
