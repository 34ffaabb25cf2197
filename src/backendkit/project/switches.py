"""How the route inventory shows a route open in one configuration and authenticated in
another (``authstatus.Switch``): the auth chain ends at the alternative that opens it, a note
names the place that selects it and what authenticates the route otherwise."""

from __future__ import annotations

from backendkit.project.authstatus import AuthStatus, Switch
from backendkit.result import Route


class SwitchTable:
    """The switch of each route of the inventory open only in some configuration (filled
    when the inventory is built, read by BK101; no memo: rules do not change it)."""

    def __init__(self) -> None:
        self._found: dict[tuple[object, ...], Switch] = {}

    def record(self, route: Route, switch: Switch) -> None:
        """``route`` takes its status from ``switch``."""
        self._found[switch_key(route)] = switch

    def get(self, route: Route) -> Switch | None:
        """The switch that opens ``route``, if any."""
        return self._found.get(switch_key(route))


def switch_key(route: Route) -> tuple[object, ...]:
    """What identifies one route of the inventory (its app, path and endpoint)."""
    return (route.app, route.path, *route.endpoint_key())


def where(switch: Switch) -> str:
    """``return no_authentication (app/auth.py:12)``."""
    file, line, text = switch.origin
    return f"{text} ({file}:{line})"


def route_chain(handler: str, status: AuthStatus) -> tuple[str, ...]:
    """The auth chain of a route: the chain proving its status, or for a route weakened by a
    switch, the chain to the alternative that opens it, which says where it is selected."""
    if status.chain:
        return (handler, *status.chain)
    if status.switch is None:
        return ()
    *above, last = status.switch.chain
    return (handler, *above, f"{last} (when {where(status.switch)})")
