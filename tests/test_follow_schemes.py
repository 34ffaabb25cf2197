"""``auto_error`` passed on by a project subclass's ``__init__`` calling its base explicitly
(``HTTPBearer.__init__(self, auto_error=False)``), as ``super().__init__(...)`` does: the
arguments after ``self`` are bound to the base's parameters. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import route_per_name
from truth import anonymous_statuses

MAIN = """\
from fastapi import Depends, FastAPI
from fastapi.security import APIKeyHeader, HTTPBearer

app = FastAPI()


class LooseBearer(HTTPBearer):
    def __init__(self) -> None:
        HTTPBearer.__init__(self, auto_error=False)


class StrictKey(APIKeyHeader):
    def __init__(self, name: str) -> None:
        APIKeyHeader.__init__(self, name=name)


class PassedOn(HTTPBearer):
    def __init__(self, strict: bool = True) -> None:
        HTTPBearer.__init__(self, auto_error=strict)


loose = LooseBearer()
strict = StrictKey("X-API-Key")
lenient = PassedOn(False)
firm = PassedOn()
"""

ROUTE = """

@app.get("/{name}", dependencies=[Depends({name})])
def {name}_route() -> int:
    return 1
"""

EXPECTED = {
    "/loose": "optional",
    "/strict": "required",
    "/lenient": "optional",
    "/firm": "required",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One route per scheme instance."""
    root = tmp_path_factory.mktemp("schemes") / "p"
    return route_per_name(root, MAIN, ROUTE, (path[1:] for path in EXPECTED))


def test_fastapi_behaviour(project: Path) -> None:
    codes = anonymous_statuses(project, EXPECTED, raise_errors=True)
    real = {path: "required" if codes[path] in (401, 403) else "optional" for path in EXPECTED}
    assert real == EXPECTED


def test_explicit_base_init_passes_auto_error(project: Path) -> None:
    result = analyze([project])
    assert {r.path: r.auth for r in result.routes} == EXPECTED
