"""The text of a route's full path from its parts (prefixes, mount points, its own path),
each known as a string or only as the expression that computes it at run time."""

from __future__ import annotations

from backendkit.project.text import expr_text
from backendkit.summary.model import BinOp, Const, Expr, FString

#: A part of a route's path: its value (a string when known) and the expression giving it.
PathPart = tuple[object, "Expr | None"]


def join_path(parts: list[PathPart]) -> tuple[str, bool]:
    """The path of ``parts`` (prefixes, mount points, then the route's own path) and whether
    all of it is known. Each prefix loses its trailing '/', as Starlette's ``Mount`` strips
    it (``app.mount("/", sub)`` serves ``/items``; FastAPI rejects such an include prefix),
    also one computed at run time (``f"{base_path}/"`` gives ``{?base_path}``)."""
    out: list[str] = []
    resolved = True
    last = len(parts) - 1
    for position, (value, expr) in enumerate(parts):
        if not isinstance(value, str):
            resolved = False
            value = _partial(expr)
        out.append(value.rstrip("/") if position < last else value)
    return "".join(out) or "/", resolved


def _partial(expr: Expr | None) -> str:
    """A path part not known in full: its literal pieces as they are, the rest as ``{?expr}``
    (``f"{PREFIX}/login"`` and ``PREFIX + "/login"`` give ``{?PREFIX}/login``), so the
    segments after a run-time prefix are read as usual. From a segment where an unknown
    piece is glued to a literal, the rest is one unknown, written as an f-string would be
    (``"/login" + SUFFIX + "/health"`` gives ``/{?login{SUFFIX}/health}``: no ``login`` or
    ``health`` segment is read), and the whole segments before it stay known
    (``f"/.well-known/oauth-protected-resource{root}"`` is under ``.well-known``)."""
    segments = _segmented(_pieces(expr))
    for position, fragments in enumerate(segments):
        if _glued(fragments):
            known = "/".join("".join(f) for f in segments[:position])
            tail = "/".join("".join(_as_text(f) for f in frags) for frags in segments[position:])
            return f"{known}/{{?{tail}}}" if position else f"{{?{tail}}}"
    return "/".join("".join(fragments) for fragments in segments)


def _segmented(pieces: list[str]) -> list[list[str]]:
    """The pieces of a path cut at its ``/``: each segment's literal and unknown fragments."""
    segments: list[list[str]] = [[]]
    for piece in pieces:
        if piece.startswith("{?"):
            segments[-1].append(piece)
            continue
        head, *rest = piece.split("/")
        segments[-1].append(head)
        segments += [[part] for part in rest]
    return segments


def _glued(fragments: list[str]) -> bool:
    """An unknown piece and a literal in one segment."""
    unknown = any(f.startswith("{?") for f in fragments)
    return unknown and any(f and not f.startswith("{?") for f in fragments)


def _as_text(fragment: str) -> str:
    """A fragment as an f-string shows it (``{?x}`` is ``{x}``)."""
    return "{" + fragment[2:] if fragment.startswith("{?") else fragment


def _pieces(expr: Expr | None) -> list[str]:
    """The literal strings and ``{?expr}`` unknowns ``expr`` joins, in order."""
    if isinstance(expr, Const) and isinstance(expr.value, str):
        return [expr.value] if expr.value else []
    if isinstance(expr, FString):
        return [piece for part in expr.parts for piece in _pieces(part)]
    if isinstance(expr, BinOp) and expr.op == "Add":
        return _pieces(expr.left) + _pieces(expr.right)
    return ["{?" + expr_text(expr, 40) + "}"]


__all__ = ["PathPart", "join_path"]
