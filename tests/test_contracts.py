"""BK502-BK504 import contracts beyond their examples: chains, containers, siblings, externals,
ignore-imports, TYPE_CHECKING, and configuration errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from backendkit import analyze
from backendkit.cli import app
from backendkit.config import ConfigError
from backendkit.contracts import parse_contracts, pattern_matches
from helpers import write_project

CODES = ["BK502", "BK503", "BK504"]

LAYERED = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/users.py": "from app.services.users import register\n",
    "app/services/__init__.py": "",
    "app/services/users.py": "import os\n\nfrom app.models.user import User\n\n\n"
    "def register(name: str) -> User:\n    return User(name)\n",
    "app/services/mail.py": "from app.api import users\n",
    "app/models/__init__.py": "",
    "app/models/user.py": "import os\nfrom app.services import mail\n\n\nclass User:\n    pass\n",
    "app/models/base.py": "class Base:\n    pass\n",
}


def contracts(*tables: dict) -> dict:
    """The ``architecture`` options holding ``tables``."""
    return {"architecture": {"contracts": list(tables)}}


def layers(**extra: object) -> dict:
    table = {"name": "layered", "type": "layers", "layers": ["api", "services", "models"]}
    return {**table, "containers": ["app"], **extra}


def run(tmp_path: Path, files: dict, *tables: dict) -> list:
    root = write_project(tmp_path / "p", files, contracts(*tables), select=CODES)
    return analyze([root]).findings


def brief(findings: list) -> list[tuple[str, str, int]]:
    return [(f.code, f.path, f.line) for f in findings]


def test_no_contracts_no_findings(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", LAYERED, select=CODES)
    assert analyze([root]).findings == []


def test_layers_each_crossing_module_once_with_its_chain(tmp_path: Path) -> None:
    findings = run(tmp_path, LAYERED, layers())
    assert brief(findings) == [
        ("BK502", "app/models/user.py", 2),
        ("BK502", "app/services/mail.py", 1),
    ]
    models, services = findings
    assert models.message.startswith(
        "Contract 'layered' broken: layer app.models must not import the higher layer "
        "app.services, but app.models.user (line 2) -> app.services.mail; "
    )
    # the chain models -> services -> api is the services layer's own violation
    assert "app.api" not in models.message
    assert (
        "layer app.services must not import the higher layer app.api, but "
        "app.services.mail (line 1) -> app.api.users" in services.message
    )
    assert models.extra["chain"] == [("app.models.user", 2), ("app.services.mail", 0)]


def test_layers_transitive_chain_through_an_outside_module(tmp_path: Path) -> None:
    files = {
        **LAYERED,
        "app/services/mail.py": "",
        "app/models/user.py": "import os\n\nfrom app.util import helper\n",
        "app/util.py": "import json\nfrom app.tools import make\n\n\ndef helper() -> None:\n"
        "    pass\n",
        "app/tools.py": "def make() -> None:\n    from app.api.users import register\n",
    }
    (finding,) = run(tmp_path, files, layers())
    assert (finding.path, finding.line) == ("app/models/user.py", 3)
    assert (
        "app.models.user (line 3) -> app.util (line 2) -> app.tools (line 2) -> app.api.users"
        in finding.message
    )


def test_layers_without_containers_use_full_names(tmp_path: Path) -> None:
    table = {"name": "full", "type": "layers", "layers": ["app.api", "app.services.users"]}
    files = {**LAYERED, "app/services/mail.py": "", "app/models/user.py": ""}
    files["app/services/users.py"] = "from app.api import users\n"
    assert brief(run(tmp_path, files, table)) == [("BK502", "app/services/users.py", 1)]


def test_each_container_is_checked_on_its_own(tmp_path: Path) -> None:
    files = {
        "shop/__init__.py": "",
        "shop/a/__init__.py": "",
        "shop/a/api.py": "",
        "shop/a/db.py": "from shop.a import api\n",
        "shop/b/__init__.py": "",
        "shop/b/api.py": "",
        "shop/b/db.py": "from shop.a import api\n",
    }
    table = {"name": "per feature", "type": "layers", "layers": ["api", "db"]}
    table["containers"] = ["shop.a", "shop.b"]
    # shop.b.db importing shop.a.api crosses containers: no layer of shop.b is above it
    assert brief(run(tmp_path, files, table)) == [("BK502", "shop/a/db.py", 1)]


SIBLINGS = {
    "app/__init__.py": "",
    "app/api.py": "from app import orders, payments\n",
    "app/orders.py": "from app import payments\n",
    "app/payments.py": "from app import db\n",
    "app/db.py": "",
}


def test_independent_sibling_layers(tmp_path: Path) -> None:
    table = {"name": "siblings", "type": "layers", "layers": ["api", "orders | payments", "db"]}
    table["containers"] = ["app"]
    (finding,) = run(tmp_path, SIBLINGS, table)
    assert (finding.path, finding.line) == ("app/orders.py", 1)
    assert "layer app.orders must not import its independent sibling app.payments" in (
        finding.message
    )
    assert "siblings must not import each other" in finding.message
    assert "lower layer needs down" not in finding.message


def test_siblings_separated_by_colon_may_import_each_other(tmp_path: Path) -> None:
    table = {"name": "siblings", "type": "layers", "layers": ["api", "orders : payments", "db"]}
    table["containers"] = ["app"]
    assert run(tmp_path, SIBLINGS, table) == []


def test_optional_layer_and_unknown_layer(tmp_path: Path) -> None:
    files = {**LAYERED, "app/services/mail.py": "", "app/models/user.py": ""}
    optional = layers(layers=["api", "(jobs)", "services", "models"])
    assert run(tmp_path, files, optional) == []
    missing = layers(layers=["api", "jobs", "services", "models"])
    (finding,) = run(tmp_path, files, missing)
    # at the contract's line (an inline table here: the line of ``contracts = [...]``)
    assert (finding.code, finding.path, finding.line) == ("BK005", "pyproject.toml", 4)
    assert "contract 'layered': layers names 'app.jobs', which matches no module" in (
        finding.message
    )
    assert "mark an optional layer as '(name)'" in finding.message


FORBID = {
    "app/__init__.py": "",
    "app/domain/__init__.py": "",
    "app/domain/order.py": "from app.domain import money\nfrom app.helpers import now\n",
    "app/domain/money.py": "import decimal\n",
    "app/helpers.py": "import datetime\nfrom app import db\n",
    "app/db.py": "import sqlalchemy\n",
}


def forbid(*forbidden: str, **extra: object) -> dict:
    table = {"name": "pure", "type": "forbidden", "source-modules": ["app.domain"]}
    return {**table, "forbidden-modules": list(forbidden), **extra}


def test_forbidden_transitive_and_external(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, FORBID, forbid("sqlalchemy", "fastapi"))
    assert (finding.path, finding.line) == ("app/domain/order.py", 2)
    assert (
        "app.domain must not import sqlalchemy, but app.domain.order (line 2) -> app.helpers "
        "(line 2) -> app.db (line 1) -> sqlalchemy" in finding.message
    )


def test_chain_through_another_forbidden_module_is_reported_once(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, FORBID, forbid("app.db", "sqlalchemy"))
    assert "app.domain.order (line 2) -> app.helpers (line 2) -> app.db;" in finding.message


def test_forbidden_direct_only(tmp_path: Path) -> None:
    assert run(tmp_path, FORBID, forbid("app.db", **{"allow-indirect-imports": True})) == []
    files = {**FORBID, "app/domain/money.py": "import decimal\n\nimport app.db\n"}
    findings = run(tmp_path, files, forbid("app.db", **{"allow-indirect-imports": True}))
    assert brief(findings) == [("BK503", "app/domain/money.py", 3)]


def test_ignore_imports(tmp_path: Path) -> None:
    table = forbid("app.db", **{"ignore-imports": ["app.helpers -> app.db"]})
    assert run(tmp_path, FORBID, table) == []
    wildcard = forbid("app.db", **{"ignore-imports": ["app.domain.* -> app.helpers"]})
    assert run(tmp_path, FORBID, wildcard) == []
    stale = forbid("app.db", **{"ignore-imports": ["app.db -> app.helpers"]})
    codes = [f.code for f in run(tmp_path, FORBID, stale)]
    assert sorted(codes) == ["BK005", "BK503"]


def test_type_checking_imports_are_excluded_by_default(tmp_path: Path) -> None:
    files = {
        **FORBID,
        "app/domain/order.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from app.db import Session\n\n\ndef save(session: 'Session') -> None:\n    pass\n",
    }
    assert run(tmp_path, files, forbid("app.db")) == []
    counted = forbid("app.db", **{"exclude-type-checking-imports": False})
    assert brief(run(tmp_path, files, counted)) == [("BK503", "app/domain/order.py", 4)]


def test_imports_inside_functions_count(tmp_path: Path) -> None:
    files = {**FORBID, "app/domain/order.py": "def load() -> None:\n    import app.db\n"}
    assert brief(run(tmp_path, files, forbid("app.db"))) == [("BK503", "app/domain/order.py", 2)]


FEATURES = {
    "shop/__init__.py": "",
    "shop/shared.py": "from shop.features.billing import api\n",
    "shop/features/__init__.py": "",
    "shop/features/cart/__init__.py": "",
    "shop/features/cart/views.py": "from shop import shared\n",
    "shop/features/billing/__init__.py": "",
    "shop/features/billing/api.py": "",
    "shop/features/users.py": "",
}


def test_independence_with_wildcard_and_transitive_chain(tmp_path: Path) -> None:
    table = {"name": "features", "type": "independence", "modules": ["shop.features.*"]}
    (finding,) = run(tmp_path, FEATURES, table)
    assert (finding.path, finding.line) == ("shop/features/cart/views.py", 1)
    assert (
        "shop.features.cart and shop.features.billing must be independent, but "
        "shop.features.cart.views (line 1) -> shop.shared (line 1) -> "
        "shop.features.billing.api" in finding.message
    )


def test_independence_unknown_module(tmp_path: Path) -> None:
    table = {"name": "f", "type": "independence", "modules": ["shop.features.cart", "shop.nope"]}
    (finding,) = run(tmp_path, FEATURES, table)
    assert finding.code == "BK005"
    assert "'shop.nope', which matches no module" in finding.message
    assert "optional layer" not in finding.message  # only layers contracts have those


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"name": "x", "type": "layers", "layer": ["a", "b"]},
            "contract 'x': unknown key 'layer' (did you mean 'layers'?); "
            "allowed keys: name, type, ",
        ),
        ({"name": "x", "type": "layered"}, "contract 'x': type = 'layered' must be one of"),
        ({"name": "x", "type": "layers", "layers": "a"}, "layers = 'a' must be a list of strings"),
        ({"name": "x", "type": "layers", "layers": ["a"]}, "two or more layers, highest first"),
        ({"type": "layers", "layers": ["a", "b"]}, "contracts[0]: name = None must be"),
        (
            {"name": "x", "type": "forbidden", "source-modules": ["a"]},
            "forbidden contracts need 'forbidden-modules'",
        ),
        (
            {"name": "x", "type": "independence", "modules": ["a", "b c"]},
            "modules contains 'b c', which is not a dotted module name",
        ),
        (
            {"name": "x", "type": "independence", "modules": ["a", "b"], "ignore-imports": ["a"]},
            "ignore-imports contains 'a'; write 'importer -> imported'",
        ),
        (
            {
                "name": "x",
                "type": "forbidden",
                "source-modules": ["a"],
                "forbidden-modules": ["b"],
                "allow-indirect-imports": "yes",
            },
            "allow-indirect-imports = 'yes' must be a boolean",
        ),
    ],
)
def test_bad_contract_config_is_one_line_error(tmp_path: Path, table: dict, message: str) -> None:
    root = write_project(tmp_path / "p", {"a.py": ""}, contracts(table))
    with pytest.raises(ConfigError) as info:
        analyze([root])
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith("pyproject.toml: [tool.backendkit.architecture] ")
    assert message in text


def test_bad_contract_config_on_the_command_line(tmp_path: Path) -> None:
    table = {"name": "x", "type": "layers", "layers": ["a", "b"], "contaners": ["a"]}
    root = write_project(tmp_path / "p", {"a.py": ""}, contracts(table))
    result = CliRunner().invoke(app, ["lint", str(root)])
    assert result.exit_code == 2
    assert "unknown key 'contaners' (did you mean 'containers'?)" in result.output


def test_configuration_finding_at_the_contract_table(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.backendkit]\nselect = ["BK504"]\n\n'
        "[[tool.backendkit.architecture.contracts]]\nname = 'first'\ntype = 'independence'\n"
        'modules = ["shop.features.*"]\n\n'
        '[[tool.backendkit.architecture.contracts]]\nname = "second"\n'
        'type = "independence"\nmodules = ["shop.features.cart", "shop.gone"]\n',
        encoding="utf-8",
    )
    for rel, text in FEATURES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    findings = analyze([root]).findings
    assert [(f.code, f.path, f.line) for f in findings] == [
        ("BK005", "pyproject.toml", 10),
        ("BK504", "shop/features/cart/views.py", 1),
    ]


def test_contracts_must_be_tables_with_distinct_names() -> None:
    with pytest.raises(ValueError, match="must be a list of tables"):
        parse_contracts(["a"])
    twice = {"name": "x", "type": "independence", "modules": ["a", "b"]}
    with pytest.raises(ValueError, match="two contracts are named 'x'"):
        parse_contracts([twice, twice])


def test_pattern_matching() -> None:
    assert pattern_matches("app.api", "app.api.users")
    assert not pattern_matches("app.api", "app.apis")
    assert pattern_matches("app.*.models", "app.shop.models.user")
    assert not pattern_matches("app.*", "app.x.y", descendants=False)


def test_graphs_are_built_once_per_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """BK501 and the contract rules share one import graph; BK301 builds one call graph."""
    import backendkit.graphs.calls as calls_module
    import backendkit.graphs.imports as imports_module

    built: list[str] = []
    real_imports, real_calls = imports_module.build_import_graph, calls_module.lazy_call_graph

    def count_imports(*args: object, **kwargs: object) -> object:
        built.append("imports")
        return real_imports(*args, **kwargs)

    def count_calls(*args: object, **kwargs: object) -> object:
        built.append("calls")
        return real_calls(*args, **kwargs)

    monkeypatch.setattr(imports_module, "build_import_graph", count_imports)
    monkeypatch.setattr(calls_module, "lazy_call_graph", count_calls)
    files = {
        **FORBID,
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
        "@app.get('/')\nasync def index() -> None:\n    pass\n",
    }
    table = {"name": "f", "type": "independence", "modules": ["app.domain", "app.db"]}
    options = contracts(
        forbid("app.db"), table, layers(containers=[], layers=["app.main", "app.db"])
    )
    root = write_project(tmp_path / "p", files, options, select=["BK301", "BK501", *CODES])
    findings = analyze([root], use_cache=False).findings
    assert sorted(f.code for f in findings) == ["BK503", "BK504"]
    assert sorted(built) == ["calls", "imports"]
