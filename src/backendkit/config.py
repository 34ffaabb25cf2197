"""Project configuration: ``[tool.backendkit]`` in ``pyproject.toml`` (or a standalone
``backendkit.toml``), validated against the rule catalogue, plus CLI overrides.

Rule selection follows ruff: selectors are full codes, prefixes (``BK1``) or ``ALL``; among the
selectors of one layer the more specific one wins (``select = ["BK101"]`` + ``ignore = ["BK1"]``
keeps BK101), and at equal specificity ``ignore`` wins. The configuration file is one layer; CLI
overrides are a second layer applied on top of the first (a CLI ``--select`` starts afresh).
"""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pathspec import GitIgnoreSpec

from backendkit.catalogue import RuleInfo
from backendkit.contracts import contract_problem
from backendkit.selection import ALL, RuleSelection
from backendkit.spelling import did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_SELECT: tuple[str, ...] = ("BK",)
DEFAULT_CACHE_DIR = ".backendkit_cache"
#: Directory/file patterns (gitignore-style) skipped unless ``exclude`` replaces them.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    "node_modules",
    "build",
    "dist",
    "site-packages",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".backendkit_cache",
    ".eggs",
    "*.egg-info",
)
#: Files that mark a project root and may hold the configuration, in lookup order.
CONFIG_FILES = (".backendkit.toml", "backendkit.toml", "pyproject.toml")
_SELECTOR_KEYS = ("select", "ignore", "extend-select")
_PATTERN_KEYS = ("exclude", "extend-exclude")
_GENERAL_KEYS = (
    *_SELECTOR_KEYS,
    "per-file-ignores",
    *_PATTERN_KEYS,
    "respect-gitignore",
    "cache-dir",
    "fail-on",
)
#: what ``fail-on`` (and ``--fail-on``) takes, highest severity first
FAIL_ON = ("error", "warning", "info")


class ConfigError(Exception):
    """An invalid configuration; ``str(error)`` is one line naming the key and what is allowed."""


def _matches(selector: str, code: str) -> bool:
    return selector == ALL or code.startswith(selector)


@dataclass
class Config:
    """The effective configuration of one project."""

    root: Path
    select: tuple[str, ...] = DEFAULT_SELECT
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    cache_dir: str = DEFAULT_CACHE_DIR
    #: the lowest severity that makes ``lint`` exit 1 (None: not set, every finding does)
    fail_on: str | None = None
    options: dict[str, dict[str, object]] = field(default_factory=dict)
    source: Path | None = None
    #: CLI overrides, applied after the file's own selection.
    overrides: RuleSelection | None = None

    def enabled_codes(self, rules: Mapping[str, RuleInfo]) -> frozenset[str]:
        """The codes of the rules that run, ruff-style (see the module docstring)."""
        enabled = RuleSelection(self.select, self.ignore, self.extend_select).apply(set(), rules)
        if self.overrides is not None:
            enabled = self.overrides.apply(enabled, rules)
        return frozenset(enabled)

    @cached_property
    def _per_file_specs(self) -> list[tuple[GitIgnoreSpec, tuple[str, ...]]]:
        return [
            (GitIgnoreSpec.from_lines([glob]), codes)
            for glob, codes in self.per_file_ignores.items()
        ]

    def ignored_in_file(self, relpath: str, code: str) -> bool:
        """Whether ``per-file-ignores`` silences ``code`` in the file at ``relpath`` (POSIX,
        relative to the root)."""
        relpath = relpath.replace(os.sep, "/")
        return any(
            spec.match_file(relpath) and any(_matches(s, code) for s in codes)
            for spec, codes in self._per_file_specs
        )

    def option(self, section: str, key: str) -> object:
        """The value of one rule option (user value, else the catalogue default)."""
        try:
            return self.options[section][key]
        except KeyError:
            raise KeyError(f"unknown option [{section}] {key}") from None


