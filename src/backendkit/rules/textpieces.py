"""A ``token`` that is a piece of text, not a credential: the loop variable of
``for token in raw.split(","):`` (a lexical token, the usual word for an item of a split
text). Used by BK111.

A bare ``token`` is such a piece when it is bound, in the innermost scope binding it, as the
item of a loop over the pieces of a text, and otherwise only to values computed from itself
(``token = token.strip()``):

- the pieces of a text are the result of splitting or tokenizing it (``raw.split(",")``,
  ``line.rsplit(":", 1)``, ``text.splitlines()``, ``re.split(...)``, ``shlex.split(cmd)``,
  ``re.findall(...)``, ``tokenizer.tokenize(text)``), looped over directly, through
  ``enumerate(...)`` (its second item), or through a name bound only to them
  (``parts = raw.split(",")``);
- the text split must name no secret nor where one is carried: the pieces of
  ``settings.API_TOKENS``, ``api_keys``, ``auth_header``, ``cookie`` or
  ``request.headers.get("Authorization")`` are credentials.

A parameter named ``token`` is never such a piece (its caller decides what it holds), nor is a
qualified name (``for access_token in raw.split(","):`` says what it holds), nor a password or
a secret: only ``token`` is also the word for a piece of text."""

from __future__ import annotations

from itertools import pairwise

from backendkit.project.symbols import Ctx
from backendkit.rules.secretnames import (
    KEY_KINDS,
    PASSWORD_WORDS,
    SECRET_WORDS,
    name_words,
)
from backendkit.summary.model import Assign, Attr, Call, Const, Expr, LoopItem, Name, Scope

# methods and functions whose result is the pieces of the text they are given
SPLITTERS = frozenset(
    {"split", "rsplit", "splitlines", "findall", "tokenize", "word_tokenize", "wordpunct_tokenize"}
)
# words of a text's name that say it carries credentials (``auth_header``, ``bearer``)
CARRIER_WORDS = frozenset({"auth", "bearer", "cookie"})
_SECRET_SOURCE_WORDS = SECRET_WORDS | PASSWORD_WORDS | CARRIER_WORDS
MAX_DEPTH = 2  # ``parts = raw.split(","); for token in parts:``: one name between


def is_text_piece(name: str, ctx: Ctx) -> bool:
    """``name`` is ``token`` bound, in the innermost scope of ``ctx`` binding it, only to the
    pieces of a text that names no secret (and to values computed from itself)."""
    if name != "token":
        return False
    scope = _binding_scope(name, ctx)
    if scope is None or name in scope.params:
        return False
    binds = scope.assigns.get(name, [])
    pieces = [_is_piece(bind.value, scope) for bind in binds]
    return any(pieces) and all(
        p or _from_itself(b, name) for p, b in zip(pieces, binds, strict=True)
    )


def _binding_scope(name: str, ctx: Ctx) -> Scope | None:
    """The innermost scope of ``ctx`` that binds ``name`` (as a parameter or a variable)."""
    for scope in reversed(ctx.scopes):
        if name in scope.params or name in scope.assigns:
            return scope
    return None


def _from_itself(bind: Assign, name: str) -> bool:
    """``token = token.strip()``, ``token = token.strip().lower()``: a method of ``name``
    called without arguments."""
    value = bind.value
    while isinstance(value, Call) and not value.args and not value.kwargs:
        value = value.func.value if isinstance(value.func, Attr) else value.func
    return isinstance(value, Name) and value.dotted.partition(".")[0] == name


def _is_piece(value: Expr | None, scope: Scope) -> bool:
    """``value`` is an item of a loop over the pieces of a text that names no secret."""
    if not isinstance(value, LoopItem):
        return False
    iterable, index = value.iterable, value.index
    if isinstance(iterable, Call) and _callee(iterable) == "enumerate" and iterable.args:
        iterable, index = iterable.args[0], None if index == 1 else -1
    return index is None and _is_pieces(iterable, scope, 0)


def _is_pieces(expr: Expr | None, scope: Scope, depth: int) -> bool:
    """``expr`` is the pieces of a text that names no secret: a splitting call, or a local
    name bound only to such calls in ``scope``."""
    if isinstance(expr, Name) and "." not in expr.dotted and depth < MAX_DEPTH:
        binds = scope.assigns.get(expr.dotted, [])
        return bool(binds) and all(_is_pieces(b.value, scope, depth + 1) for b in binds)
    if not isinstance(expr, Call) or _callee(expr) not in SPLITTERS:
        return False
    return not any(map(_names_secret, _texts(expr)))


def _callee(call: Call) -> str:
    """The last part of the name of the function or method ``call`` calls."""
    func = call.func
    if isinstance(func, Attr):
        return func.attr
    return func.dotted.rpartition(".")[2] if isinstance(func, Name) else ""


def _texts(expr: Expr | None) -> list[str]:
    """The dotted names, attributes and string literals in ``expr`` (``Authorization`` in
    ``request.headers.get("Authorization")``)."""
    if isinstance(expr, Name):
        return [expr.dotted]
    if isinstance(expr, Const):
        return [expr.value] if isinstance(expr.value, str) else []
    if isinstance(expr, Attr):
        return [expr.attr, *_texts(expr.value)]
    if isinstance(expr, Call):
        parts = [expr.func, *expr.args, *(value for _, value in expr.kwargs)]
        return [text for part in parts for text in _texts(part)]
    return []


def _names_secret(text: str) -> bool:
    """Some word of ``text`` (any part, singular or plural) names a secret or a carrier of
    one: ``settings.API_TOKENS``, ``api_keys``, ``auth_header``, ``Authorization``."""
    words = [w for part in text.replace("-", "_").split(".") for w in name_words(part)]
    singular = [w.removesuffix("s") for w in words]
    if any(w in _SECRET_SOURCE_WORDS for w in words + singular):
        return True
    return any(w == "key" and b in KEY_KINDS for b, w in pairwise(singular))
