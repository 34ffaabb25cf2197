"""``backendkit lint --fix``: mechanical libcst rewrites for some rules.

Only files with fixable findings are re-parsed, with libcst's position metadata, and a fix
touches only the node on the reported line. Safe fixes keep behaviour (Pydantic v1 method
names); unsafe ones change what clients see (status codes, error details) and run only with
``--unsafe-fixes``. The fixed file is written only when it still parses.

The 204 of BK202 is never added to a handler that returns a value (FastAPI would drop the
body). BK107's fix logs the exception: ``import logging`` goes where isort puts it
(``fiximports``), and ``except E as e:`` loses ``as e`` once the fix removed its last use, so
that the fixed file stays clean for ruff's I and F rules.
"""

from __future__ import annotations

import difflib
import tokenize
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from backendkit.findings import Finding
from backendkit.fiximports import add_stdlib_import

SAFE = frozenset({"BK404"})
UNSAFE = frozenset({"BK201", "BK202", "BK107"})
RENAMES = {
    "dict": "model_dump",
    "json": "model_dump_json",
    "copy": "model_copy",
    "parse_obj": "model_validate",
    "parse_raw": "model_validate_json",
    "construct": "model_construct",
    "update_forward_refs": "model_rebuild",
    "schema": "model_json_schema",
}
STATUS = {"BK201": 201, "BK202": 204}
GENERIC_DETAIL = '"Internal server error"'


@dataclass
class FixResult:
    """What ``apply_fixes`` changed: per file, the old and new text."""

    changed: dict[str, tuple[str, str]]

    def diff(self, shown: Callable[[str], str] = str) -> str:
        """A unified diff of every change, each file named as ``shown`` names it (output
        names files relative to the working directory: ``AnalysisResult.display_path``)."""
        chunks = []
        for path, (old, new) in sorted(self.changed.items()):
            chunks += difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile=f"a/{shown(path)}",
                tofile=f"b/{shown(path)}",
            )
        return "".join(chunks)


class _RenameCandidates(cst.CSTVisitor):
    """Counts calls of v1 method names per line."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.per_line: dict[int, int] = defaultdict(int)

    def visit_Call(self, node: cst.Call) -> None:
        """Count one candidate."""
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in RENAMES:
            self.per_line[self.get_metadata(PositionProvider, node).start.line] += 1


class _Fixer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, targets: dict[str, set[int]], ambiguous: set[int]) -> None:
        super().__init__()
        self.targets = targets
        self.ambiguous = ambiguous
        #: a BK107 fix logs the exception: ``import logging`` is needed
        self.logs = False
        #: per enclosing ``except`` clause, whether a BK107 fix rewrote a statement in it
        self.handlers: list[bool] = []
        #: the lines of the decorators of functions that return a body (no 204 for them)
        self.bodied: set[int] = set()

    def _at(self, code: str, node: cst.CSTNode) -> bool:
        lines = self.targets.get(code)
        return bool(lines) and self.get_metadata(PositionProvider, node).start.line in lines

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        """Pydantic v1 method names (BK404)."""
        func = updated_node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in RENAMES
            and self._at("BK404", original_node)
            and self.get_metadata(PositionProvider, original_node).start.line not in self.ambiguous
        ):
            return updated_node.with_changes(
                func=func.with_changes(attr=cst.Name(RENAMES[func.attr.value]))
            )
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Note the decorators of a function that returns a value: a 204 would drop it."""
        if _returns_a_body(node):
            for decorator in node.decorators:
                self.bodied.add(self.get_metadata(PositionProvider, decorator.decorator).start.line)

    def leave_Decorator(
        self, original_node: cst.Decorator, updated_node: cst.Decorator
    ) -> cst.Decorator:
        """``status_code=201`` on create routes, ``204`` on body-less deletes."""
        call = updated_node.decorator
        line = self.get_metadata(PositionProvider, original_node.decorator).start.line
        for code, status in STATUS.items():
            if code == "BK202" and line in self.bodied:
                continue  # FastAPI sends no body with a 204: never for a handler returning one
            if isinstance(call, cst.Call) and self._at(code, original_node.decorator):
                arg = cst.Arg(
                    keyword=cst.Name("status_code"),
                    value=cst.Integer(str(status)),
                    equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
                )
                return updated_node.with_changes(
                    decorator=call.with_changes(args=[*_with_comma(call.args), arg])
                )
        return updated_node

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.BaseStatement]:
        """``raise HTTPException(detail=str(e))`` -> a generic detail, the error logged."""
        if not self._at("BK107", original_node):
            return updated_node
        fixed = updated_node.visit(_GenericDetail())
        if fixed.deep_equals(updated_node):
            return updated_node
        self.logs = True
        if self.handlers:
            self.handlers[-1] = True
        log = cst.parse_statement(
            'logging.getLogger(__name__).exception("request failed")\n'
        ).with_changes(leading_lines=updated_node.leading_lines)
        return cst.FlattenSentinel([log, fixed.with_changes(leading_lines=())])

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        """An ``except`` clause a BK107 fix may rewrite."""
        self.handlers.append(False)

    def leave_ExceptHandler(
        self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        """``except E as e:`` -> ``except E:`` when a fix removed the last use of ``e``."""
        return _unbound(updated_node, self.handlers.pop())

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        """An ``except*`` clause a BK107 fix may rewrite."""
        self.handlers.append(False)

    def leave_ExceptStarHandler(
        self, original_node: cst.ExceptStarHandler, updated_node: cst.ExceptStarHandler
    ) -> cst.ExceptStarHandler:
        """``except* E as e:`` -> ``except* E:`` when a fix removed the last use of ``e``."""
        return _unbound(updated_node, self.handlers.pop())


_Handler = TypeVar("_Handler", cst.ExceptHandler, cst.ExceptStarHandler)


def _unbound(handler: _Handler, fixed: bool) -> _Handler:
    """``handler`` without its ``as name`` if a fix changed its body (``fixed``) and the body
    no longer reads the name (ruff F841); an unfixed clause is left as it was."""
    if not fixed or handler.name is None or not isinstance(handler.name.name, cst.Name):
        return handler
    uses = _NameUses(handler.name.name.value)
    handler.body.visit(uses)
    return handler if uses.found else handler.with_changes(name=None)


class _NameUses(cst.CSTVisitor):
    """Whether a node uses the variable ``name`` (an attribute or keyword of that name is not
    the variable)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found = False

    def visit_Name(self, node: cst.Name) -> None:
        """A use, or a binding: either keeps ``as name``."""
        self.found = self.found or node.value == self.name

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        """Only the object of ``obj.attr`` can be the variable."""
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        """Only the value of ``f(key=value)`` can be the variable."""
        node.value.visit(self)
        return False


class _ReturnsValue(cst.CSTVisitor):
    """Whether a function's own ``return`` statements (not those of nested functions or
    classes) return something other than ``None``."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Return(self, node: cst.Return) -> None:
        """``return value``; ``return`` and ``return None`` return nothing."""
        value = node.value
        none = value is None or (isinstance(value, cst.Name) and value.value == "None")
        self.found = self.found or not none

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        """A nested function returns for itself."""
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        """So do the methods of a nested class."""
        return False