def find_project_root(paths: Sequence[Path]) -> Path:
    """The nearest directory, from the first path (or the cwd) upwards, holding a
    ``pyproject.toml`` (or ``backendkit.toml``); else the paths' common parent (or the cwd),
    or the topmost package holding it when it is in a package: a package is analysed whole,
    its modules named from its parent (``discovery.root_package``)."""
    starts = [p.resolve() for p in paths] or [Path.cwd().resolve()]
    first = starts[0] if starts[0].is_dir() else starts[0].parent
    for directory in (first, *first.parents):
        if any((directory / name).is_file() for name in CONFIG_FILES):
            return directory
    dirs = [p if p.is_dir() else p.parent for p in starts]
    return top_package(Path(os.path.commonpath([str(d) for d in dirs])))


def top_package(directory: Path) -> Path:
    """The topmost package (a directory with ``__init__.py``) holding ``directory`` or being
    it; ``directory`` itself when it is no package."""
    while directory.name and all(
        (d / "__init__.py").is_file() for d in (directory, directory.parent)
    ):
        directory = directory.parent
    return directory


def load_config(
    root: Path,
    rules: dict[str, RuleInfo],
    *,
    config_file: Path | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    extend_select: Sequence[str] | None = None,
) -> Config:
    """Read and validate the configuration of the project at ``root``, then apply CLI overrides.

    Without ``config_file`` the first of ``.backendkit.toml``, ``backendkit.toml`` and a
    ``pyproject.toml`` holding ``[tool.backendkit]`` in ``root`` is used (none: all defaults).
    """
    source = config_file if config_file is not None else _find_config_file(root)
    table: dict[str, object] = {}
    label = ""
    if source is not None:
        table, label = _read_table(source, _display(source, root))
    config = _Validator(rules, _display(source, root), label).build(root, table)
    config.source = source
    config.overrides = _cli_overrides(rules, select, ignore, extend_select)
    return config


def _find_config_file(root: Path) -> Path | None:
    for name in CONFIG_FILES:
        candidate = root / name
        if candidate.is_file():
            if name != "pyproject.toml":
                return candidate
            table, _ = _read_table(candidate, name)
            return candidate if table else None
    return None


def _display(source: Path | None, root: Path) -> str:
    if source is None:
        return "configuration"
    try:
        return source.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(source)


def _read_table(path: Path, shown: str | None = None) -> tuple[dict[str, object], str]:
    """The backendkit table of a TOML file and the label that names it in messages
    (``shown`` is how the file is named in errors)."""
    shown = shown or str(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown}: invalid TOML: {error}") from None
    except UnicodeDecodeError as error:
        reason = f"{error.reason} at byte {error.start}"
        raise ConfigError(f"{shown}: not UTF-8 text ({reason})") from None
    except OSError as error:
        raise ConfigError(f"{shown}: cannot read configuration: {error.strerror}") from None
    tool = data.get("tool")
    if isinstance(tool, dict) and "backendkit" in tool:
        table = tool["backendkit"]
        if not isinstance(table, dict):
            raise ConfigError(f"{shown}: [tool.backendkit] must be a table")
        return table, "[tool.backendkit]"
    if path.name == "pyproject.toml":
        return {}, "[tool.backendkit]"
    return data, ""


def _cli_overrides(
    rules: Mapping[str, RuleInfo],
    select: Sequence[str] | None,
    ignore: Sequence[str] | None,
    extend_select: Sequence[str] | None,
) -> RuleSelection | None:
    """The CLI layer (``None`` when no override was given); values may be comma-separated and
    in either case (``--select bk101``, as ``backendkit explain bk101``). A ``--select`` that
    names nothing is an error: it would select no rule and pass every project."""
    if select is None and ignore is None and extend_select is None:
        return None
    check = _Validator(rules, "", "")

    def parse(flag: str, values: Sequence[str] | None) -> tuple[str, ...]:
        items = tuple(i.strip().upper() for v in values or () for i in v.split(",") if i.strip())
        if flag == "select" and values is not None and not items:
            raise ConfigError("--select names no rule; give codes or prefixes, such as BK1")
        return check.selectors(f"--{flag}", items)

    return RuleSelection(
        select=parse("select", select) if select is not None else None,
        ignore=parse("ignore", ignore),
        extend_select=parse("extend-select", extend_select),
    )


