"""BK502-BK504: import contracts (layers, forbidden, independence) checked on the import graph.

The contracts are configured in ``[[tool.backendkit.architecture.contracts]]`` (see
``backendkit.contracts``); without any, these rules report nothing. A contract entry that matches
no module of the project, or an ``ignore-imports`` line that matches no import, is reported as a
BK005 finding at the configuration file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from backendkit.contracts import Contract, parse_contracts
from backendkit.findings import Finding, Severity
from backendkit.graphs.chains import Boundary, Members, Violation, contract_graph, violations
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.support import config_line

Plan = tuple[list[Boundary], frozenset[str], dict[str, str]]

_APP = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/services/__init__.py": "",
    "app/models/__init__.py": "",
    "app/api/users.py": "from app.services.users import register\n",
    "app/services/users.py": "from app.models.user import User\n\n\n"
    "def register(name: str) -> User:\n    return User(name)\n",
}
_USER = "class User:\n    def __init__(self, name: str) -> None:\n        self.name = name\n"
_LAYERS = {
    "architecture": {
        "contracts": [
            {
                "name": "layered app",
                "type": "layers",
                "layers": ["api", "services", "models"],
                "containers": ["app"],
            },
        ]
    }
}

_FEATURES = {
    "architecture": {
        "contracts": [
            {"name": "features", "type": "independence", "modules": ["shop.features.*"]},
        ]
    }
}


class _ContractRule(ProjectRule):
    """Shared driver: parse the contracts of this rule's type, check each, report."""

    kind = ""
    hint = ""

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """One finding per source module that breaks a contract, and one BK005 per contract
        entry that matches nothing."""
        contracts = [
            c for c in parse_contracts(self.options.get("contracts", [])) if c.type == self.kind
        ]
        for contract in contracts:
            members = Members(ctx.import_graph)
            graph, unused = contract_graph(ctx.import_graph, contract)
            boundaries, blocked, entry_of = self.plan(contract, members)
            problems = [
                *members.problems,
                *(f"ignore-imports has {u!r}, which matches no import" for u in unused),
            ]
            for problem in problems:
                yield self._problem(ctx, contract, problem)
            for violation in violations(graph, contract, boundaries, blocked, entry_of):
                yield self._finding(ctx, violation)

    @staticmethod
    def plan(contract: Contract, members: Members) -> Plan:
        """The boundaries of ``contract``, its modules, and the entry each module belongs to."""
        raise NotImplementedError

    def _finding(self, ctx: ProjectContext, violation: Violation) -> Finding:
        steps = [f"{module} (line {line})" for module, line in violation.chain[:-1]]
        chain = " -> ".join([*steps, violation.chain[-1][0]])
        message = (
            f"Contract {violation.contract.name!r} broken: {violation.relation}, but "
            f"{chain}; {self.hint_for(violation)}"
        )
        summary = ctx.index.modules[violation.source]
        return self.finding(
            summary.path,
            violation.chain[0][1],
            message,
            extra={"contract": violation.contract.name, "chain": violation.chain},
        )

    def hint_for(self, violation: Violation) -> str:
        """How to fix ``violation`` (the rule's ``hint`` unless a rule tells cases apart)."""
        del violation
        return self.hint

    def _problem(self, ctx: ProjectContext, contract: Contract, problem: str) -> Finding:
        optional = ", or mark an optional layer as '(name)'" if self.kind == "layers" else ""
        return Finding(
            code="BK005",
            name="unmatched-config-name",
            message=f"Invalid configuration for {self.code}: [tool.backendkit.architecture] "
            f"contract {contract.name!r}: {problem}; the contract is checked without it. Name "
            f"modules as they are imported (dotted){optional}",
            path=ctx.config_file,
            line=_contract_line(ctx, contract.name),
            severity=Severity.ERROR,
        )


