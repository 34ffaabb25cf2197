"""Dependency-tree nodes and the authentication status a dependency forest gives a route.

A route is ``required`` when some dependency proves authentication (a scheme that rejects
anonymous callers, itself or through a dependency above it that raises 401/403; a dependency
named in ``auth-dependencies``; one that checks a credential itself; one that always rejects;
Starlette's ``@requires(scopes)`` on the endpoint or a dependency, or a project decorator
whose wrapper checks a credential before it runs the function),
else ``optional`` when it has a scheme with ``auto_error=False``, else ``unknown`` when some
dependency is opaque (a library's, or unresolved), else ``none``.

A dependency bound to a name assigned several times in its scope (``if cfg: _auth = A() else:
_auth = B()``), or to a value with several possibilities (``A() if cfg else B()``), has
*alternatives*: each is evaluated on its own, and the dependency counts as ``required`` only
when every alternative is; otherwise as its weakest alternative (none, then optional, then
unknown): a linter should see every configuration the code can run in, as it reports a
conditionally included router as if the condition held. Each alternative knows where it is
selected (``DepNode.origin``: the assignment, the ``return`` of a factory, the call given a
conditional ``dependencies=`` list); when the route is open only because of such an
alternative, and another alternative would authenticate it, its status carries the
``Switch``: BK101 reports one finding per switch, at its origin, for every route it opens.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from backendkit.project.returns import Origin
from backendkit.project.symbols import FuncSym

#: libraries whose dependencies are known not to authenticate by themselves
TRANSPARENT = ("fastapi.", "starlette.", "pydantic.", "typing.", "builtins.", "sqlmodel.")
#: statuses from the weakest to the strongest
_RANK = {"none": 0, "optional": 1, "unknown": 2, "required": 3}
#: stems of the words that name authentication in a library function, class or module name:
#: such a function or class, or an instance of such a class, is opaque (``unknown``), any
#: other library dependency is not authentication
AUTH_WORDS = (
    "auth",
    "user",
    "token",
    "key",
    "jwt",
    "secur",
    "session",
    "login",
    "permission",
    "guard",
    "credential",
    "bearer",
    "principal",
    "identity",
)
#: the words of a name: capitalised runs, acronyms (``JWT`` in ``JWTAuth``), lower-case runs
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+")


@dataclass
class DepNode:
    """One dependency in a tree: ``kind`` is function, class, instance, scheme, external (a
    library function or class named like authentication: its call is not seen), inert (any
    other library function or class, or a database session), library (an instance of a
    library class named like authentication: its call is not seen), configured, guard (a
    decorator of the endpoint or dependency that rejects anonymous callers: Starlette's
    ``@requires``), decorator (a project decorator whose wrapper checks a credential:
    ``checks`` is the wrapper's), unresolved, or group (the dependencies of one branch of
    ``[...] if cfg else [...]``: its children). ``alternatives`` are the other values its
    name or expression may have."""

    label: str
    kind: str
    children: list[DepNode] = field(default_factory=list)
    scheme: str | None = None
    auto_error: bool = True
    enforces: bool = False  # raises 401/403 itself
    checks: str = ""  # the credential it checks itself ("header authorization")
    rejects_all: bool = False  # always raises 401/403: nobody gets through
    #: the credential it refuses a WebSocket client without, stopping the route
    #: (``raise WebSocketException(code=1008)``: ``wsauth.py``); only a websocket route reads it
    ws_checks: str = ""
    #: the credential it refuses a WebSocket client without by closing the connection (or it
    #: may hand ``None`` on): it proves nothing unless the endpoint tests its value first
    ws_closes: str = ""
    caught: int = 0  # the line of a 401/403 it raises and its own ``try`` swallows (caught.py)
    reason: str = ""  # why an unresolved dependency could not be analysed
    is_async: bool = False
    func: FuncSym | None = None
    alternatives: list[DepNode] = field(default_factory=list)
    #: for a value among alternatives: where the source selects it
    origin: Origin | None = None


@dataclass(frozen=True)
class Switch:
    """The configuration that opens a route authenticated in another one: the alternative
    selected at ``origin`` (``return no_authentication``), reached by ``chain`` from the
    route, while ``secured`` is the chain that authenticates the route otherwise."""

    origin: Origin
    chain: tuple[str, ...]
    secured: tuple[str, ...]


@dataclass(frozen=True)
class AuthStatus:
    """``status`` is required, optional, unknown or none; ``chain`` is the path that proves
    it; ``switch``, for a weaker status, the configuration that gives it when another would
    authenticate the route."""

    status: str
    chain: tuple[str, ...] = ()
    switch: Switch | None = None


def transparent(qualname: str) -> bool:
    """A library known not to authenticate by itself (FastAPI, Starlette, pydantic, the
    standard library's ``typing`` and builtins)."""
    return qualname.startswith(TRANSPARENT)


def auth_named(qualname: str, stems: tuple[str, ...] = AUTH_WORDS) -> bool:
    """A dotted name (of a class or function, with its module) one of whose words (split at
    dots, underscores and camel case: ``fastapi_users.authentication.JWTStrategy`` -> fastapi,
    users, authentication, jwt, strategy) holds one of ``stems`` (``AUTH_WORDS``):
    ``JWTAuthenticator``, ``APIKeyChecker``, ``fastapi_keycloak.FastAPIKeycloak``,
    ``CurrentUser``; not ``RateLimiter``."""
    words = _WORDS.findall(qualname.replace("_", "."))
    return any(stem in word.lower() for word in words for stem in stems)


def library_class(qualname: str) -> bool:
    """A class of a third-party library: not a transparent one, not the standard library's
    (``abc.ABC``, ``enum.Enum``)."""
    top = qualname.partition(".")[0]
    return not transparent(qualname) and top not in sys.stdlib_module_names


def _proves_auth(node: DepNode, enforced: bool, websocket: bool) -> bool:
    """A configured auth dependency, one that checks a credential itself (for a
    ``websocket`` route, also by a websocket rejection: ``ws_checks``) or always rejects, or
    a scheme that rejects anonymous callers (itself, or through a dependency above it that
    raises 401/403)."""
    if node.kind in ("configured", "guard") or node.checks or node.rejects_all:
        return True
    if websocket and node.ws_checks:
        return True
    return node.kind == "scheme" and (node.auto_error or enforced)


def _opaque(node: DepNode) -> bool:
    """A dependency whose body the analysis cannot see (unresolved, or from a library)."""
    if node.kind in ("unresolved", "library"):
        return True
    return node.kind == "external" and not transparent(node.label)


Step = tuple[DepNode, tuple[str, ...], bool]


def _walk(nodes: list[DepNode], enforced: bool, prefix: tuple[str, ...]) -> Iterator[Step]:
    """Depth first, in declaration order: each node with its chain from the route and whether
    a dependency above it raises 401/403 itself. Cycles are cut; the children of a node with
    alternatives are left to ``_choice``."""
    stack: list[tuple[DepNode, tuple[str, ...], bool, frozenset[int]]] = [
        (node, (*prefix, node.label), enforced, frozenset()) for node in reversed(nodes)
    ]
    while stack:
        node, chain, above, seen = stack.pop()
        yield node, chain, above
        if node.alternatives:
            continue
        inner = seen | {id(node)}
        below = above or node.enforces
        stack.extend(
            (child, (*chain, child.label), below, inner)
            for child in reversed(node.children)
            if id(child) not in inner
        )


def auth_status(nodes: list[DepNode], websocket: bool = False) -> AuthStatus:
    """The authentication a dependency forest gives a route (a ``websocket`` route, whose
    websocket rejections count), with its proving chain.

    ``unknown`` when nothing proves authentication but some dependency is opaque: it may
    authenticate (fastapi-users' ``current_user()``, say) and the analysis cannot tell.
    """
    return _forest(nodes, False, (), websocket)


def _forest(
    nodes: list[DepNode], enforced: bool, prefix: tuple[str, ...], websocket: bool
) -> AuthStatus:
    """The strongest status a node of the forest shows (its switch, for a weaker status, the
    first one met that gives it)."""
    fallback: dict[str, AuthStatus] = {}
    for node, chain, above in _walk(nodes, enforced, prefix):
        found = _one(node, chain, above, websocket)
        if found.status == "required":
            return found
        if found.status != "none" or found.switch is not None:
            fallback.setdefault(found.status, found)
    for status in ("optional", "unknown", "none"):
        if status in fallback:
            return fallback[status]
    return AuthStatus("none")


def _one(node: DepNode, chain: tuple[str, ...], above: bool, websocket: bool) -> AuthStatus:
    """What ``node`` itself shows (its children are walked separately)."""
    if node.alternatives:
        return _choice(node, chain, above, websocket)
    if _proves_auth(node, above or node.enforces, websocket):
        return AuthStatus("required", _scheme_chain(chain, node, websocket))
    if node.kind == "scheme":
        return AuthStatus("optional", _scheme_chain(chain, node, websocket))
    return AuthStatus("unknown", chain) if _opaque(node) else AuthStatus("none")


def _choice(node: DepNode, chain: tuple[str, ...], above: bool, websocket: bool) -> AuthStatus:
    """A dependency with alternatives: required when every alternative is (the chain of the
    first), else the weakest alternative; when another alternative is required, the weakest
    one's origin is the switch that gives the route its status (the first such alternative
    with a known origin; a switch found inside it is kept)."""
    options = [replace(node, alternatives=[]), *node.alternatives]
    found = [_forest([option], above, chain[:-1], websocket) for option in options]
    if all(status.status == "required" for status in found):
        return found[0]
    secured = next((s.chain for s in found if s.status == "required"), None)
    position = _weakest(found, options, secured is not None)
    weak, option = found[position], options[position]
    if secured is None or weak.switch is not None or option.origin is None:
        return weak
    switch = Switch(option.origin, (*chain[:-1], option.label), secured)
    return replace(weak, switch=switch)


def _weakest(found: list[AuthStatus], options: list[DepNode], switched: bool) -> int:
    """The position of the weakest status in ``found``; when another option authenticates
    (``switched``), the first of the weakest whose origin (or inner switch) is known."""
    weakest = min(_RANK[status.status] for status in found)
    ranked = [i for i, status in enumerate(found) if _RANK[status.status] == weakest]
    placed = [i for i in ranked if found[i].switch or options[i].origin]
    return placed[0] if placed and switched else ranked[0]


def _scheme_chain(chain: tuple[str, ...], node: DepNode, websocket: bool) -> tuple[str, ...]:
    """The chain with what proves it on its last link: the scheme class, the credential a
    dependency checks itself (for a ``websocket`` route, by a websocket rejection too), or
    that it rejects every request."""
    checks = node.checks or (node.ws_checks if websocket else "")
    how = node.scheme or (f"checks {checks}" if checks else "")
    if not how and node.rejects_all:
        how = "always rejects"
    return (*chain[:-1], f"{chain[-1]} ({how})") if how else chain