class _Validator:
    """Turns a raw TOML table into a :class:`Config`, raising one-line :class:`ConfigError`s."""

    def __init__(self, rules: Mapping[str, RuleInfo], file: str, label: str) -> None:
        self.rules = rules
        self.file = file
        self.label = label
        self.defaults = _option_defaults(rules)

    def fail(self, where: str, message: str) -> ConfigError:
        """An error prefixed by the file and the table it concerns."""
        prefix = " ".join(part for part in (f"{self.file}:" if self.file else "", where) if part)
        return ConfigError(f"{prefix} {message}" if prefix else message)

    def build(self, root: Path, table: Mapping[str, object]) -> Config:
        """Validate every key of ``table``."""
        allowed = (*_GENERAL_KEYS, *self.defaults)
        for key, value in table.items():
            if key in allowed:
                continue
            if isinstance(value, dict):
                where = f"[tool.backendkit.{key}]" if self.label else f"[{key}]"
                known = ", ".join(sorted(self.defaults)) or "(none)"
                hint = did_you_mean(key, (*self.defaults, "per-file-ignores"))
                raise self.fail("", f"unknown section {where}{hint}; allowed sections: {known}")
            hint = did_you_mean(key, allowed)
            raise self.fail(
                self.label, f"unknown key {key!r}{hint}; allowed keys: {', '.join(sorted(allowed))}"
            )
        config = Config(root=root, options=copy.deepcopy(self.defaults))
        if "select" in table:
            config.select = self.selectors("select", self.strings("select", table["select"]))
        config.ignore = self.selectors("ignore", self.strings("ignore", table.get("ignore", [])))
        config.extend_select = self.selectors(
            "extend-select", self.strings("extend-select", table.get("extend-select", []))
        )
        config.per_file_ignores = self.per_file_ignores(table.get("per-file-ignores", {}))
        if "exclude" in table:
            config.exclude = self.patterns("exclude", table["exclude"])
        config.extend_exclude = self.patterns("extend-exclude", table.get("extend-exclude", []))
        config.respect_gitignore = self.boolean(
            "respect-gitignore", table.get("respect-gitignore", True)
        )
        config.cache_dir = self.string("cache-dir", table.get("cache-dir", DEFAULT_CACHE_DIR))
        config.fail_on = self.fail_on(table.get("fail-on"))
        for section in self.defaults:
            if section in table:
                config.options[section].update(self.section(section, table[section]))
        return config

    def fail_on(self, value: object) -> str | None:
        """``fail-on``: info, warning or error (None: not set)."""
        if value is None:
            return None
        severity = self.string("fail-on", value)
        if severity not in FAIL_ON:
            raise self._type_error("fail-on", severity, "info, warning or error")
        return severity

    def key_label(self, key: str) -> str:
        """``key`` as named in messages (CLI flags are named as they are)."""
        return key if key.startswith("--") or not self.label else f"{self.label} {key}"

    def _type_error(self, key: str, value: object, expected: str) -> ConfigError:
        where = key if key.startswith("--") else self.key_label(key)
        return self.fail("", f"{where} = {_show(value)} must be {expected}")

    def strings(self, key: str, value: object) -> tuple[str, ...]:
        """A list of strings."""
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._type_error(key, value, "a list of strings")
        return tuple(value)

    def patterns(self, key: str, value: object) -> tuple[str, ...]:
        """A list of gitignore-style patterns."""
        result = self.strings(key, value)
        for pattern in result:
            try:
                GitIgnoreSpec.from_lines([pattern])
            except ValueError as error:
                raise self.fail(
                    "", f"{self.key_label(key)} contains an invalid pattern {pattern!r}: {error}"
                ) from None
        return result

    def string(self, key: str, value: object) -> str:
        """A string."""
        if not isinstance(value, str):
            raise self._type_error(key, value, "a string")
        return value

    def boolean(self, key: str, value: object) -> bool:
        """A boolean."""
        if not isinstance(value, bool):
            raise self._type_error(key, value, "a boolean (true or false)")
        return value

    def selectors(self, key: str, values: Iterable[str]) -> tuple[str, ...]:
        """Rule codes, prefixes or ``ALL``, each matching at least one rule."""
        result = tuple(values)
        for selector in result:
            if selector != ALL and not any(code.startswith(selector) for code in self.rules):
                known = ", ".join(sorted(self.rules)) or "(none)"
                raise self.fail(
                    "",
                    f"{self.key_label(key)} contains unknown rule code or "
                    f"prefix {selector!r}; known codes: ALL, {known}",
                )
        return result

    def per_file_ignores(self, value: object) -> dict[str, tuple[str, ...]]:
        """A table of glob -> list of selectors."""
        if not isinstance(value, dict):
            raise self._type_error(
                "per-file-ignores", value, "a table of glob = [rule codes or prefixes]"
            )
        self.patterns("per-file-ignores", list(value))
        result: dict[str, tuple[str, ...]] = {}
        for glob, codes in value.items():
            key = f"per-file-ignores.{_show(glob)}"
            result[glob] = self.selectors(key, self.strings(key, codes))
        return result

    def section(self, section: str, value: object) -> dict[str, object]:
        """One options sub-table, type-checked against the catalogue defaults."""
        where = f"[tool.backendkit.{section}]" if self.label else f"[{section}]"
        if not isinstance(value, dict):
            raise self.fail(
                "", f"{self.key_label(section)} = {_show(value)} must be a table ({where})"
            )
        allowed = self.defaults[section]
        for key, item in value.items():
            if key not in allowed:
                hint, known = did_you_mean(key, allowed), ", ".join(sorted(allowed))
                raise self.fail(where, f"unknown option {key!r}{hint}; allowed options: {known}")
            problem = _option_problem(section, key, allowed[key], item)
            if problem:
                raise self.fail(where, problem)
        return dict(value)


