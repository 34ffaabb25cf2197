"""Import contracts in the spirit of import-linter: their configuration and strict validation.

Configured as ``[[tool.backendkit.architecture.contracts]]`` tables; checked by BK502 (layers),
BK503 (forbidden) and BK504 (independence) in ``rules/contracts.py``. This module only parses
(no project needed, stdlib only, so loading the configuration stays cheap); module names are
checked against the project when the rules run.

Module names cover their descendants (``app.api`` covers ``app.api.users``); a segment may be
``*`` (any one segment: ``app.*.models``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from backendkit.spelling import did_you_mean

KINDS = ("layers", "forbidden", "independence")
#: keys every contract may have, and the keys of each kind
_COMMON = ("name", "type", "ignore-imports", "exclude-type-checking-imports")
_KEYS = {
    "layers": (*_COMMON, "layers", "containers"),
    "forbidden": (*_COMMON, "source-modules", "forbidden-modules", "allow-indirect-imports"),
    "independence": (*_COMMON, "modules"),
}
_REQUIRED = {
    "layers": ("layers",),
    "forbidden": ("source-modules", "forbidden-modules"),
    "independence": ("modules",),
}
_NAME = re.compile(r"[A-Za-z_*][A-Za-z0-9_*]*(\.[A-Za-z_*][A-Za-z0-9_*]*)*")
_IGNORE = re.compile(r"\s*(?P<importer>\S+)\s*->\s*(?P<imported>\S+)\s*")


class ContractError(ValueError):
    """A contract that does not validate; the message names the contract, key and value."""


@dataclass(frozen=True)
class Layer:
    """One line of a layers contract: sibling modules, ``independent`` when split by ``|``;
    ``optional`` names (written ``(name)``) may be missing from a container."""

    names: tuple[str, ...]
    independent: bool = False
    optional: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Contract:
    """One configured contract (``type`` is one of :data:`KINDS`)."""

    name: str
    type: str
    layers: tuple[Layer, ...] = ()
    containers: tuple[str, ...] = ()
    source_modules: tuple[str, ...] = ()
    forbidden_modules: tuple[str, ...] = ()
    allow_indirect_imports: bool = False
    modules: tuple[str, ...] = ()
    ignore_imports: tuple[tuple[str, str], ...] = ()
    exclude_type_checking_imports: bool = True
    index: int = field(default=0, compare=False)


def parse_contracts(value: object) -> list[Contract]:
    """The contracts of ``[tool.backendkit.architecture] contracts``; raises
    :class:`ContractError` with a one-line message on the first problem."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ContractError(
            "contracts must be a list of tables ([[tool.backendkit.architecture.contracts]])"
        )
    contracts = [_parse(number, item) for number, item in enumerate(value)]
    names = [c.name for c in contracts]
    for name in names:
        if names.count(name) > 1:
            raise ContractError(f"contracts: two contracts are named {name!r}; names must differ")
    return contracts


def contract_problem(value: object) -> str | None:
    """The validation message for ``contracts = value``, or ``None`` when it is valid."""
    try:
        parse_contracts(value)
    except ContractError as error:
        return str(error)
    return None


def _parse(number: int, table: Mapping[str, object]) -> Contract:
    name, kind = _header(number, table)
    reader = _Reader(f"contract {name!r}", table)
    common = {
        "name": name,
        "type": kind,
        "index": number,
        "ignore_imports": reader.ignores(),
        "exclude_type_checking_imports": reader.boolean("exclude-type-checking-imports", True),
    }
    return Contract(**common, **_BODIES[kind](reader))


def _header(number: int, table: Mapping[str, object]) -> tuple[str, str]:
    """The name and type of a contract, after checking its keys."""
    name = _name(number, table)
    where = f"contract {name!r}"
    kind = table.get("type")
    if not isinstance(kind, str) or kind not in KINDS:
        raise ContractError(f"{where}: type = {_show(kind)} must be one of {', '.join(KINDS)}")
    unknown = [key for key in table if key not in _KEYS[kind]]
    if unknown:
        allowed, hint = ", ".join(_KEYS[kind]), did_you_mean(unknown[0], _KEYS[kind])
        raise ContractError(f"{where}: unknown key {unknown[0]!r}{hint}; allowed keys: {allowed}")
    missing = [key for key in _REQUIRED[kind] if key not in table]
    if missing:
        raise ContractError(f"{where}: {kind} contracts need {missing[0]!r}")
    return name, kind


