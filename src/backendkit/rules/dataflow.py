"""Rules on what flows into sensitive calls: BK109 weak password hashing, BK110 SQL built from
strings, BK111 secrets written to logs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from backendkit.findings import Finding
from backendkit.project.symbols import External
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.localflow import assigned_before
from backendkit.rules.support import external_calls
from backendkit.summary.model import (
    Assign,
    BinOp,
    Call,
    Const,
    Expr,
    FString,
    Name,
    Scope,
    Seq,
    Subscript,
)

PASSWORDISH = re.compile(r"(^|[._])(password|passwd|pwd|passphrase)([._]|$)", re.IGNORECASE)
SECRETISH = re.compile(
    r"(^|[._])(password|passwd|pwd|secret|\w*_secret|token|access_token|refresh_token|api_?key|"
    r"authorization|credentials?|private_key)([._(]|$)",
    re.IGNORECASE,
)
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
SQL_SINKS = {"text", "execute", "executemany", "exec_driver_sql", "executescript", "raw"}


def _names_in(expr: Expr | None) -> list[str]:
    """Dotted names (and call targets, and ``x["key"]`` as ``x.key``) that appear in ``expr``."""
    if expr is None:
        return []
    collect = _COLLECTORS.get(type(expr))
    return collect(expr) if collect else []


def _call_names(expr: Call) -> list[str]:
    names = _names_in(expr.func) + [n for a in expr.args for n in _names_in(a)]
    return names + [n for _, v in expr.kwargs for n in _names_in(v)]


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
    VALID = (
        Example(
            "import hashlib\n\nfrom pwdlib import PasswordHash\n\n"
            "hasher = PasswordHash.recommended()\n\n\ndef digest(body: bytes) -> str:\n"
            "    return hashlib.sha256(body).hexdigest()\n"
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
            schemes = call.kwarg("schemes")
            items = schemes.items if isinstance(schemes, Seq) else ()
            weak = [str(i.value) for i in items if isinstance(i, Const) and i.value in WEAK_SCHEMES]
            if weak:
                return (
                    f"CryptContext uses weak scheme(s) {', '.join(weak)}; use argon2 or "
                    "bcrypt (pwdlib's Argon2 hasher)"
                )
            return ""
        if any(PASSWORDISH.search(n) for a in call.args for n in _names_in(a)):
            return (
                f"Password hashed with hashlib.{callee.last}, a fast unsalted hash that GPUs "
                "brute-force; use a password hasher (pwdlib with Argon2, or bcrypt)"
            )
        return ""


def _built_sql(expr: Expr | None) -> bool:
    """An f-string with placeholders, ``%`` on a literal, ``+`` with a literal or a built
    part, or ``"...".format(...)``."""
    if isinstance(expr, FString):
        return any(not isinstance(p, Const) for p in expr.parts)
    if isinstance(expr, BinOp):
        return _built_binop(expr)
    if isinstance(expr, Call) and isinstance(expr.func, Name):
        return False
    return bool(isinstance(expr, Call) and getattr(expr.func, "attr", "") == "format")


def _built_binop(expr: BinOp) -> bool:
    if expr.op not in ("Modulo", "Add"):
        return False
    if isinstance(expr.left, (Const, FString)) or _built_sql(expr.left):
        return True
    return expr.op == "Add" and _built_sql(expr.right)


def _literal_local(expr: Expr, scope: Scope, line: int) -> bool:
    """A literal, or a local name bound only to string literals before ``line``."""
    if isinstance(expr, Const):
        return True
    if not isinstance(expr, Name) or "." in expr.dotted:
        return False
    bindings = assigned_before(scope, expr.dotted, line)
    return bool(bindings) and all(
        isinstance(a.value, Const) and isinstance(a.value.value, str) for a in bindings
    )


def _bindings(scope: Scope, name: str, line: int) -> list[Assign]:
    """Assignments and augmented assignments of local ``name`` on or before ``line``."""
    augmented = [a for a in scope.aug_assigns.get(name, ()) if a.line <= line]
    return assigned_before(scope, name, line) + augmented


def _built_local(expr: Expr | None, scope: Scope | None, line: int, depth: int = 0) -> int:
    """The line where a local variable named by ``expr`` (or by a ``+``/``%`` operand of it)
    was built from strings before ``line`` (``q = f"..."``, ``q += f"..."``), else 0."""
    if scope is None or depth > 4 or expr is None:
        return 0
    if isinstance(expr, BinOp):
        return _built_operands(expr, scope, line, depth)
    if not isinstance(expr, Name) or "." in expr.dotted:
        return 0
    return next(
        (a.line for a in _bindings(scope, expr.dotted, line) if _built_binding(a, scope, depth)),
        0,
    )


def _built_binding(assign: Assign, scope: Scope, depth: int) -> bool:
    """``q = <built>``, or ``q = <expression of locals one of which is built>``."""
    if _built_sql(assign.value):
        return True
    return bool(_built_local(assign.value, scope, assign.line, depth + 1))


def _built_operands(expr: BinOp, scope: Scope, line: int, depth: int) -> int:
    """``base + value`` with ``base`` a local literal, or an operand built from strings."""
    if expr.op not in ("Add", "Modulo"):
        return 0
    if _literal_local(expr.left, scope, line) and not _literal_local(expr.right, scope, line):
        return line
    left = _built_local(expr.left, scope, line, depth + 1)
    return left or _built_local(expr.right, scope, line, depth + 1)


class SqlStringRule(ProjectRule):
    """BK110: SQL text assembled from strings reaching ``text()``/``execute()``."""

    code = "BK110"
    VALID = (
        Example(
            "from sqlalchemy import text\n\n\ndef find(session: object, name: str) -> object:\n"
            "    return session.execute(text('SELECT * FROM users WHERE name = :n'), {'n': name})\n"
            "\n\ndef page(session: object, name: str) -> object:\n"
            "    q = 'SELECT * FROM users WHERE name = :n'\n    q += ' ORDER BY name'\n"
            "    return session.execute(text(q), {'n': name})\n"
        ),
    )
    INVALID = (
        Example(
            "from sqlalchemy import text\n\n\ndef find(session: object, name: str) -> object:\n"
            "    return session.execute(text(f\"SELECT * FROM users WHERE name = '{name}'\"))  "
            "# expect: BK110\n\n\ndef old(cursor: object, uid: str) -> None:\n"
            "    cursor.execute('DELETE FROM users WHERE id = %s' % uid)  # expect: BK110\n\n\n"
            "def search(session: object, name: str, active: bool) -> object:\n"
            "    q = 'SELECT * FROM users WHERE 1 = 1'\n    if active:\n"
            "        q += f\" AND name = '{name}'\"\n"
            "    return session.execute(text(q))  # expect: BK110\n\n\n"
            "def count(session: object, table: str) -> object:\n"
            "    base = 'SELECT count(*) FROM '\n    sql = base + table\n"
            "    stmt = text(sql)  # expect: BK110\n    return session.execute(stmt)\n"
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Calls to SQL sinks whose statement is built from strings, in the call or in a local
        variable of the same function before it."""
        for site, where in ctx.index.call_sites():
            func = site.call.func
            if not isinstance(func, Name) or func.dotted.rpartition(".")[2] not in SQL_SINKS:
                continue
            statement = site.call.arg(0, "statement")
            scope = where.scopes[-1] if where.owners[-1] is not None else None
            if _built_sql(statement):
                how = ""
            elif built := _built_local(statement, scope, site.line):
                how = f" (through the variable built on line {built})"
            else:
                continue
            yield self.finding(
                where.module.path,
                site.line,
                f"SQL built from strings reaches {func.dotted}(){how}: values in the text can "
                "inject SQL; use bound parameters (text('... :name'), {'name': value}) or "
                "the query builder",
            )


class SecretInLogRule(ProjectRule):
    """BK111: passwords, tokens, secrets or Authorization headers passed to logging or print."""

    code = "BK111"
    VALID = (
        Example(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def login(username: str, password: str) -> None:\n"
            "    logger.info('login attempt for %s', username)\n"
            "    logger.info('password reset requested')\n"
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
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Logging calls and prints whose arguments name a secret value."""
        for site, where in ctx.index.call_sites():
            call = site.call
            if not _is_log_call(call):
                continue
            leaked = [n for a in call.args for n in _names_in(a) if SECRETISH.search(n)]
            if leaked:
                yield self.finding(
                    where.module.path,
                    site.line,
                    f"Logging {sorted(set(leaked))[0]} writes a secret to the logs, where many "
                    "people and systems can read it; log an identifier or a redacted value",
                )


def _is_log_call(call: Call) -> bool:
    if not isinstance(call.func, Name):
        return False
    receiver, _, method = call.func.dotted.rpartition(".")
    if not receiver:
        return method == "print"
    return method in LOG_METHODS and bool(LOG_RECEIVERS.search(receiver))
