"""How code reads a credential: the header and cookie names that carry one, and the calls and
subscripts that read them (``request.headers.get("X-API-Key")``, ``request.cookies["session"]``,
Starlette's ``Headers(scope=scope).get("authorization")``, the signed session's
``request.session.get("access_token")``, not a bare ``session.get(...)``, a database's or an
HTTP client's), and a query parameter named as a header carrying one is
(``websocket.query_params.get("token")``, ``api_key: str = Query(...)``, not a
``page_token``); see ``credentials.py``."""

from __future__ import annotations

from backendkit.summary.model import Attr, Call, Const, Expr, Name, Subscript

__all__ = ["get_key", "get_read", "is_credential", "named_read", "subscript_read"]

#: tokens that prove something other than who calls: CSRF tokens, a captcha's answer
#: (Cloudflare Turnstile's ``cf-turnstile-response`` / ``turnstile_token``, reCAPTCHA,
#: hCaptcha), an idempotency key
_NOT_CREDENTIALS = ("csrf", "xsrf", "captcha", "turnstile", "idempotency")
_COOKIE_WORDS = ("token", "session", "auth", "jwt", "api-key", "apikey")
_READERS = {"headers": "header", "cookies": "cookie", "session": "session", "query_params": "query"}
#: query parameters named like a credential that are a listing's position, not one
_CURSORS = ("page", "cursor", "next", "continuation")
#: what a signed session (Starlette's ``SessionMiddleware``: ``request.session``) keeps after a
#: sign-in, besides the cookie words
_SESSION_WORDS = ("user",)
_HEADER_CLASSES = ("Headers", "MutableHeaders")  # Starlette's, built from an ASGI scope


def is_credential(kind: str, name: str) -> bool:
    """A header, cookie, session key or query parameter (``kind``) name that carries a
    credential."""
    lowered = name.lower().replace("_", "-")
    if any(word in lowered for word in _NOT_CREDENTIALS):
        return False
    if kind == "cookie":
        return _holds(lowered, _COOKIE_WORDS)
    if kind == "session":  # a key of the signed session: an identifier, not a URL
        return name.isidentifier() and _holds(lowered, (*_COOKIE_WORDS, *_SESSION_WORDS))
    if kind == "query" and _holds(lowered, _CURSORS):
        return False
    return _holds(lowered, ("authorization", "api-key", "apikey")) or lowered.endswith(
        ("token", "secret")
    )


def _holds(lowered: str, words: tuple[str, ...]) -> bool:
    return any(word in lowered for word in words)


def _reader(receiver: Expr) -> str:
    """ "header", "cookie", "session" or "query" for ``x.headers`` / ``x.cookies`` /
    ``x.session`` / ``x.query_params`` (or a bare ``headers``; never a bare ``session``), and
    "header" for Starlette's ``Headers(scope=scope)`` read in place."""
    if isinstance(receiver, Name):
        owner, _, last = receiver.dotted.rpartition(".")
        return "" if last == "session" and not owner else _READERS.get(last, "")
    if isinstance(receiver, Attr):
        return _READERS.get(receiver.attr, "")
    if isinstance(receiver, Call) and isinstance(receiver.func, Name):
        return "header" if receiver.func.dotted.rpartition(".")[2] in _HEADER_CLASSES else ""
    return ""


def named_read(kind: str, key: Expr | None) -> str:
    """``"header authorization"`` when ``key`` is a literal credential name of ``kind``."""
    if not kind or not isinstance(key, Const) or not isinstance(key.value, str):
        return ""
    return f"{kind} {key.value.lower()}" if is_credential(kind, key.value) else ""


def get_key(call: Call) -> tuple[str, Expr | None]:
    """``("header", key)`` for ``request.headers.get(key)`` and the like (``kind`` "" for
    other calls)."""
    func = call.func
    if isinstance(func, Name) and func.dotted.endswith(".get"):
        return _reader(Name(func.dotted[: -len(".get")])), call.arg(0, "key")
    if isinstance(func, Attr) and func.attr == "get":
        return _reader(func.value), call.arg(0, "key")
    return "", None


def get_read(call: Call) -> str:
    """``request.headers.get("Authorization")`` and the like."""
    return named_read(*get_key(call))


def subscript_read(value: Expr | None) -> str:
    """``request.headers["X-API-Key"]``."""
    if isinstance(value, Subscript) and len(value.items) == 1:
        return named_read(_reader(value.value), value.items[0])
    return ""
