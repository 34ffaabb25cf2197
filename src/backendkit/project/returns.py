"""What a call of a project function gives back: every value its ``return`` statements hand
back, each with the place that returns it (a factory choosing the authentication provider by
configuration returns one provider per branch, and each of them is a value of the call)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from backendkit.project.symbols import OneOf, Unresolved, Value
from backendkit.project.valueops import DistinctValues, same_value

#: the most different values a call is read as; a function returning more (a dispatcher over
#: many kinds) has no one static value worth following, and its call is ``Unresolved``
MAX_RETURNED = 8
#: the most ``return`` statements read per function (each may be costly to evaluate)
MAX_RETURNS = 24

#: where a value comes from: the file (relative to the project root), the line, and the
#: source text (``return no_authentication``)
Origin = tuple[str, int, str]


@dataclass(frozen=True)
class Returned(OneOf):
    """The values a function may return (``values``), ``origins[i]`` being where
    ``values[i]`` is returned. Consumers that take each value of a ``OneOf`` take these; the
    dependency resolver also says which ``return`` opens a route."""

    origins: tuple[Origin, ...] = ()


def origin_of(value: OneOf, position: int) -> Origin | None:
    """Where the ``position``-th value of ``value`` comes from, when it is known."""
    if isinstance(value, Returned) and position < len(value.origins):
        return value.origins[position]
    return None


def combine(
    found: Iterable[tuple[Value, Origin]],
    same: Callable[[Value, Value], bool],
    qualname: str,
    missing: Value,
) -> Value:
    """One value for the ``found`` returns (each value with its ``return``): the value when
    they all agree, else a ``Returned`` of the distinct ones (a value that is itself one of
    several is flattened, keeping its own origins). ``None`` returned next to other values is
    left out (an early ``return None`` does not hide the provider returned below it).
    ``missing`` when nothing was found."""
    values, origins = _distinct(found, same)
    if None in values and len(values) > 1:
        kept = [i for i, value in enumerate(values) if value is not None]
        values, origins = [values[i] for i in kept], [origins[i] for i in kept]
    if not values:
        return missing
    if len(values) == 1:
        return values[0]
    if len(values) > MAX_RETURNED:
        return Unresolved(f"{qualname} returns more than {MAX_RETURNED} different values")
    return Returned(tuple(values), tuple(origins))


def _distinct(
    found: Iterable[tuple[Value, Origin]], same: Callable[[Value, Value], bool]
) -> tuple[list[Value], list[Origin]]:
    """The distinct values of ``found`` (options of a ``OneOf`` each apart) with where each
    is first returned."""
    values: list[Value] = []
    origins: list[Origin] = []
    seen = DistinctValues() if same is same_value else None
    for value, where in found:
        for position, option in enumerate(_options(value)):
            new = seen.add(option) if seen else not any(same(option, v) for v in values)
            if new:
                values.append(option)
                origins.append(_origin(value, position, where))
    return values, origins


def _origin(value: Value, position: int, where: Origin) -> Origin:
    """Where the ``position``-th option of ``value``, returned at ``where``, comes from: its
    own ``return`` when it is a value a called function returns, else ``where``."""
    inner = origin_of(value, position) if isinstance(value, OneOf) else None
    return inner or where


def _options(value: Value) -> tuple[Value, ...]:
    """The values a ``OneOf`` stands for (nested ones flattened), or the value itself."""
    if not isinstance(value, OneOf):
        return (value,)
    return tuple(option for inner in value.values for option in _options(inner))
