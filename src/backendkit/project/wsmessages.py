"""Credentials a WebSocket client sends in a message (first-message authentication): browsers
cannot set headers on a WebSocket, so a client often sends ``{"type": "auth", "token": ...}``
first, and the endpoint reads it before serving anything.

A message is a local bound to what a receive call gives (``msg = await
websocket.receive_json()``), or to ``json.loads`` (any ``loads``) of a local bound to
``receive_text()``; a credential is read from it by ``msg.get("token")`` or ``msg["token"]``
with a credential's name (``credreads.is_credential``). Each read is a ``CredentialRead`` of
``message <name>``, held by the name it is bound to (else read in place), which the
rejection rules of ``rejections.py`` and ``wsauth.py`` take as any other read.
"""

from __future__ import annotations

from backendkit.project.credflow import CredentialRead, holder_of
from backendkit.project.credreads import named_read
from backendkit.summary.model import Call, CallSite, Name, Scope, Subscript

__all__ = ["message_reads"]

_RECEIVE_JSON = "receive_json"
_RECEIVE_TEXT = ("receive_text",)


def message_reads(scope: Scope) -> list[CredentialRead]:
    """The credentials ``scope`` reads from a received message, by line."""
    messages = _messages(scope)
    if not messages:
        return []
    bound = {a.line: name for name, assigns in scope.assigns.items() for a in assigns}
    found = []
    for site in scope.calls:
        what = _got(site.call, messages)
        if what:
            holder = holder_of(site.use, site.call, bound.get(site.line))
            found.append(CredentialRead(what, site.line, holder))
    for name, assigns in scope.assigns.items():
        for assign in assigns:
            what = _indexed(assign.value, messages)
            if what:
                found.append(CredentialRead(what, assign.line, name))
    return sorted(found, key=lambda read: read.line)


def _messages(scope: Scope) -> set[str]:
    """The locals bound to a received message."""
    texts = {_bound(s) for s in scope.calls if _last(s.call) in _RECEIVE_TEXT} - {""}
    found = {_bound(s) for s in scope.calls if _last(s.call) == _RECEIVE_JSON}
    found |= {_bound(s) for s in scope.calls if _parses(s.call, texts)}
    return found - {""}


def _parses(call: Call, texts: set[str]) -> bool:
    """``json.loads(raw)`` (any ``loads``) of one of the locals ``texts``."""
    first = call.args[0] if call.args else None
    return _last(call) == "loads" and isinstance(first, Name) and first.dotted in texts


def _got(call: Call, messages: set[str]) -> str:
    """``message <name>`` for ``msg.get("token")``, else ""."""
    func = call.func
    if not isinstance(func, Name) or not func.dotted.endswith(".get"):
        return ""
    owner = func.dotted[: -len(".get")]
    return named_read("message", call.arg(0, "key")) if owner in messages else ""


def _indexed(value: object, messages: set[str]) -> str:
    """``message <name>`` for ``msg["token"]``, else ""."""
    if not isinstance(value, Subscript) or len(value.items) != 1:
        return ""
    owner = value.value
    if not (isinstance(owner, Name) and owner.dotted in messages):
        return ""
    return named_read("message", value.items[0])


def _bound(site: CallSite) -> str:
    """The plain name a call's result is bound to ("" when none)."""
    return site.use[1:] if site.use.startswith("=") else ""


def _last(call: Call) -> str:
    func = call.func
    return func.dotted.rpartition(".")[2] if isinstance(func, Name) else ""
