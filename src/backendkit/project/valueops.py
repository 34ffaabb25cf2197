"""Small operations on static values shared by the evaluator: comparing them, the values a
``OneOf`` stands for, and subscripts of static dicts and lists (of each value of a ``OneOf``
too: ``a, b = f()`` where ``f`` returns several tuples)."""

from __future__ import annotations

from backendkit.project.symbols import Instance, OneOf, Unresolved, Value

__all__ = [
    "DistinctValues",
    "alternatives_of",
    "is_key",
    "item_of",
    "keyed",
    "merged",
    "same_value",
]


def is_key(value: Value) -> bool:
    """True for the constants a static dict is keyed by."""
    return value is None or isinstance(value, (str, int, float, bytes))


def keyed(container: Value, key: Value) -> Value:
    """``container[key]`` for a static dict or list, for each key of a ``OneOf``."""
    if not isinstance(container, (dict, list)):
        return Unresolved("subscript of a value that is not a static dict or list")
    if isinstance(key, OneOf):
        return OneOf(tuple(item_of(container, k) for k in key.values))
    return item_of(container, key)


def merged(values: list[Value]) -> Value:
    """One value when ``values`` agree, else each distinct one as a ``OneOf``."""
    seen = DistinctValues()
    distinct = [value for value in values if seen.add(value)]
    return distinct[0] if len(distinct) == 1 else OneOf(tuple(distinct))


class DistinctValues:
    """Which values were met already, by ``same_value``, in constant time for the hashable
    ones: a parameter with hundreds of callers or a function with hundreds of returns made the
    pairwise comparison quadratic (30 million comparisons on litellm's 1M lines)."""

    def __init__(self) -> None:
        self._keys: set[object] = set()
        self._loose: list[Value] = []  # unhashable values (static dicts and lists)

    def add(self, value: Value) -> bool:
        """Record ``value``; True when no value met before is the same."""
        if isinstance(value, Instance):
            if value.origin is None:
                return True  # the same as no other value (``same_value``)
            key: object = (Instance, value.origin)
        else:
            key = (type(value), value)
        try:
            size = len(self._keys)
            self._keys.add(key)  # hashed once
            return len(self._keys) > size
        except TypeError:  # unhashable: compared one by one
            if any(same_value(value, seen) for seen in self._loose):
                return False
            self._loose.append(value)
            return True


def item_of(container: dict[object, Value] | list[Value], key: Value) -> Value:
    """``container[key]`` when the key is static and present."""
    if isinstance(container, dict):
        if is_key(key) and key in container:
            return container[key]
        return Unresolved(f"key {_shown(key)} is not static or not in the dict")
    if (
        isinstance(key, int)
        and not isinstance(key, bool)
        and -len(container) <= key < len(container)
    ):
        return container[key]
    return Unresolved(f"index {_shown(key)} is not static or out of range")


def _shown(key: Value) -> str:
    """A key as an explanation shows it: a constant as written, anything else by its kind
    (the ``repr`` of a large computed value took seconds on a large project)."""
    return repr(key) if is_key(key) else f"<{type(key).__name__}>"


def same_value(a: Value, b: Value) -> bool:
    """``a`` and ``b`` are the same value (instances: bound to the same variable)."""
    if isinstance(a, Instance) and isinstance(b, Instance):
        return a.origin is not None and a.origin == b.origin
    return type(a) is type(b) and a == b


def alternatives_of(value: Value) -> tuple[Value, ...]:
    """The values a ``OneOf`` stands for, or the value itself."""
    return value.values if isinstance(value, OneOf) else (value,)
