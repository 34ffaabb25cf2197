"""The names of secrets: whether a dotted name holds a password, another secret or neither,
from the words of its last part (``secret_kind``). Used by BK109 and BK111 (BK113 reads
names with its own patterns)."""

from __future__ import annotations

import re

# The words of a name's last part decide whether it holds a secret (see ``secret_kind``).
PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passphrase"})
SECRET_WORDS = frozenset(
    {"secret", "token", "jwt", "credential", "credentials", "authorization", "apikey"}
)
# ``<kind>_key`` is a secret key; a bare ``key`` (``cache_key``, ``sort_key``) is not
KEY_KINDS = frozenset(
    {"api", "private", "secret", "signing", "encryption", "access", "master", "hmac", "jwt"}
)
# trailing words that only say how, where or which copy of the secret is held:
# ``token_value``, ``password_bytes``, ``password_confirm``, ``refresh_token_cookie``,
# ``api_key_header`` (FastAPI's APIKeyHeader tutorial), ``private_key_pem``
VALUE_FORMS = frozenset(
    {
        *("value", "str", "string", "bytes", "raw", "plain", "plaintext", "encoded", "b64"),
        *("base64", "pem", "der", "text", "input", "header", "cookie"),
        *("confirm", "confirmation", "repeat", "again", "retype"),
    }
)
# leading words of a question about a secret, not the secret: ``has_password``,
# ``is_token_valid``, ``verify_password(...)``
FLAG_WORDS = frozenset(
    {
        "is",
        "has",
        "have",
        "had",
        "was",
        "should",
        "can",
        "must",
        "need",
        "needs",
        "use",
        "uses",
        "require",
        "requires",
        "allow",
        "show",
        "with",
        "without",
        "no",
        "verify",
        "check",
        "validate",
    }
)
# leading words of a redacted copy: ``masked_token``, ``redacted_api_key`` reveal nothing
REDACTED_WORDS = frozenset(
    {"masked", "redacted", "obfuscated", "censored", "scrubbed", "sanitized", "anonymized"}
)
# first words of functions whose result reveals nothing of their arguments:
# ``mask(token)``, ``redact_secret(key)`` (``len`` and ``bool`` are counted with them)
REDACTING_VERBS = frozenset({"mask", "redact", "obfuscate", "censor", "scrub", "anonymize"})
HASH_WORDS = frozenset({"hash", "hashed", "digest"})
# the word before a secret phrase that makes the name a unit of measure: ``cost_per_token``,
# ``costPerToken``, ``pricing.per_token``, ``requests_per_api_key`` (a price or a rate)
UNIT_WORD = "per"
# words before a secret phrase that make the name a count or a bound: ``num_image_token``,
# ``max_new_token``, ``n_token``, ``total_token`` (a language model's token counts)
COUNT_WORDS = frozenset({"num", "number", "n", "max", "min", "total", "count"})
# kinds of ``token`` that are not credentials: a position in a listing (``pagination_token``,
# ``next_page_token``, ``nextToken``, ``continuation_token``, ``cursor_token``,
# ``sync_token``, ``resume_token``) or a language model's special tokens (``eos_token``,
# ``pad_token``, ``special_token``, ``stop_token``), pieces of text
TEXT_TOKEN_KINDS = frozenset(
    {
        *("pagination", "page", "paging", "next", "prev", "previous", "cursor"),
        *("continuation", "sync", "resume"),
        *("eos", "bos", "pad", "unk", "sep", "cls", "mask", "special", "stop"),
    }
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def name_words(name: str) -> list[str]:
    """The lower-case words of a dotted name's last part, split on ``_`` and camelCase:
    ``user.hasPassword`` gives ``["has", "password"]``."""
    last = _CAMEL.sub("_", name.rpartition(".")[2])
    return [word.lower() for word in last.split("_") if word]


def secret_kind(name: str) -> str:
    """``"password"``, ``"secret"`` or ``""`` for a dotted name: the last word of its last
    part decides (after value-form words such as ``_value`` / ``_bytes``), so ``token``,
    ``access_token``, ``user.password``, ``client_secret`` and ``api_key`` are secrets while
    ``token_count``, ``password_changed_at``, ``api_key_id`` and ``secret_name`` are not.
    ``<kind>_key`` needs a secret kind (``api``, ``private``, ``secret``...), a password's
    hash counts as the password (a token's hash is a safe identifier), and a name starting
    with a question word (``has_password``, ``is_token_valid``) is a flag. A secret right
    after ``per`` is a unit (``cost_per_token``, a price), one after a count word a count or a
    bound (``num_image_token``, ``max_new_token``), and a listing's or a language model's
    token (``pagination_token``, ``eos_token``) is no credential."""
    words = _deciding_words(name)
    kind, size = _secret_phrase(words)
    if not kind or words[-size - 1 : -size] == [UNIT_WORD]:  # ``cost_per_token``: a price
        return ""
    return "" if not COUNT_WORDS.isdisjoint(words[:-size]) else kind


def names_token(name: str) -> bool:
    """``name`` names a token (``token``, ``slot_token``, ``token_value``), not a password, a
    key or another secret."""
    words = _deciding_words(name)
    return bool(words) and words[-1] == "token"


def _secret_phrase(words: list[str]) -> tuple[str, int]:
    """The kind of secret the last words of ``words`` name and how many words name it
    (``password``, ``api key`` and ``password hash``), or ``("", 0)``; a ``token`` of a
    listing or of a language model (``pagination_token``, ``eos_token``) is a piece of text."""
    before, last = ["", "", *words][-2:]
    if last in PASSWORD_WORDS:
        return "password", 1
    if last in HASH_WORDS and before in PASSWORD_WORDS:
        return "password", 2
    if last == "key" and before in KEY_KINDS:
        return "secret", 2
    if last in SECRET_WORDS and not (last == "token" and before in TEXT_TOKEN_KINDS):
        return "secret", 1
    return "", 0


def _deciding_words(name: str) -> list[str]:
    """The words of ``name`` once trailing value-form words and numbers are dropped
    (``password_confirm``, ``password_2`` and ``password2`` read as ``password``), or ``[]``
    for a flag such as ``has_password`` or a redacted copy (``masked_token``)."""
    words = name_words(name)
    if not words or words[0] in FLAG_WORDS or words[0] in REDACTED_WORDS:
        return []
    while len(words) > 1 and (words[-1] in VALUE_FORMS or words[-1].isdigit()):
        words.pop()
    words[-1] = words[-1].rstrip("0123456789") or words[-1]  # ``password2``
    return words
