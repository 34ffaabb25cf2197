"""Star-import searches are memoised per (module, name): a diamond of star imports is searched
once per module, not once per path; answers cut by a cycle or MAX_DEPTH are not kept."""

from __future__ import annotations

import libcst as cst
import pytest

from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx, Symbol, Unresolved, VarSym
from backendkit.summary.collector import walk_module


def _index(sources: dict[str, str]) -> ProjectIndex:
    summaries = [
        walk_module(f"{module}.py", module, False, cst.parse_module(source))[0]
        for module, source in sources.items()
    ]
    return ProjectIndex(summaries)


def _diamond(levels: int) -> dict[str, str]:
    """Each level's two modules star-import both modules of the next; the last defines
    ``deep``."""
    sources = {}
    for i in range(levels):
        below = f"from m{i + 1}a import *\nfrom m{i + 1}b import *\n"
        for side in "ab":
            sources[f"m{i}{side}"] = below if i < levels - 1 else "deep = 1\n"
    return sources


def _lookup(index: ProjectIndex, module: str, name: str) -> Symbol:
    summary = index.modules[module]
    return index.lookup(name, Ctx(summary, (summary.scope,)))


def _counted(index: ProjectIndex, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the scope searches ``index`` makes."""
    calls = [0]
    search = index._in_scope

    def counting(*args: object) -> Symbol | None:
        calls[0] += 1
        return search(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(index, "_in_scope", counting)
    return calls


@pytest.mark.parametrize("name", ["missing", "deep"])
def test_a_star_diamond_is_searched_once_per_module(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve levels: about two searches per module (4 * 12), not 2 ** 13 paths."""
    levels = 12
    index = _index(_diamond(levels))
    calls = _counted(index, monkeypatch)
    found = _lookup(index, "m0a", name)
    if name == "deep":
        assert isinstance(found, VarSym)
        assert found.qualname == "m11b:deep"
    else:
        assert isinstance(found, Unresolved)
    assert calls[0] <= 4 * levels + 2


def _chain(length: int) -> dict[str, str]:
    sources = {f"c{i}": f"from c{i + 1} import *\n" for i in range(length)}
    sources[f"c{length}"] = "deep = 1\n"
    return sources


def _where(symbol: Symbol) -> str:
    return symbol.qualname if isinstance(symbol, VarSym) else "-"


def test_an_answer_found_near_the_end_of_a_long_chain_is_not_reused_too_deep() -> None:
    """A chain of star imports longer than MAX_DEPTH allows: from its start the search is cut,
    from its middle the name is found, whichever is asked first."""
    queries = [("c0", "deep"), ("c15", "deep")]
    forward = _index(_chain(30))
    backward = _index(_chain(30))
    answers = [_where(_lookup(forward, m, n)) for m, n in queries]
    reverse = [_where(_lookup(backward, m, n)) for m, n in reversed(queries)]
    assert answers == ["-", "c30:deep"]
    assert list(reversed(reverse)) == answers
