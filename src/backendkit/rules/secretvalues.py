"""The literal side of BK104: whether a literal could be a secret value (not a placeholder,
not prose, not tiny: ``is_literal_secret``), or names something instead (``names_something``:
an identifier, a route path, a header, the label of a member or of a selector's choice, the
key a secret is stored under, a URL without a password), and whether a URL literal carries a
password (``url_password``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from backendkit.summary.model import Scope

# placeholders the app is expected to reject at start-up, and masked or elided keys
PLACEHOLDER = re.compile(
    r"^(change[-_ ]?(this|me|it)|changethis|changeme|placeholder|replace[-_ ]?me|todo|"
    r"x+|\*+|<[^>]*>|\$\{[^}]*\}|\.\.\.|"
    # ``YOUR_API_KEY_HERE``, ``your-secret``, ``fake-api-key``, ``dummy-key-123``
    r"your[-_ ].*|.*[-_ ]here|(fake|dummy|example|sample|mock)([-_ ].*)?)$"
    # a masked or elided key: ``sk-...xxxx``, ``sk-proj-****``
    r"|x{4,}|\*{3,}|\.\.\.|\u2026",
    re.IGNORECASE,
)
# the shapes of names, not of secrets: ``OPENAI_API_KEY`` (an environment variable),
# ``apiKeyHelper`` (a config key), ``__ptu_flat_cost__`` (a sentinel), ``Passwords`` (a label),
# ``urn:ietf:params:oauth:token-type:access_token`` (a URN)
_IDENTIFIER = re.compile(
    r"_*[A-Z][A-Z0-9]*(_[A-Z0-9]+)+_*|[A-Za-z][a-z]*([A-Z][a-z]+)+|__\w+__|[A-Z][a-z]+|"
    r"urn:[a-z0-9][a-z0-9-]*:\S+"
)
_SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
# a name ending in where a secret is stored: the constant is the key it is stored under
# (``JWT_SECRET_DB_KEY = "jwt_secret"``, a database row; ``API_KEY_CACHE_KEY``, a cache entry)
_STORAGE_KEY = re.compile(
    r"_(db|database|cache|redis|storage|kv|setting|settings|config|row|lookup)_keys?$",
    re.IGNORECASE,
)
# the shape of such a key: words (letters, then digits at most) or ``{fields}`` joined by
# ``_ : . / -`` (``jwt_secret``, ``auth:api_key:{user_id}``); a random value mixes letters and
# digits within its words (``e3b0c44298fc``) and is still a secret
_KEY_SHAPE = re.compile(r"([A-Za-z]+[0-9]*|\{\w*\})([_:./-]([A-Za-z]+[0-9]*|\{\w*\}))*[_:./-]?")
# a route path (``API_KEYS = "/api_keys"``, ``"/secrets/{secret_id}"``,
# ``"/api/2.0/users/update-password"``): each segment a lower case word, a camelCase word or a
# path parameter, a segment after the first may also be a version (``2.0``); a base64 secret
# may start with a slash but mixes cases and digits (``"/9j4Kd8Lq2Zx"``)
_SEGMENT = r"[a-z._][a-z0-9._~-]*|[a-z]+([A-Z][a-z]+)+|\{\w+(:\w+)?\}"
_ROUTE_PATH = re.compile(rf"/({_SEGMENT})(/({_SEGMENT}|[0-9][a-z0-9._~-]*))*/?")
# words that alone make a literal a (weak) secret even when the name has them too:
# ``SECRET_KEY = "secret"``, ``JWT_SECRET = "jwt_secret"``
_SECRET_WORDS = frozenset(
    {"secret", "password", "passwd", "pwd", "key", "token", "api", "apikey", "jwt", "private"}
)
# words that say the constant is a member of a kind of thing: ``AUTH_METHOD_API_KEY =
# "api_key"`` is the label of an authentication method
_CATEGORY_WORDS = frozenset(
    {"method", "actor", "kind", "type", "mode", "strategy", "scheme", "role", "status", "state"}
    | {"event", "action", "option", "choice", "category", "style", "flow"}
)
# words that say the constant names a field, a header or a selector's choice: a group-by or
# order-by value (``USAGE_GROUP_BY_API_KEY = "api_key"``), where a credential comes from
# (``SOURCE_API_KEY = "api-key"``), an X- header (``X_API_KEY``), ``FIELD_PASSWORD``
_SELECTOR_WORDS = frozenset({"by", "source", "x", "field", "header", "column", "param"})
_LABEL_WORDS = _CATEGORY_WORDS | _SELECTOR_WORDS
# what a spelling of a name may differ in: separators and an X- header's prefix, so
# ``api_key``, ``api-key``, ``apikey`` and ``x-api-key`` spell one name
_SEPARATOR = re.compile(r"[-_]")
_HEADER_PREFIX = re.compile(r"^x[-_]")
# the name of an HTTP header or of an authentication scheme, never a credential: an X- header
# (``x-api-key``, ``X-Auth-Token``), ``authorization``, ``bearer``
_HEADER_OR_SCHEME = re.compile(r"x(-[a-z]+)+|(proxy-)?authorization|bearer", re.IGNORECASE)
# a whole literal that is a URL with an authority: ``postgresql://...``, ``redis://...``
_URL = re.compile(r"[a-z][a-z0-9+.-]*://\S*", re.IGNORECASE)
# a str.format or %-format field standing for the password: the URL is a template
_TEMPLATE_FIELD = re.compile(r"\{[^{}]*\}|%\([^)]*\)[a-z]")


def text_of(value: object) -> str | None:
    """A str or bytes literal as text."""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value if isinstance(value, str) else None


def is_literal_secret(value: object) -> bool:
    """A literal that could be a real secret: not a placeholder, not prose, not tiny."""
    text = text_of(value)
    if text is None:
        return False
    text = text.strip()
    return len(text) >= 6 and not any(c.isspace() for c in text) and not PLACEHOLDER.search(text)


def names_something(text: str, names: Iterable[str]) -> bool:
    """Whether a literal is a name rather than a value: an identifier shape (``OPENAI_API_KEY``,
    ``apiKeyHelper``, ``__sentinel__``, ``Passwords``, a URN), a URL without a password, a
    route path (``"/api_keys"``), the name of a header or an authentication scheme
    (``"x-api-key"``, ``"bearer"``), the label of an enum-like member or a selector's choice
    (``_member_label``), the key a secret is stored under (``_storage_key``), or a
    snake-case identifier made of the variable's own words (``REFRESH_TOKEN_KEY =
    "refresh_token"``, ``UNATTRIBUTED_API_KEY = "unattributed"``) unless those are all secret
    words (``SECRET_KEY = "secret"`` is a weak secret)."""
    text = text.strip()
    if _names_a_place(text, names) or any(_member_label(text, name) for name in names):
        return True
    if not _SNAKE.fullmatch(text):
        return False
    words = {w.removesuffix("s") for w in text.split("_")}
    own = {w.lower().removesuffix("s") for n in names for w in n.split("_") if w}
    return words <= own and not words <= _SECRET_WORDS


def is_route_path(text: str) -> bool:
    """``"/api/2.0/users/update-password"``, ``"/secrets/{secret_id}"``: a route path."""
    return bool(_ROUTE_PATH.fullmatch(text.strip()))


def spells_own_name(value: object, name: str) -> bool:
    """``PASSWORD = "password"``: a one-word name (``PASSWORD``, ``_SECRET``) whose value is
    that word, in any case: a module constant naming the key a value is stored under (a
    config file's, a form's), not a password. A longer name spelled by its value (``API_KEY =
    "api_key"``, ``JWT_SECRET = "jwt_secret"``) stays a weak secret unless a word of it is no
    secret word (see ``names_something``); a settings field's default or a getenv fallback
    is a value whatever it spells. Case, ``_`` and ``-`` do not count."""
    text, word = text_of(value), name.strip("_-")
    if text is None or not word or _SEPARATOR.search(word):
        return False
    return _SEPARATOR.sub("", text.strip()).lower() == word.lower()


def _storage_key(text: str, names: Iterable[str]) -> bool:
    """``JWT_SECRET_DB_KEY = "jwt_secret"``: a name ending in where a secret is stored (a
    database, cache, key-value or settings key) bound to a value shaped like a key, words
    joined by ``_ : . / -`` (not a random value such as ``e3b0c44298fc``)."""
    return any(map(_STORAGE_KEY.search, names)) and bool(_KEY_SHAPE.fullmatch(text))


def _member_label(text: str, name: str) -> bool:
    """``AUTH_METHOD_API_KEY = "api_key"``: the value spells the constant's own trailing words
    (``api_key``, ``api-key``, ``apikey``, ``x-api-key``) and a word before them says what kind
    of thing it labels (``_CATEGORY_WORDS``) or that it names a field, a header or a selector's
    choice (``_SELECTOR_WORDS``: ``USAGE_GROUP_BY_API_KEY``, ``X_API_KEY``)."""
    words = [w.lower() for w in name.split("_") if w]
    spelled = _SEPARATOR.sub("", _HEADER_PREFIX.sub("", text.lower()))
    for cut in range(1, len(words)):
        if "".join(words[cut:]) == spelled:
            return not _LABEL_WORDS.isdisjoint(words[:cut])
    return False


def _names_a_place(text: str, names: Iterable[str]) -> bool:
    """An identifier shape, a header or scheme name, a route path, the key a secret is stored
    under (``_storage_key``) or a URL without a password."""
    if _IDENTIFIER.fullmatch(text) or _HEADER_OR_SCHEME.fullmatch(text):
        return True
    if is_route_path(text) or _storage_key(text, names):
        return True
    return bool(_URL.fullmatch(text)) and not url_password(text)


def url_password(value: object) -> bool:
    """A URL literal with a real-looking password (``postgresql://app:s3cretpw@db/app``,
    ``redis://:password@cache``): not empty, not a placeholder (``${DB_PASSWORD}``,
    ``<password>``, ``changeme``) and not a template field (``{password}``), by the rule's own
    literal policy (6 characters or more)."""
    text = (text_of(value) or "").strip()
    if not _URL.fullmatch(text):
        return False
    try:
        password = urlsplit(text).password
    except ValueError:  # a malformed authority (an unclosed IPv6 bracket)
        return False
    if password is None or _TEMPLATE_FIELD.fullmatch(password):
        return False
    return is_literal_secret(unquote(password))


def value_like(text: str) -> bool:
    """Text shaped as a password or key, not as a state's label (``credential ==
    "unavailable"``, ``api_key == "invalid-api-key"``): a digit, both cases, or a symbol."""
    cased = any(c.isupper() for c in text) and any(c.islower() for c in text)
    return cased or any(c.isdigit() or not (c.isalpha() or c in "-_") for c in text)


def sentinel(value: object) -> bool:
    """A value a client sends for no secret (``"undefined"``, ``"null"``, vLLM's ``"EMPTY"``)
    or a mask (``"********"``), not one."""
    text = str(value).strip().lower()
    bracketed = text[:1] + text[-1:] in ("[]", "<>", "{}")  # an SSE stream's "[DONE]"
    return text in _SENTINELS or len(set(text)) == 1 or bracketed


def refuses(scope: Scope, line: int) -> bool:
    """An ``if`` whose test is on ``line`` raises in its body: a value the test matches is
    refused (``if SECRET_KEY == "dev-secret": raise RuntimeError(...)``)."""
    return any(
        block.in_test(line) and any(block.in_body(at) for _error, at in scope.raises)
        for block in scope.ifs
    )


_SENTINELS = frozenset({"undefined", "null", "none", "empty", "redacted", "masked", "[redacted]"})
