"""BK104's secrets written in comparisons: the expected value of a password or key compared with
``==`` / ``!=`` (``creds.password == "S3cr3t-Adm1n!"``, ``x_api_key != "sk_live_..."``), which
BK113 leaves to BK104 (a comparison with a literal is no timing leak of a stored secret)."""

from __future__ import annotations

from backendkit.rules.secrets import is_named_secret, is_provider_key
from backendkit.rules.secretvalues import refuses, sentinel, value_like
from backendkit.summary.model import Compare, Const, Name, Scope

__all__ = ["compared_secret"]


def compared_secret(compare: Compare, scope: Scope) -> str:
    """``creds.password == "S3cr3t-Adm1n!"``, ``x_api_key != "sk_live_..."``: the expected
    value of a secret written in a comparison of ``scope`` (what it describes, else ""). BK113
    leaves comparisons with a literal to this rule. Not a value an ``if ... == value:`` raises
    for (a start-up guard against a default, a blocklist of common passwords), nor a new
    password the user chose (``new_password``)."""
    if compare.op == "==" and refuses(scope, compare.line):
        return ""
    sides = ((compare.left, compare.right), (compare.right, compare.left))
    for named, value in sides:
        if isinstance(named, Name) and isinstance(value, Const) and _expected(named, value):
            return f"expected value of {named.dotted} in a comparison"
    return ""


def _expected(named: Name, value: Const) -> bool:
    """``value`` compared with ``named`` is a secret's value (``compared_secret``)."""
    if sentinel(value.value):
        return False
    last = named.dotted.rpartition(".")[2]
    chosen = last.lower().startswith("new_")
    secret = is_named_secret((last,), value.value) and value_like(str(value.value))
    return (secret and not chosen) or is_provider_key(value.value)