def _contract_line(ctx: ProjectContext, name: str) -> int:
    """The line of ``name = "<name>"`` in the configuration file (1 when not found)."""
    pattern = re.compile(rf"""(^|[{{,])\s*["']?name["']?\s*=\s*["']{re.escape(name)}["']""")
    return config_line(ctx, pattern)


def _union(sets: Iterable[frozenset[str]]) -> frozenset[str]:
    return frozenset().union(*sets)


class LayersRule(_ContractRule):
    """BK502: a lower layer imports a higher one (layers are listed highest first)."""

    code = "BK502"
    links = False  # reads the index only: runs while the project is linked
    uses_graphs = True
    reads = "imports"  # the import graph only: kept while no import changes
    cost = 1
    kind = "layers"
    hint = (
        "move what the lower layer needs down into it, or pass it in from above "
        "(a parameter or a dependency)"
    )
    VALID = (
        Example({**_APP, "app/models/user.py": _USER}, options=_LAYERS),
        Example(
            {**_APP, "app/models/user.py": "from app.api import users\n" + _USER},
            note="no contracts configured: the rule is off",
        ),
    )
    INVALID = (
        Example(
            {
                **_APP,
                "app/models/user.py": "from app.api.users import register  # expect: BK502\n\n\n"
                + _USER,
            },
            options=_LAYERS,
            note="models (the lowest layer) imports api (the highest)",
        ),
    )

    def hint_for(self, violation: Violation) -> str:
        """Siblings split by ``|`` are independent: neither is below the other."""
        if "independent sibling" in violation.relation:
            return (
                "independent siblings must not import each other: move what both need into "
                "a lower layer, or join them with ':' if they may depend on each other"
            )
        return self.hint

    @staticmethod
    def plan(contract: Contract, members: Members) -> Plan:
        """Each layer (per container) against every layer below it, and independent siblings
        against each other."""
        boundaries: list[Boundary] = []
        entry_of: dict[str, str] = {}
        for container in contract.containers:
            members.of("containers", container)
        for container in contract.containers or ("",):
            layers = []
            for layer in contract.layers:
                entries = []
                for name in layer.names:
                    full = f"{container}.{name}" if container else name
                    mods = frozenset(members.of("layers", full, optional=name in layer.optional))
                    entries.append((full, mods))
                    for module in mods:
                        entry_of.setdefault(module, full)
                layers.append((layer.independent, entries))
            boundaries += _layer_boundaries(layers)
        return boundaries, frozenset(entry_of), entry_of


def _layer_boundaries(layers: list[tuple[bool, list[tuple[str, frozenset[str]]]]]) -> list:
    out: list[Boundary] = []
    for number, (independent, entries) in enumerate(layers):
        lower = _union(mods for _i, below in layers[number + 1 :] for _n, mods in below)
        for name, mods in entries:
            if not mods:
                continue
            relation = f"layer {{source}} must not import the higher layer {name}"
            out.append(Boundary(lower, mods, name, relation))
            if independent:
                siblings = _union(m for other, m in entries if other != name)
                relation = f"layer {{source}} must not import its independent sibling {name}"
                out.append(Boundary(siblings, mods, name, relation))
    return out


