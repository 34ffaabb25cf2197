"""HTTP status codes as the analysis reads them from values.

A status is a literal, a ``status.HTTP_401_UNAUTHORIZED`` style constant (Starlette's,
FastAPI's) or a member of Python's ``http.HTTPStatus`` (``status_code_of``). ``AUTH_STATUSES``
reject an unauthenticated caller; ``REDIRECT_STATUSES`` send one elsewhere (to a login page)
when a ``Location`` header goes with them.
"""

from __future__ import annotations

import re
from http import HTTPStatus

from backendkit.project.symbols import External, Instance, Value
from backendkit.summary.model import Const

_STATUS_RE = re.compile(r"HTTP_(\d{3})")
_HTTP_STATUS = "http.HTTPStatus"
_HTTP_STATUS_CODES = frozenset(int(member) for member in HTTPStatus)
#: the statuses that reject an unauthenticated caller
AUTH_STATUSES = frozenset({401, 403})
#: the statuses that redirect (with a ``Location`` header): to a login page, say
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def status_code_of(value: Value) -> int | None:
    """An HTTP status from a literal, a ``status.HTTP_401_UNAUTHORIZED`` style constant
    (starlette's, fastapi's) or Python's ``http.HTTPStatus``: ``HTTPStatus.NOT_FOUND``,
    ``HTTPStatus.NOT_FOUND.value`` and ``HTTPStatus(404)``, named by ``http.HTTPStatus``'s
    own table."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, External):
        return _constant_status(value)
    if isinstance(value, Instance) and value.cls == External(_HTTP_STATUS):
        code = value.call.arg(0, "value")  # HTTPStatus(404)
        if isinstance(code, Const) and isinstance(code.value, int):
            return code.value if code.value in _HTTP_STATUS_CODES else None
    return None


def _constant_status(value: External) -> int | None:
    """``HTTPStatus.NOT_FOUND`` or ``HTTPStatus.NOT_FOUND.value`` by ``http.HTTPStatus``'s
    table, or the number in a ``status.HTTP_404_NOT_FOUND`` name."""
    if not value.qualname.startswith(_HTTP_STATUS + "."):
        found = _STATUS_RE.search(value.last)
        return int(found.group(1)) if found else None
    name, _, rest = value.qualname[len(_HTTP_STATUS) + 1 :].partition(".")
    member = HTTPStatus.__members__.get(name)
    return int(member) if member is not None and rest in ("", "value") else None
