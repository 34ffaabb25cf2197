"""Resource path conventions, off by default: BK205 verbs in paths, BK206 singular collection
names, BK207 routes outside a version prefix."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

from backendkit.findings import Finding
from backendkit.project.conventions import CONVENTIONAL_SEGMENTS
from backendkit.result import Route
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.support import http_routes

VERBS = frozenset(
    {
        "get",
        "create",
        "add",
        "delete",
        "remove",
        "update",
        "edit",
        "list",
        "fetch",
        "retrieve",
        "new",
        "set",
        "make",
        "do",
        "insert",
        "modify",
        "save",
    }
)
UNCOUNTABLE = frozenset(
    {
        "me",
        "auth",
        "data",
        "info",
        "status",
        "search",
        "metadata",
        "media",
        "news",
        "staff",
        "health",
        "admin",
        "settings",
        "config",
        "profile",
        "account",
        "self",
        "current",
        "stats",
        "analytics",
        "feedback",
        "equipment",
        "inventory",
        "software",
        "hardware",
        "music",
    }
)
VERSION = re.compile(r"^v\d+(\.\d+)?$")
# plurals that do not end in "s", and their singulars
IRREGULAR = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "mice": "mouse",
    "geese": "goose",
    "feet": "foot",
    "teeth": "tooth",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "indices": "index",
    "matrices": "matrix",
    "vertices": "vertex",
}
SINGULAR_OF = {singular: plural for plural, singular in IRREGULAR.items()}

_APP = "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _verb(segment: str) -> str:
    word = re.split(r"[-_]", segment.lower(), maxsplit=1)[0]
    return word if word in VERBS else ""


def _verb_text(segment: str) -> str:
    """``'create'``, or ``'get' (in 'get_items')`` when the verb is part of the segment."""
    verb = _verb(segment)
    return f"'{verb}'" if verb == segment.lower() else f"'{verb}' (in '{segment}')"


class PathVerbRule(ProjectRule):
    """BK205: a verb in a resource path (``/items/create``)."""

    code = "BK205"
    cost = 0.35
    VALID = (
        Example(
            _APP + "@app.post('/items', status_code=201)\ndef create_item() -> int:\n    return 1\n"
        ),
    )
    INVALID = (
        Example(
            _APP + "@app.post('/items/create-item')  # expect: BK205\n"
            "def create_item() -> int:\n    return 1\n"
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Static path segments that are verbs."""
        seen: set[tuple[object, ...]] = set()
        for route in http_routes(ctx, per_path=True):
            if not route.path_resolved:
                continue
            verbs = [s for s in _segments(route.path) if not s.startswith("{") and _verb(s)]
            if verbs and _first_time(seen, route, verbs[0]):
                yield self.finding(
                    route.file,
                    route.line,
                    f"Path {route.path} contains the verb {_verb_text(verbs[0])}: "
                    "let the HTTP method say "
                    f"what happens ({'|'.join(route.methods)} on the resource's noun path)",
                    extra={"alt_lines": [route.def_line]},
                )


class SingularCollectionRule(ProjectRule):
    """BK206: ``/user/{id}`` instead of ``/users/{id}``."""

    code = "BK206"
    cost = 0.1
    VALID = (
        Example(
            _APP + "@app.get('/users/{user_id}')\ndef read_user(user_id: int) -> int:\n"
            "    return user_id\n"
        ),
    )
    INVALID = (
        Example(
            _APP + "@app.get('/user/{user_id}')  # expect: BK206\n"
            "def read_user(user_id: int) -> int:\n    return user_id\n"
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """A static segment followed by a path parameter, not plural."""
        seen: set[tuple[object, ...]] = set()
        for route in http_routes(ctx, per_path=True):
            if not route.path_resolved:
                continue
            segments = _segments(route.path)
            for name, following in pairwise(segments):
                if following.startswith("{") and _singular(name):
                    if not _first_time(seen, route, name):
                        break
                    yield self.finding(
                        route.file,
                        route.line,
                        f"Path {route.path} names the collection '{name}' in the singular; use "
                        f"the plural ('{plural(name)}') for collection paths",
                        extra={"alt_lines": [route.def_line]},
                    )
                    break


def _first_time(seen: set[tuple[object, ...]], route: Route, problem: str) -> bool:
    """True the first time one endpoint (``Route.endpoint_key``: a registration, served at
    several paths when its router is included or mounted twice) shows ``problem``: it is
    reported once."""
    key = (*route.endpoint_key(), problem)
    if key in seen:
        return False
    seen.add(key)
    return True


def _singular(name: str) -> bool:
    lowered = name.lower()
    if name.startswith("{") or VERSION.match(lowered) or lowered in UNCOUNTABLE:
        return False
    if lowered in IRREGULAR or lowered.endswith(("people", "children")):
        return False
    return not lowered.endswith(("s", "data", "media", "info"))


def plural(name: str) -> str:
    """The English plural of a collection name: ``category`` -> ``categories``,
    ``box`` -> ``boxes``, ``person`` -> ``people``."""
    lowered = name.lower()
    if lowered in SINGULAR_OF:
        return SINGULAR_OF[lowered]
    if lowered.endswith("y") and lowered[-2:-1] not in ("a", "e", "i", "o", "u"):
        return name[:-1] + "ies"
    if lowered.endswith(("x", "z", "ch", "sh")):
        return name + "es"
    return name + "s"


class VersionPrefixRule(ProjectRule):
    """BK207: a route outside a ``/v1``-style version prefix."""

    code = "BK207"
    cost = 0.15
    VALID = (
        Example(
            _APP + "@app.get('/api/v1/items')\ndef items(limit: int = 10) -> list[int]:\n"
            "    return []\n\n\n@app.get('/health')\ndef health() -> str:\n"
            "    return 'ok'\n"
        ),
    )
    INVALID = (
        Example(
            _APP + "@app.get('/api/items')  # expect: BK207\n"
            "def items(limit: int = 10) -> list[int]:\n    return []\n"
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Routes with no version segment (conventional public endpoints excepted)."""
        seen: set[tuple[object, ...]] = set()
        for route in http_routes(ctx, per_path=True):
            if not route.path_resolved:
                continue
            segments = _segments(route.path)
            if any(VERSION.match(s.lower()) for s in segments) or route.path == "/":
                continue
            if segments and segments[0].lower() in CONVENTIONAL_SEGMENTS:
                continue
            if not _first_time(seen, route, "unversioned"):
                continue
            yield self.finding(
                route.file,
                route.line,
                f"Route {'|'.join(route.methods)} {route.path} is outside a version prefix; "
                "serve the API under /api/v1 (for example include_router(..., prefix=...)) so it "
                "can evolve without breaking clients",
                extra={"alt_lines": [route.def_line]},
            )
