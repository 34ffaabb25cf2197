"""BK101's and BK102's report of a configuration switch: the routes that are authenticated in
one configuration and open (BK101) or only optionally authenticated (BK102) in another
(``authstatus.Switch``: a factory's ``return no_authentication``, the ``[]`` branch of a
conditional ``dependencies=`` list, an assignment of a no-op dependency, a scheme built with
``auto_error=False`` in one mode) are reported by one finding at the place that selects the
weaker one, so one suppression there covers them all. A route that is open (or optional) in
every configuration is reported on its own."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from backendkit.findings import Finding
from backendkit.project.authstatus import Switch
from backendkit.project.switches import SwitchTable
from backendkit.result import Route
from backendkit.rules.base import ProjectRule
from backendkit.rules.support import per_endpoint

#: how many of the routes a switch opens its finding names
NAMED = 3


def split_switched(
    routes: Iterable[Route], switched: SwitchTable
) -> tuple[list[Route], dict[tuple[str, int], list[tuple[Route, Switch]]]]:
    """The routes open in every configuration, and the others by the place (file and line)
    of the switch that opens them."""
    alone: list[Route] = []
    groups: dict[tuple[str, int], list[tuple[Route, Switch]]] = {}
    for route in routes:
        switch = switched.get(route)
        if switch is None:
            alone.append(route)
        else:
            groups.setdefault(switch.origin[:2], []).append((route, switch))  # type: ignore[arg-type]
    return alone, groups


#: what selecting the weaker configuration does, by rule
EFFECTS = {
    "BK101": "turns authentication off",
    "BK102": "makes authentication optional (anonymous callers get through)",
}


def switch_findings(
    rule: ProjectRule, groups: Mapping[tuple[str, int], list[tuple[Route, Switch]]]
) -> Iterator[Finding]:
    """One finding per switch, at its origin, naming a few of the routes it weakens."""
    for (file, line), members in sorted(groups.items()):
        switch = members[0][1]
        endpoints = [route for route, _others in per_endpoint(r for r, _s in members)]
        labels = [f"{'|'.join(r.methods)} {r.path}" for r in endpoints]
        named = ", ".join(labels[:NAMED])
        more = f" and {len(labels) - NAMED} more" if len(labels) > NAMED else ""
        count = f"{len(labels)} route{'s' if len(labels) != 1 else ''}"
        yield rule.finding(
            file,
            line,
            f"Configuration switch: selecting {switch.origin[2]} {EFFECTS[rule.code]} "
            f"for {count} that {'is' if len(labels) == 1 else 'are'} authenticated otherwise (via "
            f"{' -> '.join(switch.secured)}): {named}{more}; make sure production cannot "
            f"select it (or fail start-up when it is selected), or suppress {rule.code} on "
            "this line if the mode is intended",
            extra={"routes": labels},
        )