def _returns_a_body(func: cst.FunctionDef) -> bool:
    """Whether ``func`` returns a value: as a route handler, FastAPI sends it as the body."""
    returns = _ReturnsValue()
    func.body.visit(returns)
    return returns.found


class _GenericDetail(cst.CSTTransformer):
    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        if updated_node.keyword is not None and updated_node.keyword.value == "detail":
            return updated_node.with_changes(value=cst.parse_expression(GENERIC_DETAIL))
        return updated_node


def _with_comma(args: Iterable[cst.Arg]) -> list[cst.Arg]:
    items = list(args)
    if items and items[-1].comma is cst.MaybeSentinel.DEFAULT:
        items[-1] = items[-1].with_changes(
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
    return items


def fixable(finding: Finding, unsafe: bool) -> bool:
    """Whether ``--fix`` (with ``--unsafe-fixes`` when ``unsafe``) rewrites this finding."""
    return finding.code in SAFE or (unsafe and finding.code in UNSAFE)


def apply_fixes(
    root: Path, findings: Iterable[Finding], *, unsafe: bool = False, write: bool = True
) -> FixResult:
    """Rewrite the files of fixable ``findings``; return the changes (written when ``write``)."""
    by_file: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        if fixable(finding, unsafe):
            by_file[finding.path][finding.code].append(finding.line)
    changed: dict[str, tuple[str, str]] = {}
    for rel, targets in sorted(by_file.items()):
        path = root / rel
        with tokenize.open(path) as source:  # decoded as Python does (PEP 263, BOM)
            old, encoding = source.read(), source.encoding
        new = fix_source(old, targets)
        if new != old:
            changed[rel] = (old, new)
            if write:
                path.write_text(new, encoding=encoding)  # in the file's own encoding
    return FixResult(changed)


def fix_source(source: str, targets: dict[str, list[int]]) -> str:
    """``source`` with the fixes for ``targets`` (rule code -> reported lines, one entry per
    finding) applied. A line with more v1-named calls than BK404 findings is left alone: the
    finding does not say which receiver is the model."""
    wrapper = MetadataWrapper(cst.parse_module(source))
    counter = _RenameCandidates()
    wrapper.visit(counter)
    reported = targets.get("BK404", [])
    ambiguous = {line for line, n in counter.per_line.items() if n > reported.count(line)}
    lines = {code: set(found) for code, found in targets.items()}
    fixer = _Fixer(lines, ambiguous)
    fixed = wrapper.visit(fixer)
    if fixer.logs:
        fixed = add_stdlib_import(fixed, "logging")
    cst.parse_module(fixed.code)  # a fix that does not parse is a bug: fail loudly
    return fixed.code