class ForbiddenRule(_ContractRule):
    """BK503: source modules import a forbidden module, directly or through others."""

    code = "BK503"
    links = False  # reads the index only: runs while the project is linked
    uses_graphs = True
    reads = "imports"  # the import graph only: kept while no import changes
    cost = 1
    kind = "forbidden"
    hint = "remove the import, or move the code that needs it out of the source modules"
    VALID = (
        Example(
            {
                "app/__init__.py": "",
                "app/domain.py": "from dataclasses import dataclass\n\n\n@dataclass\n"
                "class Order:\n    total: int\n",
                "app/db.py": "import sqlalchemy\n\nfrom app.domain import Order\n",
            },
            options={
                "architecture": {
                    "contracts": [
                        {
                            "name": "pure domain",
                            "type": "forbidden",
                            "source-modules": ["app.domain"],
                            "forbidden-modules": ["app.db", "sqlalchemy"],
                        },
                    ]
                }
            },
        ),
    )
    INVALID = (
        Example(
            {
                "app/__init__.py": "",
                "app/domain.py": "from app.helpers import now  # expect: BK503\n",
                "app/helpers.py": "import datetime\n\nfrom app.db import engine\n\n\n"
                "def now() -> datetime.datetime:\n    return datetime.datetime.now()\n",
                "app/db.py": "import sqlalchemy\n\nengine = sqlalchemy.create_engine('sqlite://')\n",
            },
            options={
                "architecture": {
                    "contracts": [
                        {
                            "name": "pure domain",
                            "type": "forbidden",
                            "source-modules": ["app.domain"],
                            "forbidden-modules": ["app.db"],
                        },
                    ]
                }
            },
            note="app.domain -> app.helpers -> app.db: forbidden through another module",
        ),
    )

    @staticmethod
    def plan(contract: Contract, members: Members) -> Plan:
        """The source modules against each forbidden module."""
        entry_of: dict[str, str] = {}
        for name in contract.source_modules:
            for module in members.of("source-modules", name):
                entry_of.setdefault(module, name)
        sources = frozenset(entry_of)
        boundaries = []
        blocked = set(sources)
        for name in contract.forbidden_modules:
            mods = frozenset(members.of("forbidden-modules", name, external=True))
            blocked |= mods
            relation = f"{{source}} must not import {name}"
            boundaries.append(Boundary(sources, mods, name, relation))
        return boundaries, frozenset(blocked), entry_of


class IndependenceRule(_ContractRule):
    """BK504: modules that must be independent import each other, directly or through
    others."""

    code = "BK504"
    links = False  # reads the index only: runs while the project is linked
    uses_graphs = True
    reads = "imports"  # the import graph only: kept while no import changes
    cost = 0.5
    kind = "independence"
    hint = "move what both need into a module outside them, or let the caller combine them"
    VALID = (
        Example(
            {
                "shop/__init__.py": "",
                "shop/common.py": "def money(cents: int) -> str:\n    return str(cents)\n",
                "shop/features/__init__.py": "",
                "shop/features/cart.py": "from shop.common import money\n",
                "shop/features/billing.py": "from shop.common import money\n",
            },
            options=_FEATURES,
        ),
    )
    INVALID = (
        Example(
            {
                "shop/__init__.py": "",
                "shop/features/__init__.py": "",
                "shop/features/cart.py": "from shop.features.billing import charge"
                "  # expect: BK504\n",
                "shop/features/billing.py": "def charge(cents: int) -> None:\n    pass\n",
            },
            options=_FEATURES,
        ),
    )

    @staticmethod
    def plan(contract: Contract, members: Members) -> Plan:
        """Each independent module against all the others."""
        units = [u for name in contract.modules for u in members.units("modules", name)]
        entry_of: dict[str, str] = {}
        groups: dict[str, frozenset[str]] = {}
        for unit in dict.fromkeys(units):
            groups[unit] = frozenset(members.of("modules", unit, optional=True))
            for module in groups[unit]:
                entry_of.setdefault(module, unit)
        boundaries = [
            Boundary(
                _union(m for other, m in groups.items() if other != unit),
                mods,
                unit,
                f"{{source}} and {unit} must be independent",
            )
            for unit, mods in groups.items()
        ]
        return boundaries, frozenset(entry_of), entry_of


def iter_violations(ctx: ProjectContext, contracts: Iterable[Contract]) -> Iterator[Violation]:
    """Every violation of ``contracts`` (for reports): the rules' own checks, without
    findings."""
    rules = {"layers": LayersRule, "forbidden": ForbiddenRule, "independence": IndependenceRule}
    for contract in contracts:
        members = Members(ctx.import_graph)
        graph, _unused = contract_graph(ctx.import_graph, contract)
        boundaries, blocked, entry_of = rules[contract.type].plan(contract, members)
        yield from violations(graph, contract, boundaries, blocked, entry_of)