def _name(number: int, table: Mapping[str, object]) -> str:
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ContractError(f"contracts[{number}]: name = {_show(name)} must be a non-empty string")
    return name


def _layers_body(reader: _Reader) -> dict[str, object]:
    return {"layers": reader.layers(), "containers": reader.modules("containers")}


def _forbidden_body(reader: _Reader) -> dict[str, object]:
    return {
        "source_modules": reader.modules("source-modules", required=True),
        "forbidden_modules": reader.modules("forbidden-modules", required=True),
        "allow_indirect_imports": reader.boolean("allow-indirect-imports", False),
    }


def _independence_body(reader: _Reader) -> dict[str, object]:
    modules = reader.modules("modules", required=True)
    if len(modules) < 2 and "*" not in modules[0]:
        raise reader.fail("modules", "a list of two or more modules (or a '*' pattern)")
    return {"modules": modules}


_BODIES = {
    "layers": _layers_body,
    "forbidden": _forbidden_body,
    "independence": _independence_body,
}


class _Reader:
    """Typed access to the keys of one contract table, failing with one-line messages."""

    def __init__(self, where: str, table: Mapping[str, object]) -> None:
        self.where = where
        self.table = table

    def fail(self, key: str, expected: str) -> ContractError:
        shown = _show(self.table.get(key))
        return ContractError(f"{self.where}: {key} = {shown} must be {expected}")

    def strings(self, key: str) -> list[str]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "a list of strings")
        return [v.strip() for v in value]

    def boolean(self, key: str, default: bool) -> bool:
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "a boolean (true or false)")
        return value

    def modules(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        names = self.strings(key)
        if required and not names:
            raise self.fail(key, "a non-empty list of module names")
        for name in names:
            self.check_name(key, name)
        return tuple(names)

    def check_name(self, key: str, name: str) -> None:
        if not _NAME.fullmatch(name) or any("*" in p and p != "*" for p in name.split(".")):
            raise ContractError(
                f"{self.where}: {key} contains {name!r}, which is not a dotted module name "
                "(a segment may be '*')"
            )

    def layers(self) -> tuple[Layer, ...]:
        lines = self.strings("layers")
        if len(lines) < 2:
            raise self.fail("layers", "a list of two or more layers, highest first")
        return tuple(self.layer(line) for line in lines)

    def layer(self, line: str) -> Layer:
        if "|" in line and ":" in line:
            raise ContractError(
                f"{self.where}: layers contains {line!r}; separate siblings with '|' "
                "(independent) or ':' (may import each other), not both"
            )
        independent = "|" in line
        parts = [p.strip() for p in re.split(r"[|:]", line)]
        optional = {p[1:-1].strip() for p in parts if _bracketed(p)}
        names = tuple(p[1:-1].strip() if _bracketed(p) else p for p in parts)
        for name in names:
            self.check_name("layers", name)
        return Layer(names, independent, frozenset(optional))

    def ignores(self) -> tuple[tuple[str, str], ...]:
        out = []
        for text in self.strings("ignore-imports"):
            found = _IGNORE.fullmatch(text)
            if not found:
                raise ContractError(
                    f"{self.where}: ignore-imports contains {text!r}; write 'importer -> imported'"
                )
            for part in ("importer", "imported"):
                self.check_name("ignore-imports", found.group(part))
            out.append((found.group("importer"), found.group("imported")))
        return tuple(out)


def _bracketed(text: str) -> bool:
    return text.startswith("(") and text.endswith(")")


def pattern_matches(pattern: str, module: str, *, descendants: bool = True) -> bool:
    """Whether ``module`` is ``pattern`` (``*`` matching one segment) or, with
    ``descendants``, inside it."""
    want, parts = pattern.split("."), module.split(".")
    if len(parts) < len(want) or (not descendants and len(parts) != len(want)):
        return False
    return all(w in ("*", p) for w, p in zip(want, parts, strict=False))


def expand(pattern: str, modules: Sequence[str]) -> list[str]:
    """The distinct module names ``pattern`` stands for, at its own depth (``app.*`` ->
    ``app.a``, ``app.b``), among ``modules`` and their parent packages."""
    depth = len(pattern.split("."))
    found = {".".join(m.split(".")[:depth]) for m in modules if pattern_matches(pattern, m)}
    return sorted(found)


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
