"""The plain-data results of one analysis run: routes, findings and notes."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from backendkit.findings import Finding


@dataclass(frozen=True)
class Route:
    """One endpoint of one application, as FastAPI would serve it.

    ``auth`` is ``"required"`` when a security scheme (or a configured auth dependency) in the
    dependency tree rejects unauthenticated requests, ``"optional"`` when every scheme on the way
    has ``auto_error=False`` and nothing else enforces it, ``"unknown"`` when nothing proves
    authentication but a dependency could not be analysed (a library's, or an unresolved one),
    and ``"none"`` otherwise.
    ``auth_chain`` is the dependency chain that proves the status (route -> dep -> ... -> scheme).
    ``public`` (with ``public_reason``): the route is meant to be open, by a ``# backendkit:
    public`` mark, the configuration's ``public-paths`` / ``public-handlers``, or, for a route
    that does not require authentication, by convention (``/health``, ``/login``).
    ``path_resolved`` is False when part of the path could not be computed statically; the
    unresolved part then appears as ``{?expr}`` in ``path``.
    ``sources`` are the other files its authentication status is made of: those of the app,
    the routers and includes on its way, and the dependencies in its tree (a run given some
    files reports the route's BK101/BK102 finding when one of them is among them).
    """

    methods: tuple[str, ...]
    path: str
    kind: str  # "http" | "websocket" | "mount"
    app: str  # qualified name of the application object, e.g. "shop.main:app"
    handler: str  # qualified name of the endpoint function, e.g. "shop.routes.items:list_items"
    file: str  # the declaring file, relative to the result's root (output: display_path)
    line: int  # line of the route decorator or registration call
    def_line: int  # line of the handler's ``def`` (equal to ``line`` when unknown)
    auth: str = "none"
    auth_chain: tuple[str, ...] = ()
    public: bool = False
    public_reason: str = ""
    path_resolved: bool = True
    status_code: int | None = None
    response_model: str | None = None
    #: the qualified name of the class its ``response_class=`` names, when it names one
    response_class: str | None = None
    dependencies: tuple[str, ...] = ()
    is_async: bool = False
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def endpoint_key(self) -> tuple[object, ...]:
        """What makes routes one endpoint: one registration (its file, line and methods) of
        one handler, of one kind. An endpoint is served at several paths when its router is
        included or mounted twice (or in either branch of an ``if``); the key leaves out the
        path and the app, so a caller that tells apps apart adds ``app``."""
        return (self.kind, self.file, self.line, self.methods, self.handler)

    def to_dict(self) -> dict[str, object]:
        """Plain-JSON form used by ``backendkit routes --format json``."""
        data = asdict(self)
        data["methods"] = list(self.methods)
        data["auth_chain"] = list(self.auth_chain)
        data["dependencies"] = list(self.dependencies)
        data["notes"] = list(self.notes)
        data["sources"] = list(self.sources)
        return data


@dataclass
class AnalysisResult:
    """Everything one ``backendkit.analyze`` call found.

    ``findings`` are already filtered (selection, suppressions, per-file ignores, only the
    files asked about) and sorted. ``notes`` are messages about the run itself, such as checks
    that were skipped for a file and why.
    """

    root: Path
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)  # files whose routes may be missing
    codes: set[str] = field(default_factory=set)  # the rule codes the run checked
    #: the configuration's ``fail-on`` (None: not set); with several projects, the lowest
    fail_on: str | None = None

    def display_path(self, path: str, base: Path | None = None) -> str:
        """How output shows ``path`` (one of this result's paths, relative to ``root``):
        relative to ``base`` (default: the current directory) when the file is under it, else
        absolute. See ``display_path``."""
        return display_path(self.root, path, current_directory() if base is None else base)


def current_directory() -> Path | None:
    """The working directory, or None when it no longer exists."""
    try:
        return Path.cwd()
    except OSError:
        return None


@lru_cache(maxsize=65536)
def display_path(root: Path, path: str, base: Path | None) -> str:
    """``root / path`` as every output format shows it, as ruff does: relative to ``base``
    (the current directory) when the file is under it, else absolute; forward slashes.

    Paths inside a result are relative to the project root (per-file ignores, suppressions
    and the cache use them); the root depends on which projects a run spans, so only this
    form is the same whatever files are named on the command line."""
    full = root / path
    if not full.is_absolute():  # a relative root is already relative to the current directory
        return full.as_posix()
    if base is not None:
        prefix = str(base).rstrip(os.sep) + os.sep
        text = str(full)
        if text.startswith(prefix):
            rel = text[len(prefix) :]
            return rel if os.sep == "/" else rel.replace(os.sep, "/")
    return full.as_posix()


def unparsed_note(paths: list[str], consequence: str) -> str:
    """The stderr note of a command that left out the files at ``paths`` it could not parse
    (the first five named): ``consequence`` says what that means for its output."""
    shown = ", ".join(paths[:5]) + (" ..." if len(paths) > 5 else "")
    return (
        f"note: {len(paths)} file(s) could not be analysed, so {consequence}: {shown} "
        "(backendkit lint says why)\n"
    )
