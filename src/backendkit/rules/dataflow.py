"""Rules on what flows into sensitive calls: BK109 weak password hashing, BK111 secrets
written to logs (BK110 SQL text lives in sqlstrings.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from backendkit.findings import Finding
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx, External
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.cliprograms import command_line
from backendkit.rules.numbers_held import holds_number, holds_uuid
from backendkit.rules.secretnames import (
    FLAG_WORDS,
    REDACTING_VERBS,
    name_words,
    names_token,
    secret_kind,
)
from backendkit.rules.secrets import names_no_secret
from backendkit.rules.support import call_sites, external_calls
from backendkit.rules.textpieces import is_text_piece
from backendkit.summary.model import (
    BinOp,
    Call,
    Const,
    Expr,
    FString,
    Name,
    Seq,
    Subscript,
)

__all__ = ["SecretInLogRule", "WeakPasswordHashRule", "secret_kind"]

FAST_HASHES = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s", "new"}
WEAK_SCHEMES = {
    "md5_crypt",
    "des_crypt",
    "bsdi_crypt",
    "plaintext",
    "ldap_md5",
    "ldap_sha1",
    "hex_md5",
    "hex_sha1",
    "hex_sha256",
    "hex_sha512",
    "mysql323",
    "lmhash",
    "nthash",
    "ldap_plaintext",
    "apr_md5_crypt",
}
LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
LOG_RECEIVERS = re.compile(r"(^|\.)(_?logger|_?log|logging|LOGGER|LOG)$")
#: builtins whose result tells nothing of the value they are handed: its size (``len``), a
#: flag (``bool``, ``isinstance``, ``issubclass``, ``callable``, ``hasattr``), its class
#: (``type``, which logs ``<class 'str'>``) or its identity (``id``); ``str``, ``repr``,
#: ``format``, ``getattr``, ``int`` and ``hash`` give the value or something made of it
OPAQUE_BUILTINS = frozenset(
    {"len", "bool", "isinstance", "issubclass", "callable", "hasattr", "type", "id"}
)


def _names_in(expr: Expr | None) -> list[str]:
    """Dotted names (and call targets, and ``x["key"]`` as ``x.key``) that appear in ``expr``."""
    if expr is None:
        return []
    collect = _COLLECTORS.get(type(expr))
    return collect(expr) if collect else []


def _call_names(expr: Call) -> list[str]:
    """The callee and the arguments' names; ``len(x)`` is a count, ``bool(x)``,
    ``is_valid(token)`` or ``verify_password(password, hashed)`` a flag, ``type(x)`` a class
    and ``mask(token)`` a redacted copy, so none names its arguments."""
    if isinstance(expr.func, Name) and _reveals_nothing(expr.func.dotted):
        return []
    names = _callee_names(expr) + [n for a in expr.args for n in _names_in(a)]
    return names + [n for _, v in expr.kwargs for n in _names_in(v)]


def _reveals_nothing(callee: str) -> bool:
    """One of ``OPAQUE_BUILTINS`` (``len``, ``type``...), a function named as a question
    (``is_valid``, ``verify_password``) or as a redaction (``mask``, ``redact_secret``)."""
    words = name_words(callee)
    if callee in OPAQUE_BUILTINS:
        return True
    return bool(words) and (words[0] in FLAG_WORDS or words[0] in REDACTING_VERBS)


def _callee_names(call: Call) -> list[str]:
    """A method's dotted name and its receiver (``token.decode()`` names ``token``);
    ``d.get("key")`` names ``d.key`` as ``d["key"]`` does."""
    func = call.func
    if not isinstance(func, Name):
        return _names_in(func)
    receiver, _, method = func.dotted.rpartition(".")
    if not receiver:
        return [method]
    key = call.args[0] if method == "get" and call.args else None
    if isinstance(key, Const) and isinstance(key.value, str):
        return [func.dotted, f"{receiver}.{key.value}"]
    return [func.dotted, receiver]


def _subscript_names(expr: Subscript) -> list[str]:
    keys = [str(i.value) for i in expr.items if isinstance(i, Const)]
    base = _names_in(expr.value)
    return [f"{n}.{k}" for n in base for k in keys] or base


_COLLECTORS: dict[type, Callable[[Any], list[str]]] = {
    Name: lambda e: [e.dotted],
    Call: _call_names,
    FString: lambda e: [n for p in e.parts for n in _names_in(p)],
    Seq: lambda e: [n for i in e.items for n in _names_in(i)],
    BinOp: lambda e: _names_in(e.left) + _names_in(e.right),
    Subscript: _subscript_names,
}


class WeakPasswordHashRule(ProjectRule):
    """BK109: passwords hashed with a fast hash, or weak passlib schemes."""

    code = "BK109"
    links = False  # reads the index only: runs while the project is linked
    cost = 0.1
    focusable = True  # reported at the hashing call
    VALID = (
        Example(
            "import hashlib\n\nfrom pwdlib import PasswordHash\n\n"
            "hasher = PasswordHash.recommended()\n\n\ndef digest(body: bytes) -> str:\n"
            "    return hashlib.sha256(body).hexdigest()\n"
        ),
        Example(
            "import hashlib\n\n\ndef breach_prefix(password: str) -> str:\n"
            "    digest = hashlib.sha1(password.encode(), usedforsecurity=False)\n"
            "    return digest.hexdigest()[:5]\n",
            note="a declared non-security use (a k-anonymity lookup)",
        ),
    )
    INVALID = (
        Example(
            "import hashlib\n\nfrom passlib.context import CryptContext\n\n"
            "ctx = CryptContext(schemes=['md5_crypt'])  # expect: BK109\n\n\n"
            "def store(password: str) -> str:\n"
            "    return hashlib.sha256(password.encode()).hexdigest()  # expect: BK109\n"
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Fast hashes applied to password-named values and weak CryptContext schemes."""

        def accept(callee: External) -> bool:
            return callee.is_from("hashlib") or callee.is_from("passlib")

        for site, where, callee in external_calls(
            ctx.index, FAST_HASHES | {"CryptContext"}, accept
        ):
            message = self._problem(site.call, callee)
            if message:
                yield self.finding(where.module.path, site.line, message)

    @staticmethod
    def _problem(call: Call, callee: External) -> str:
        if callee.last == "CryptContext":
            return _weak_schemes(call)
        if _not_for_security(call):
            return ""
        if any(secret_kind(n) == "password" for a in call.args for n in _names_in(a)):
            return (
                f"Password hashed with hashlib.{callee.last}, a fast unsalted hash that GPUs "
                "brute-force; use a password hasher (pwdlib with Argon2, or bcrypt)"
            )
        return ""