#: options validated beyond their type: (section, key) -> the problem with a value, or None
_DEEP_CHECKS: dict[tuple[str, str], Callable[[object], str | None]] = {
    ("architecture", "contracts"): contract_problem,
}

#: the smallest value of numeric options: a limit below it would report every function or file
MINIMUMS: dict[tuple[str, str], int] = {
    ("complexity", "max-complexity"): 1,  # a function's cyclomatic complexity is at least 1
    ("file-size", "max-lines"): 1,
}


def _option_problem(section: str, key: str, default: object, value: object) -> str | None:
    """What is wrong with ``value`` for option ``key`` of ``section``, or None."""
    deep = _DEEP_CHECKS.get((section, key))
    if deep is not None:
        return deep(value)
    expected = _expected_type(default, value)
    if expected:
        return f"{key} = {_show(value)} must be {expected}"
    minimum = MINIMUMS.get((section, key))
    if minimum is not None and isinstance(value, (int, float)) and value < minimum:
        return f"{key} = {_show(value)} must be at least {minimum}"
    return None


def _option_defaults(rules: Mapping[str, RuleInfo]) -> dict[str, dict[str, object]]:
    """Section -> option -> default, merged over every rule sharing a section."""
    defaults: dict[str, dict[str, object]] = {}
    for info in rules.values():
        if info.options_section:
            defaults.setdefault(info.options_section, {}).update(info.options)
    return defaults


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _expected_list(default: list[object], value: object) -> str | None:
    strings = _all_str(default)
    if not isinstance(value, list):
        return "a list of strings" if strings else "a list"
    return None if not strings or _all_str(value) else "a list of strings"


#: default type -> (check of a user value, what the value should have been)
_TYPE_CHECKS: tuple[tuple[type, Callable[[object], bool], str], ...] = (
    (bool, lambda v: isinstance(v, bool), "a boolean (true or false)"),
    (int, _is_int, "an integer"),
    (float, _is_number, "a number"),
    (str, lambda v: isinstance(v, str), "a string"),
    (dict, lambda v: isinstance(v, dict), "a table"),
)


def _expected_type(default: object, value: object) -> str | None:
    """What ``value`` should have been, or ``None`` when it has the default's type."""
    if isinstance(default, list):
        return _expected_list(default, value)
    for kind, check, expected in _TYPE_CHECKS:
        if isinstance(default, kind):
            return None if check(value) else expected
    return None


def _all_str(values: list[object]) -> bool:
    return all(isinstance(v, str) for v in values)


def _show(value: object) -> str:
    """A short TOML-ish rendering of a value for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
