"""An endpoint that verifies a webhook's signature before anything else it does::

    @router.post("/stripe")
    async def stripe_webhook(request: Request) -> dict:
        payload = await request.body()
        event = stripe.Webhook.construct_event(
            payload, request.headers["stripe-signature"], settings.stripe_signing_secret
        )
        ...

The caller is the payment provider, not a user: the signature over the body, made with a
secret the two share, is its credential, and the verifier raises on a missing or wrong one
(``stripe.error.SignatureVerificationError``), so an anonymous caller never reaches the rest.
It counts as the endpoint checking a credential (``endpointauth``) when the verifier is one of
``VERIFIERS`` (resolved from the imports, as ``stripe.Webhook.construct_event`` or the
``verify`` method of a ``svix`` ``Webhook`` the endpoint makes), called where nothing skips it
(no ``if``, loop, ``except`` or lambda around it, no ``return`` before it), and where no
``try`` around it has a handler that does not raise (``except SignatureVerificationError:
raise HTTPException(400)`` rejects; ``except Exception: pass`` lets the caller in). A project
helper the endpoint always calls that verifies so (up to two calls deep) counts too. A
verifier that answers ``True``/``False`` (Slack's ``SignatureVerifier.is_valid``) is a test
the endpoint makes, not a rejection, and is not recognised here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from backendkit.project.symbols import Ctx, External, FuncSym, Instance
from backendkit.summary.model import Attr, Call, CallSite, Expr, Name, Scope

if TYPE_CHECKING:
    from backendkit.project.credentials import CredentialChecks
    from backendkit.project.index import ProjectIndex

#: Library calls that raise unless the request carries a valid signature of its body.
VERIFIERS = frozenset(
    {
        "stripe.Webhook.construct_event",
        "stripe.WebhookSignature.verify_header",
        "stripe.webhook.Webhook.construct_event",
        "stripe.webhook.WebhookSignature.verify_header",
        "svix.Webhook.verify",
        "svix.webhooks.Webhook.verify",
        "standardwebhooks.Webhook.verify",
        "standardwebhooks.webhooks.Webhook.verify",
    }
)
_SHOWN = "webhook signature "
#: how many project calls deep a verifying helper is looked for
_HELPER_DEPTH = 2
#: ``_helper_names`` of each index
_HELPERS: WeakKeyDictionary[ProjectIndex, frozenset[str]] = WeakKeyDictionary()


def verified_signature(checks: CredentialChecks, func: FuncSym, depth: int = 0) -> str:
    """``webhook signature (stripe.Webhook.construct_event)`` when ``func`` verifies its
    request's signature by the rule of the module docstring, else ""."""
    scope = func.info.scope
    names = _helper_names(checks.index) if depth < _HELPER_DEPTH else frozenset()
    for site in scope.calls:
        verifier = _named(site.call, _LAST_NAMES)  # the common case: neither, before all else
        helper = _named(site.call, names)
        if (verifier or helper) and _first(site, scope):
            found = _at(checks, func, site, verifier, depth)
            if found:
                return found
    return ""


def _at(checks: CredentialChecks, func: FuncSym, site: CallSite, verifier: bool, depth: int) -> str:
    """What ``verified_signature`` finds at ``site`` of ``func``: a call of a verifier
    (when its name is one's), else of a project helper that verifies."""
    inner = func.ctx.enter(func.info)
    found = _verifier(checks, site.call, inner) if verifier else ""
    if found:
        return f"{_SHOWN}({found})"
    if not isinstance(site.call.func, Name):
        return ""
    callee = checks.index.lookup(site.call.func.dotted, inner)
    if not isinstance(callee, FuncSym) or callee.info is func.info:
        return ""
    return verified_signature(checks, callee, depth + 1)


def _helper_names(index: ProjectIndex) -> frozenset[str]:
    """The names (and names imported as) of the project functions that call a function or
    method named as a verifier is, or that call one of those (``_HELPER_DEPTH``): the only
    callees a verifying helper may be (computed once per index)."""
    found = _HELPERS.get(index)  # weakly: one per index, gone with it
    if found is None:
        names: set[str] = set()
        wanted = set(_LAST_NAMES)
        for _depth in range(_HELPER_DEPTH):
            owners = {
                where.owners[-1].name for _, where in index.sites_named(wanted) if where.owners[-1]
            }
            wanted = {alias for owner in owners for alias in index.aliases.names(owner)}
            names |= wanted
        found = _HELPERS[index] = frozenset(names)
    return found


def _named(call: Call, names: frozenset[str]) -> bool:
    """Whether ``call``'s callee ends in one of ``names``."""
    callee = call.func
    return isinstance(callee, (Name, Attr)) and _last(callee) in names


def _first(site: CallSite, scope: Scope) -> bool:
    """The call runs whenever its scope does, before any ``return``, and any error it raises
    gets out: no condition, loop, handler or lambda around it, and each ``try`` around it only
    re-raises or raises another error (and no ``finally:`` returns)."""
    if site.conditional or site.in_except or site.lambdas:
        return False
    if any(line < site.line for line in (*scope.return_lines, *scope.bare_returns)):
        return False
    return not any(
        block.covers(site.line)
        and (block.final or not all(handler.raises for handler in block.handlers))
        for block in scope.tries
    )


def _verifier(checks: CredentialChecks, call: Call, ctx: Ctx) -> str:
    """The qualified name of the verifier ``call`` runs, if it is one of ``VERIFIERS``: a
    function or method named from the imports, or a method of an object of a library class
    (``hook = Webhook(secret)``, then ``hook.verify(...)``)."""
    callee = call.func
    if isinstance(callee, Attr):
        return _method(checks, callee.value, callee.attr, ctx)
    found = checks.index.lookup(callee.dotted, ctx)
    if isinstance(found, External):
        return found.qualname if found.qualname in VERIFIERS else ""
    head, _, attr = callee.dotted.rpartition(".")
    return _method(checks, Name(head), attr, ctx) if head else ""


def _method(checks: CredentialChecks, receiver: Expr, attr: str, ctx: Ctx) -> str:
    """``Class.attr`` when ``receiver`` holds an object of the library class ``Class`` and
    that method is one of ``VERIFIERS``, else ""."""
    made = checks.index.value(receiver, ctx)
    cls = made.cls if isinstance(made, Instance) else None
    method = f"{cls.qualname}.{attr}" if isinstance(cls, External) else ""
    return method if method in VERIFIERS else ""


def _last(callee: Name | Attr) -> str:
    """The last name of a callee (``construct_event``)."""
    return callee.attr if isinstance(callee, Attr) else callee.dotted.rpartition(".")[2]


_LAST_NAMES = frozenset(name.rpartition(".")[2] for name in VERIFIERS)

__all__ = ["VERIFIERS", "verified_signature"]
