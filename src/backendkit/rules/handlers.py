"""One finding per handler: a function under stacked route decorators (``@router.get(p)``,
``@router.post(p)``, ... over one ``def``) is one endpoint to its author, open or optional for
the same reason under each; a route rule reports it once, at its first decorator, naming every
method (dstack's proxy handler under six decorators was six findings)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from backendkit.result import Route
from backendkit.rules.support import also_at, per_endpoint


class Handled(NamedTuple):
    """The first route of a handler, the label of all of them, and the lines of the other
    decorators and of the ``def`` (where a suppression comment may go too)."""

    route: Route
    label: str
    alt_lines: list[int]


def per_handler(routes: Iterable[Route], reason: Callable[[Route], object]) -> Iterator[Handled]:
    """The endpoints of ``routes`` (``per_endpoint``), those of one handler with the same
    ``reason`` (what the finding's message says of them) together, at the topmost decorator,
    in the order of the routes' first members."""
    groups: dict[tuple[object, ...], list[tuple[Route, tuple[str, ...]]]] = {}
    for route, others in per_endpoint(routes):
        alone = None if _decorates(route) else route.line  # a call elsewhere: its own
        key = (*handler_key(route), reason(route), alone)
        groups.setdefault(key, []).append((route, others))
    for found in groups.values():
        members = sorted(found, key=lambda pair: pair[0].line)  # the decorators top down
        first = members[0][0]
        lines = dict.fromkeys([first.def_line, *(route.line for route, _ in members[1:])])
        yield Handled(first, _label(members), list(lines))


def handler_key(route: Route) -> tuple[object, ...]:
    """The handler a route belongs to, as ``per_handler`` groups them (its kind, file and
    ``def``)."""
    return (route.kind, route.file, route.def_line, route.handler)


def related_files(routes: Iterable[Route]) -> dict[tuple[object, ...], tuple[str, ...]]:
    """For each handler (``handler_key``) of ``routes``, the files its routes' status is made
    of (``Route.sources``, in order): a finding on it is ``related`` to them."""
    found: dict[tuple[object, ...], dict[str, None]] = {}
    for route in routes:
        found.setdefault(handler_key(route), {}).update(dict.fromkeys(route.sources))
    return {key: tuple(sorted(files)) for key, files in found.items()}


def _decorates(route: Route) -> bool:
    """The route is registered by a decorator of its handler: above the ``def``, in the
    handler's own module (not ``add_api_route``, nor a route object, made elsewhere)."""
    module = route.handler.partition(":")[0]
    stem = route.file.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    return route.line < route.def_line and (stem == module or stem.endswith("." + module))


def route_label(route: Route) -> str:
    """``GET|HEAD /items``."""
    return f"{'|'.join(route.methods)} {route.path}"


def _label(members: list[tuple[Route, tuple[str, ...]]]) -> str:
    """The methods and paths of one handler's routes: ``GET|POST /items`` when they share a
    path, else the first and the others; then the other paths its router is served at."""
    routes = [route for route, _ in members]
    served = also_at(tuple(dict.fromkeys(path for _, others in members for path in others)))
    if len({route.path for route in routes}) == 1:
        methods = "|".join(dict.fromkeys(m for route in routes for m in route.methods))
        return f"{methods} {routes[0].path}{served}"
    rest = ", ".join(route_label(route) for route in routes[1:])
    return f"{route_label(routes[0])} (and {rest}){served}"
