"""Tests of configuration loading, validation and ruff-like rule selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit.catalogue import RuleInfo
from backendkit.config import (
    DEFAULT_EXCLUDES,
    Config,
    ConfigError,
    find_project_root,
    load_config,
)
from backendkit.findings import Severity


def _rule(
    code: str,
    section: str | None = None,
    options: dict[str, object] | None = None,
    *,
    default_enabled: bool = True,
) -> RuleInfo:
    return RuleInfo(
        code=code,
        name=f"rule-{code.lower()}",
        severity=Severity.WARNING,
        category="test",
        summary="test rule",
        scope="file",
        default_enabled=default_enabled,
        options_section=section,
        options=options or {},
    )


AUTH_OPTIONS: dict[str, object] = {
    "public-paths": ["/health", "/docs"],
    "extend-public-paths": [],
    "public-handlers": ["health"],
    "auth-dependencies": [],
}

RULES: dict[str, RuleInfo] = {
    r.code: r
    for r in (
        _rule("BK001"),
        _rule("BK101", "auth", AUTH_OPTIONS),
        _rule("BK102", "auth", {"strict": False}),
        _rule("BK103", default_enabled=False),
        _rule("BK201"),
        _rule("BK401", "complexity", {"max-complexity": 10}),
        _rule("BK402", "file-size", {"max-lines": 500}),
        _rule("BK403", "file-size", {"ratio": 0.5, "mode": "lines"}),
    )
}
DEFAULT_ON = frozenset(c for c, r in RULES.items() if r.default_enabled)


def _project(tmp_path: Path, body: str, name: str = "pyproject.toml") -> Path:
    (tmp_path / name).write_text(body, encoding="utf-8")
    return tmp_path


def _load(tmp_path: Path, body: str, **kwargs: object) -> Config:
    return load_config(_project(tmp_path, body), RULES, **kwargs)  # type: ignore[arg-type]


def _error(tmp_path: Path, body: str, **kwargs: object) -> str:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, body, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


# --- loading ----------------------------------------------------------------------------------


def test_defaults_without_any_config(tmp_path: Path) -> None:
    config = load_config(tmp_path, RULES)
    assert config.source is None
    assert config.select == ("BK",)
    assert config.respect_gitignore is True
    assert config.cache_dir == ".backendkit_cache"
    assert config.exclude == DEFAULT_EXCLUDES
    assert config.option("complexity", "max-complexity") == 10
    assert config.option("auth", "public-paths") == ["/health", "/docs"]
    assert config.option("auth", "strict") is False  # sections merge over rules
    assert config.enabled_codes(RULES) == DEFAULT_ON


def test_pyproject_without_table_is_not_a_config(tmp_path: Path) -> None:
    config = _load(tmp_path, '[project]\nname = "x"\n')
    assert config.source is None


def test_full_pyproject(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        """
[tool.backendkit]
select = ["BK1"]
ignore = ["BK102"]
extend-select = ["BK4"]
exclude = ["migrations"]
extend-exclude = ["generated/"]
respect-gitignore = false
cache-dir = ".cache/bk"
[tool.backendkit.per-file-ignores]
"tests/**" = ["BK1"]
[tool.backendkit.complexity]
max-complexity = 15
[tool.backendkit.auth]
extend-public-paths = ["/status"]
""",
    )
    assert config.source == tmp_path / "pyproject.toml"
    assert config.exclude == ("migrations",)
    assert config.extend_exclude == ("generated/",)
    assert config.respect_gitignore is False
    assert config.cache_dir == ".cache/bk"
    assert config.per_file_ignores == {"tests/**": ("BK1",)}
    assert config.option("complexity", "max-complexity") == 15
    assert config.option("auth", "extend-public-paths") == ["/status"]
    assert config.option("auth", "public-paths") == ["/health", "/docs"]
    assert config.enabled_codes(RULES) == {"BK101", "BK401", "BK402", "BK403"}


def test_standalone_backendkit_toml_wins_over_pyproject(tmp_path: Path) -> None:
    _project(tmp_path, '[tool.backendkit]\nselect = ["BK2"]\n')
    _project(tmp_path, 'select = ["BK4"]\n[complexity]\nmax-complexity = 3\n', "backendkit.toml")
    config = load_config(tmp_path, RULES)
    assert config.source == tmp_path / "backendkit.toml"
    assert config.select == ("BK4",)
    assert config.option("complexity", "max-complexity") == 3


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("custom.toml", 'select = ["BK2"]\n'),
        ("pyproject.toml", '[tool.backendkit]\nselect = ["BK2"]\n'),
        ("other.toml", '[tool.backendkit]\nselect = ["BK2"]\n'),
    ],
)
def test_explicit_config_file(tmp_path: Path, name: str, body: str) -> None:
    elsewhere = tmp_path / "conf"
    elsewhere.mkdir()
    path = _project(elsewhere, body, name) / name
    config = load_config(tmp_path, RULES, config_file=path)
    assert config.source == path
    assert config.enabled_codes(RULES) == {"BK201"}


def test_missing_explicit_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: cannot read configuration"):
        load_config(tmp_path, RULES, config_file=tmp_path / "nope.toml")


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    message = _error(tmp_path, '[tool.backendkit]\nselect = = ["BK1"]\n')
    assert message.startswith("pyproject.toml: invalid TOML: ")
    assert "line 2" in message


# --- validation messages ----------------------------------------------------------------------


def test_unknown_key(tmp_path: Path) -> None:
    message = _error(tmp_path, '[tool.backendkit]\nselct = ["BK1"]\n')
    assert message.startswith(
        "pyproject.toml: [tool.backendkit] unknown key 'selct' (did you mean 'select'?); "
    )
    assert "allowed keys: auth, cache-dir, complexity, exclude" in message
    assert "select" in message
    assert "per-file-ignores" in message


def test_unknown_key_in_standalone_file(tmp_path: Path) -> None:
    _project(tmp_path, "colour = 1\n", "backendkit.toml")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, RULES)
    assert str(info.value).startswith("backendkit.toml: unknown key 'colour'; allowed keys:")


def test_unknown_section(tmp_path: Path) -> None:
    message = _error(tmp_path, "[tool.backendkit.complexty]\nmax-complexity = 3\n")
    assert "unknown section [tool.backendkit.complexty] (did you mean 'complexity'?)" in message
    assert "allowed sections: auth, complexity, file-size" in message


def test_a_misspelt_per_file_ignores_table_gets_a_hint(tmp_path: Path) -> None:
    message = _error(tmp_path, '[tool.backendkit.per-file-ignore]\n"x.py" = ["BK204"]\n')
    assert "(did you mean 'per-file-ignores'?)" in message


def test_unknown_option(tmp_path: Path) -> None:
    message = _error(tmp_path, "[tool.backendkit.complexity]\nmax-complexty = 3\n")
    assert message == (
        "pyproject.toml: [tool.backendkit.complexity] unknown option 'max-complexty' "
        "(did you mean 'max-complexity'?); allowed options: max-complexity"
    )


def test_unknown_option_lists_options_of_all_rules_in_section(tmp_path: Path) -> None:
    message = _error(tmp_path, "[tool.backendkit.auth]\npublic = []\n")
    assert "did you mean" not in message  # nothing is close enough to 'public'
    assert (
        "allowed options: auth-dependencies, extend-public-paths, public-handlers, "
        "public-paths, strict"
    ) in message


@pytest.mark.parametrize(
    ("section", "assignment", "expected"),
    [
        ("complexity", "max-complexity = 'ten'", "max-complexity = 'ten' must be an integer"),
        ("complexity", "max-complexity = true", "max-complexity = true must be an integer"),
        ("complexity", "max-complexity = 1.5", "max-complexity = 1.5 must be an integer"),
        ("auth", "strict = 1", "strict = 1 must be a boolean (true or false)"),
        ("auth", "public-paths = '/x'", "public-paths = '/x' must be a list of strings"),
        ("auth", "public-paths = ['/x', 3]", "public-paths = ['/x', 3] must be a list of strings"),
        ("auth", "auth-dependencies = [1]", "auth-dependencies = [1] must be a list of strings"),
        ("file-size", "mode = 3", "mode = 3 must be a string"),
        ("file-size", "ratio = 'x'", "ratio = 'x' must be a number"),
    ],
)
def test_option_type_errors(tmp_path: Path, section: str, assignment: str, expected: str) -> None:
    message = _error(tmp_path, f"[tool.backendkit.{section}]\n{assignment}\n")
    assert message == f"pyproject.toml: [tool.backendkit.{section}] {expected}"


def test_float_option_accepts_integer(tmp_path: Path) -> None:
    config = _load(tmp_path, "[tool.backendkit.file-size]\nratio = 1\n")
    assert config.option("file-size", "ratio") == 1


def test_section_must_be_table(tmp_path: Path) -> None:
    message = _error(tmp_path, "[tool.backendkit]\ncomplexity = 3\n")
    assert "complexity = 3 must be a table" in message


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        ("select = 'BK1'", "[tool.backendkit] select = 'BK1' must be a list of strings"),
        ("ignore = [1]", "[tool.backendkit] ignore = [1] must be a list of strings"),
        ("exclude = 'x'", "[tool.backendkit] exclude = 'x' must be a list of strings"),
        ("respect-gitignore = 'no'", "respect-gitignore = 'no' must be a boolean"),
        ("cache-dir = 1", "[tool.backendkit] cache-dir = 1 must be a string"),
        ("per-file-ignores = ['x']", "per-file-ignores = ['x'] must be a table"),
    ],
)
def test_general_type_errors(tmp_path: Path, assignment: str, expected: str) -> None:
    message = _error(tmp_path, f"[tool.backendkit]\n{assignment}\n")
    assert message.startswith("pyproject.toml: ")
    assert expected in message


@pytest.mark.parametrize("key", ["select", "ignore", "extend-select"])
def test_unknown_code(tmp_path: Path, key: str) -> None:
    message = _error(tmp_path, f'[tool.backendkit]\n{key} = ["BK1", "BK999"]\n')
    assert message.startswith(
        f"pyproject.toml: [tool.backendkit] {key} contains unknown rule code or prefix 'BK999'"
    )
    assert "known codes: ALL, BK001, BK101" in message


def test_unknown_code_in_per_file_ignores(tmp_path: Path) -> None:
    message = _error(tmp_path, '[tool.backendkit.per-file-ignores]\n"a.py" = ["XX1"]\n')
    assert "per-file-ignores.'a.py' contains unknown rule code or prefix 'XX1'" in message


def test_invalid_exclude_pattern(tmp_path: Path) -> None:
    message = _error(tmp_path, '[tool.backendkit]\nextend-exclude = ["\\\\"]\n')
    assert "extend-exclude contains an invalid pattern" in message


@pytest.mark.parametrize(
    ("kwargs", "flag"),
    [
        ({"select": ["BK9"]}, "--select"),
        ({"ignore": ["BK1,BK9"]}, "--ignore"),
        ({"extend_select": ["nope"]}, "--extend-select"),
    ],
)
def test_cli_override_validation(tmp_path: Path, kwargs: dict[str, object], flag: str) -> None:
    message = _error(tmp_path, "[tool.backendkit]\n", **kwargs)
    assert message.startswith(f"{flag} contains unknown rule code or prefix")
    assert "known codes:" in message


# --- selection --------------------------------------------------------------------------------


def _enabled(**fields: object) -> frozenset[str]:
    return Config(root=Path(), **fields).enabled_codes(RULES)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, DEFAULT_ON),
        ({"select": ("BK1",), "ignore": ("BK101",)}, {"BK102"}),
        ({"select": ("BK101",), "ignore": ("BK1",)}, {"BK101"}),  # more specific select wins
        ({"select": ("BK1",), "ignore": ("BK1",)}, set()),  # equal specificity: ignore wins
        ({"select": ("ALL",)}, set(RULES)),
        ({"select": ("ALL",), "ignore": ("BK4",)}, set(RULES) - {"BK401", "BK402", "BK403"}),
        ({"ignore": ("ALL",), "select": ("BK201",)}, {"BK201"}),
        ({"select": ("BK1",)}, {"BK101", "BK102"}),  # off-by-default BK103 needs its code
        ({"select": ("BK103",)}, {"BK103"}),
        ({"extend_select": ("BK103",)}, DEFAULT_ON | {"BK103"}),
        ({"select": ("BK2",), "extend_select": ("BK0",)}, {"BK001", "BK201"}),
        ({"ignore": ("BK",), "extend_select": ("BK4",)}, {"BK401", "BK402", "BK403"}),
    ],
)
def test_selection(fields: dict[str, object], expected: set[str]) -> None:
    assert _enabled(**fields) == expected


def test_cli_select_replaces_file_selection(tmp_path: Path) -> None:
    body = '[tool.backendkit]\nselect = ["BK1"]\nignore = ["BK401"]\n'
    config = _load(tmp_path, body, select=["BK401", "BK001"])
    assert config.select == ("BK1",)  # the file's own values are kept for display
    assert config.enabled_codes(RULES) == {"BK401", "BK001"}


def test_cli_ignore_and_extend_select_add_to_file_selection(tmp_path: Path) -> None:
    body = '[tool.backendkit]\nignore = ["BK4"]\n'
    config = _load(tmp_path, body, ignore=["BK001"], extend_select=["BK402"])
    assert config.enabled_codes(RULES) == {"BK101", "BK102", "BK201", "BK402"}


def test_cli_comma_separated_values(tmp_path: Path) -> None:
    config = _load(tmp_path, "", select=["BK001, BK201"])
    assert config.enabled_codes(RULES) == {"BK001", "BK201"}


# --- per-file-ignores -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relpath", "code", "ignored"),
    [
        ("tests/test_x.py", "BK101", True),
        ("tests/deep/er/test_x.py", "BK102", True),
        ("tests/test_x.py", "BK201", False),
        ("src/tests/test_x.py", "BK101", False),  # anchored: the glob contains a slash
        ("pkg/migrations/0001.py", "BK401", True),  # no slash: matches at any depth
        ("pkg/migrations/0001.py", "BK001", True),
        ("conftest.py", "BK201", True),
        ("pkg/conftest.py", "BK201", True),
        ("pkg/app.py", "BK201", False),
        ("scripts/run.py", "BK999", True),  # ALL
    ],
)
def test_per_file_ignores(relpath: str, code: str, ignored: bool) -> None:
    config = Config(
        root=Path(),
        per_file_ignores={
            "tests/**": ("BK1",),
            "migrations/": ("BK4", "BK001"),
            "conftest.py": ("BK201",),
            "scripts/*.py": ("ALL",),
        },
    )
    assert config.ignored_in_file(relpath, code) is ignored


def test_unknown_option_lookup_raises_key_error() -> None:
    with pytest.raises(KeyError, match="unknown option"):
        Config(root=Path()).option("complexity", "max-complexity")


# --- project root -----------------------------------------------------------------------------


def test_find_project_root_walks_up(tmp_path: Path) -> None:
    _project(tmp_path, "")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    (deep / "m.py").write_text("", encoding="utf-8")
    assert find_project_root([deep / "m.py"]) == tmp_path.resolve()
    assert find_project_root([deep]) == tmp_path.resolve()


def test_find_project_root_nearest_wins(tmp_path: Path) -> None:
    _project(tmp_path, "")
    inner = tmp_path / "inner"
    inner.mkdir()
    _project(inner, "", "backendkit.toml")
    assert find_project_root([inner]) == inner.resolve()


def test_find_project_root_defaults_to_common_parent(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.py").write_text("", encoding="utf-8")
    root = find_project_root([tmp_path / "a", tmp_path / "b" / "x.py"])
    # tmp_path has no pyproject.toml; an ancestor might (unlikely in a temp dir)
    assert root in (tmp_path.resolve(), *tmp_path.resolve().parents)


def test_find_project_root_uses_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path, "")
    monkeypatch.chdir(tmp_path)
    assert find_project_root([]) == tmp_path.resolve()
