"""Adding a standard-library import where isort (ruff's ``I`` rules, default settings) puts
it, for the fixes of ``backendkit lint --fix``.

libcst's ``AddImportsVisitor`` appends a new import after the module's last import, which
leaves ``import logging`` below the project's own imports (ruff I001). Here the import goes
into the leading import block's standard-library section: among its ``import x`` lines in
case-insensitive order, before its ``from x import y`` lines (isort's default, without
``force-sort-within-sections``). A block without such a section gets one, after
``from __future__`` imports and before the rest, set apart by a blank line.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import libcst as cst

_FUTURE, _STDLIB, _OTHER = 0, 1, 2


def add_stdlib_import(module: cst.Module, name: str) -> cst.Module:
    """``module`` with ``import name`` in its standard-library import section; unchanged when
    a top-level import already binds ``name``."""
    body = list(module.body)
    if any(name in _bound(line) for line in body):
        return module
    start = _after_docstring(body)
    end = start
    while end < len(body) and _imports(body[end]):
        end += 1
    found, replaces = _position(body[start:end], name)
    at, opens = start + found, not any(_section(line) == _STDLIB for line in body[start:end])
    line = cst.SimpleStatementLine(body=[cst.Import(names=[cst.ImportAlias(cst.Name(name))])])
    if replaces and at < len(body):  # in the place of a line, with its leading comments
        line = line.with_changes(leading_lines=body[at].leading_lines)
        body[at] = body[at].with_changes(leading_lines=_blank(opens))
    else:
        line = line.with_changes(leading_lines=_blank(opens))
    body.insert(at, line)
    return module.with_changes(body=body)


def _position(block: Sequence[cst.BaseStatement], name: str) -> tuple[int, bool]:
    """Where ``import name`` goes in the leading import ``block`` (an index into it) and
    whether it takes the place of the line there (first in its section: the line's leading
    blank lines and comments then come before it)."""
    sections = [_section(line) for line in block]
    stdlib = [i for i, section in enumerate(sections) if section == _STDLIB]
    if stdlib:
        at = next((i for i in stdlib if _sorts_after(block[i], name)), stdlib[-1] + 1)
        return at, at == stdlib[0]
    if _OTHER in sections:  # a new section, after any ``__future__`` imports
        return sections.index(_OTHER), True
    return len(block), not block  # after ``__future__`` imports, or first in the module


def _blank(wanted: bool) -> tuple[cst.EmptyLine, ...]:
    return (cst.EmptyLine(),) if wanted else ()


def _after_docstring(body: Sequence[cst.BaseStatement]) -> int:
    """The index of the first statement after the module docstring."""
    if body and isinstance(body[0], cst.SimpleStatementLine):
        first = body[0].body[0]
        if isinstance(first, cst.Expr) and isinstance(first.value, cst.BaseString):
            return 1
    return 0


def _imports(line: cst.BaseStatement) -> bool:
    """A line of import statements."""
    return isinstance(line, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in line.body
    )


def _module(line: cst.BaseStatement) -> str:
    """The dotted module the (first) import of an import line names; ``""`` for a relative
    import."""
    small = line.body[0]  # type: ignore[attr-defined]
    if isinstance(small, cst.Import):
        return cst.helpers.get_full_name_for_node_or_raise(small.names[0].name)
    if small.relative or small.module is None:
        return ""
    return cst.helpers.get_full_name_for_node_or_raise(small.module)


def _section(line: cst.BaseStatement) -> int:
    """The isort section of an import line: ``__future__``, standard library or other."""
    module = _module(line).partition(".")[0]
    if module == "__future__":
        return _FUTURE
    return _STDLIB if module in sys.stdlib_module_names else _OTHER


def _sorts_after(line: cst.BaseStatement, name: str) -> bool:
    """Whether isort puts ``line`` after ``import name``: every ``from`` import does, an
    ``import`` does when its module sorts after ``name``."""
    small = line.body[0]  # type: ignore[attr-defined]
    return isinstance(small, cst.ImportFrom) or _module(line).lower() > name.lower()


def _bound(line: cst.BaseStatement) -> set[str]:
    """The names the imports of a top-level line bind (``import a.b`` binds ``a``)."""
    if not _imports(line):
        return set()
    names = set()
    for small in line.body:  # type: ignore[attr-defined]
        for alias in small.names if isinstance(small.names, Sequence) else ():
            bound = alias.evaluated_alias or alias.evaluated_name
            plain = isinstance(small, cst.Import) and alias.asname is None
            names.add(bound.partition(".")[0] if plain else bound)
    return names