class SecretInLogRule(ProjectRule):
    """BK111: passwords, tokens, secrets or Authorization headers passed to logging or print."""

    code = "BK111"
    links = False  # reads the index only: runs while the project is linked
    cost = 1.2
    focusable = True  # reported at the logging call
    VALID = (
        Example(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def login(username: str, password: str, token_count: int, user: object) -> None:\n"
            "    logger.info('login attempt for %s', username)\n"
            "    logger.info('password reset requested')\n"
            "    logger.info('%d tokens, changed %s', token_count, user.password_changed_at)\n"
        ),
        Example(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def mask(token: str) -> str:\n    return token[:4] + '...'\n\n\n"
            "def connect(token: str) -> None:\n"
            "    logger.info('token configured: %s', bool(token))\n"
            "    masked_token = mask(token)\n    logger.info('using token %s', masked_token)\n",
            note="a flag and a redacted copy",
        ),
        Example(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def costs(price: float, limit: int, pagination_token: str, tokenizer) -> None:\n"
            "    cost_per_token = {'input_cost_per_token': price}\n"
            "    logger.info(f'cost per token: {cost_per_token}')\n"
            "    logger.debug(f'limit: {limit}, pagination_token: {pagination_token}')\n"
            "    logger.debug('eos %s', tokenizer.eos_token)\n\n\n"
            "def cidrs(raw: str) -> None:\n"
            "    for token in raw.split(','):\n"
            "        token = token.strip()\n"
            "        logger.warning('ignoring invalid allowed CIDR: %s', token)\n",
            note="a price per token, a pagination cursor, a model's token, a piece of a text",
        ),
        Example(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def generate(max_new_token: int, config, token: int, token_ids: list) -> None:\n"
            "    logger.info(f'hit max_new_token: {max_new_token}')\n"
            "    logger.info('%d image tokens', config.num_image_token)\n"
            "    logger.debug('token %d of %s', token, token_ids)\n",
            note="a language model's token counts, bounds and ids",
        ),
        Example(
            {
                "tools/make_secret.py": "import argparse\nimport secrets\n\n\n"
                "def main() -> None:\n    argparse.ArgumentParser().parse_args()\n"
                "    secret = secrets.token_urlsafe(32)\n    print(f'AUTH_SECRET={secret}')\n"
            },
            note="a command-line program prints the secret its user asked it to make",
        ),
    )
    INVALID = (
        Example(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def login(username: str, password: str, request: object) -> None:\n"
            "    logger.debug(f'login {username} with {password}')  # expect: BK111\n"
            "    print('auth header', request.headers['authorization'])  # expect: BK111\n"
            "    logger.info('token=%s', request.token)  # expect: BK111\n"
        ),
        Example(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def tokens(settings, request, api_token: str, refresh_token: str) -> None:\n"
            "    logger.info('api %s refresh %s', api_token, refresh_token)  # expect: BK111\n"
            "    token = request.headers.get('X-Token')\n"
            "    logger.info('header token %s', token)  # expect: BK111\n"
            "    for token in settings.API_TOKENS.split(','):\n"
            "        logger.info('loaded %s', token)  # expect: BK111\n"
            "    for token in request.headers.get('Authorization').split():\n"
            "        logger.info('part %s', token)  # expect: BK111\n\n\n"
            "def retry(token: str, attempt: int, new_token: int | str) -> None:\n"
            "    logger.info('retry %d with %s', attempt, token)  # expect: BK111\n"
            "    logger.info('new %s', new_token)  # expect: BK111\n",
            note="tokens and the pieces of a text that names them",
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Logging calls and prints whose arguments name a secret value (a command-line
        program's prints excepted: ``command_line``)."""
        for site, where in call_sites(ctx.index):
            call = site.call
            if not _logs(call, where):
                continue
            names = [n for a in call.args for n in _names_in(a) if secret_kind(n)]
            leaked = [n for n in names if not _not_a_credential(ctx.index, n, where)]
            if leaked:
                yield self.finding(
                    where.module.path,
                    site.line,
                    f"Logging {sorted(set(leaked))[0]} writes a secret to the logs, where many "
                    "people and systems can read it; log an identifier or a redacted value",
                )


PRINT = Name("print")


def _logs(call: Call, where: Ctx) -> bool:
    """A logging call, or a ``print`` outside a command-line program (``command_line``)."""
    return _is_log_call(call) and not (call.func == PRINT and command_line(where.module))


def _not_a_credential(index: ProjectIndex, name: str, ctx: Ctx) -> bool:
    """A secret-named value that is not one: a ``token`` looped over the pieces of a text
    (``textpieces``), a name holding a number or a UUID (``token: int``, ``token: UUID``;
    ``numbers_held``), a token made by ``uuid4()`` / ``uuid1()`` (a random id: ``token =
    uuid4()``; a password or key made so stays a secret), or a constant whose literal is no
    secret (a route path, its own name: ``secrets.names_no_secret``)."""
    if is_text_piece(name, ctx) or holds_number(name, ctx):
        return True
    if names_token(name) and holds_uuid(index, name, ctx):
        return True
    return names_no_secret(index, name, ctx)


def _weak_schemes(call: Call) -> str:
    """The problem of a passlib ``CryptContext(schemes=[...])`` with weak schemes, or ""."""
    schemes = call.kwarg("schemes")
    items = schemes.items if isinstance(schemes, Seq) else ()
    weak = [str(i.value) for i in items if isinstance(i, Const) and i.value in WEAK_SCHEMES]
    if not weak:
        return ""
    return (
        f"CryptContext uses weak scheme(s) {', '.join(weak)}; use argon2 or "
        "bcrypt (pwdlib's Argon2 hasher)"
    )


def _not_for_security(call: Call) -> bool:
    """``hashlib.sha1(data, usedforsecurity=False)``: the caller declares a non-security use
    (a k-anonymity prefix, a cache key), so no password is stored with it."""
    flag = call.kwarg("usedforsecurity")
    return isinstance(flag, Const) and flag.value is False


def _is_log_call(call: Call) -> bool:
    if not isinstance(call.func, Name):
        return False
    receiver, _, method = call.func.dotted.rpartition(".")
    if not receiver:
        return method == "print"
    return method in LOG_METHODS and bool(LOG_RECEIVERS.search(receiver))
