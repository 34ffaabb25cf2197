"""The per-file pass: one libcst parse and one walk per file, producing a ``ModuleSummary``.

The walk is ``summary.walker.walk``: the same hooks in the same order as ``tree.visit``, but
without libcst rebuilding every node. Line numbers are counted in the same walk (``Newline``
tokens, newlines in strings, backslash continuations); libcst's ``PositionProvider`` would give
the same numbers but costs about three times the parse itself.
"""

from __future__ import annotations

import libcst as cst

from backendkit.summary.directives import parse_directive
from backendkit.summary.exprs import ExprConverter, dotted_name
from backendkit.summary.facts import OpenTry, RepeatFacts, StatementFacts, bind_loop, store_attr
from backendkit.summary.flow import FlowFacts, OpenIf, falls_off
from backendkit.summary.guards import is_main_guard, is_type_checking
from backendkit.summary.loopexits import LoopExitFacts
from backendkit.summary.model import (
    Assign,
    Call,
    CallSite,
    ClassInfo,
    Const,
    Expr,
    FunctionInfo,
    ImportBinding,
    ImportRecord,
    ModuleSummary,
    Name,
    Param,
    Scope,
    Seq,
    Subscript,
    Unknown,
)
from backendkit.summary.walker import walk


def line_breaks(text: str) -> int:
    """Line ends in ``text`` as Python counts them: ``\\r\\n``, ``\\n`` and a lone ``\\r``."""
    if "\r" not in text:
        return text.count("\n")
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _has_docstring(body: cst.BaseSuite) -> bool:
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return False
    first = body.body[0]
    if not isinstance(first, cst.SimpleStatementLine) or not first.body:
        return False
    stmt = first.body[0]
    return isinstance(stmt, cst.Expr) and isinstance(
        stmt.value, (cst.SimpleString, cst.ConcatenatedString)
    )


class Collector(LoopExitFacts, StatementFacts, RepeatFacts, FlowFacts, cst.CSTVisitor):
    """Walks a module once and fills a ``ModuleSummary``."""

    def __init__(self, summary: ModuleSummary) -> None:
        self.summary = summary
        self.line = 1
        self.exprs = ExprConverter()
        self.scopes: list[Scope] = [summary.scope]
        self.owners: list[FunctionInfo | ClassInfo | None] = [None]
        self.qualnames: list[str] = []
        self.loop_stack: list[list[int]] = [[]]
        self.outer_fors: set[int] = set()
        self.paused: list[int] = []  # loops set aside while their iterable is walked
        self.type_checking = 0  # depth of ``if TYPE_CHECKING:`` blocks
        self.main_start = 0  # the first line of the main guard being walked
        self.guard_depth: list[int] = [0]
        self.finally_depth: list[int] = [0]
        self.with_lines: list[int] = []  # the lines of the ``with`` statements being walked
        self.except_depth: list[int] = [0]
        self.uses: dict[int, str] = {}  # id of a call node -> CallSite.use
        self.awaited: set[int] = set()  # ids of the call nodes under ``await``
        self.functions: list[FunctionInfo] = []  # every def, redefinitions included
        self.lambda_args: dict[int, tuple[Call, int | str]] = {}  # id of a lambda -> its call
        self.lambdas: list[tuple[Call, int | str] | None] = []  # the lambda bodies walked into
        self.open_tries: list[OpenTry] = []
        self.open_ifs: list[OpenIf] = []
        self.tail_tests: set[int] = set()  # ids of the tests of ``if``s ending an async def

    # -- line tracking ------------------------------------------------------------------------
    def visit_Newline(self, node: cst.Newline) -> None:
        """Every newline token ends a line."""
        self.line += 1

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        """Triple-quoted strings span lines."""
        self.line += line_breaks(node.value)

    def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
        """Multi-line f-string text spans lines."""
        self.line += line_breaks(node.value)

    def visit_SimpleWhitespace(self, node: cst.SimpleWhitespace) -> None:
        """Backslash continuations hide newlines inside whitespace."""
        if "\\" in node.value:
            self.line += line_breaks(node.value)

    def visit_Comment(self, node: cst.Comment) -> None:
        """Record ``# backendkit:`` directives (and ``# noqa`` ones naming our codes)."""
        if "backendkit" in node.value or "BK" in node.value.upper():
            directive = parse_directive(self.line, node.value)
            if directive is not None:
                self.summary.directives.append(directive)

    # -- scopes -------------------------------------------------------------------------------
    @property
    def scope(self) -> Scope:
        """The innermost scope being walked."""
        return self.scopes[-1]

    def _qualname(self, name: str) -> str:
        return ".".join([*self.qualnames, name])

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Open a function scope and record its signature."""
        name = node.name.value
        info = FunctionInfo(
            name=name,
            qualname=self._qualname(name),
            start_line=self.line + len(node.leading_lines),
            is_async=node.asynchronous is not None,
            params=self._params(node.params),
            decorators=[self.exprs.convert(d.decorator) for d in node.decorators],
            returns=self.exprs.optional(node.returns.annotation if node.returns else None),
            has_docstring=_has_docstring(node.body),
        )
        if self.guard_depth[-1] > 0:
            info.conditional = True  # its decorators run only when the ``def`` does
        earlier = self.scope.functions.get(name)
        if earlier is not None:
            self.scope.shadowed += (earlier,)
        self.scope.functions[name] = info
        self.functions.append(info)
        self._push(info, name)
        info.scope.params = {p.name: i for i, p in enumerate(info.params)}

    def visit_FunctionDef_name(self, node: cst.FunctionDef) -> None:
        """The ``def`` line is known once the decorators have been walked."""
        info = self.owners[-1]
        assert isinstance(info, FunctionInfo)
        info.line = self.line

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        """Close the function scope."""
        owner = self.owners[-1]
        assert isinstance(owner, FunctionInfo)
        if owner.scope.returns and falls_off(original_node):
            owner.falls_off = True
        self._pop()

    def visit_Decorator_decorator(self, node: cst.Decorator) -> None:
        """Remember where each decorator starts (the owner is the innermost open def)."""
        owner = self.owners[-1]
        if isinstance(owner, FunctionInfo):
            owner.decorator_lines.append(self.line)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Open a class scope and record its bases."""
        name = node.name.value
        info = ClassInfo(
            name=name,
            qualname=self._qualname(name),
            bases=[self.exprs.convert(a.value) for a in node.bases if not a.star],
            keywords={
                a.keyword.value: self.exprs.convert(a.value) for a in node.keywords if a.keyword
            },
            decorators=[self.exprs.convert(d.decorator) for d in node.decorators],
            has_docstring=_has_docstring(node.body),
        )
        self.scope.classes[name] = info
        self._push(info, name)

    def visit_ClassDef_name(self, node: cst.ClassDef) -> None:
        """The ``class`` line."""
        info = self.owners[-1]
        assert isinstance(info, ClassInfo)
        info.line = self.line

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        """Close the class scope."""
        self._pop()

    def _push(self, owner: FunctionInfo | ClassInfo, name: str) -> None:
        self.scopes.append(owner.scope)
        self.owners.append(owner)
        self.qualnames.append(name)
        self.loop_stack.append([])
        self.guard_depth.append(0)
        self.finally_depth.append(0)
        self.except_depth.append(0)

    def _pop(self) -> None:
        owner = self.owners.pop()
        self.scopes.pop()
        self.qualnames.pop()
        self.loop_stack.pop()
        self.guard_depth.pop()
        self.finally_depth.pop()
        self.except_depth.pop()
        if owner is not None:
            owner.end_line = max(owner.line, self.line - 1)

    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        """A lambda's calls belong to the enclosing scope, with its call (``CallSite.lambdas``)."""
        self.lambdas.append(self.lambda_args.pop(id(node), None))

    def leave_Lambda_body(self, node: cst.Lambda) -> None:
        """Out of the lambda's body."""
        self.lambdas.pop()

    def _note_lambdas(self, node: cst.Call, call: Call) -> None:
        """Remember the call and the position (or keyword) of each lambda argument of
        ``node``, positions counted as ``Call.args`` counts them."""
        position = 0
        for arg in node.args:
            key: int | str = position
            if arg.keyword is not None:
                key = arg.keyword.value
            else:
                position += 1
            if type(arg.value) is cst.Lambda:
                self.lambda_args[id(arg.value)] = (call, key)

    def _params(self, params: cst.Parameters) -> list[Param]:
        out: list[Param] = []
        groups = (
            ("posonly", params.posonly_params),
            ("normal", params.params),
            ("kwonly", params.kwonly_params),
        )
        for kind, group in groups:
            out.extend(self._param(p, kind) for p in group)
        if isinstance(params.star_arg, cst.Param):
            out.append(self._param(params.star_arg, "vararg"))
        if params.star_kwarg is not None:
            out.append(self._param(params.star_kwarg, "kwarg"))
        return out

    def _param(self, param: cst.Param, kind: str) -> Param:
        annotation = param.annotation.annotation if param.annotation else None
        return Param(
            name=param.name.value,
            kind=kind,
            annotation=self.exprs.optional(annotation),
            default=self.exprs.optional(param.default),
        )

    # -- statements ---------------------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        """Record simple name bindings (and ``self.x = ...`` in methods)."""
        value = self.exprs.convert(node.value)
        if self.except_depth[-1] > 0:
            self.note_handed(stored=value)
        for target in node.targets:
            self._bind_target(target.target, value, None)
        self.record_targets([t.target for t in node.targets], node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """Record annotated bindings; class fields keep their annotation and default."""
        value = self.exprs.optional(node.value)
        self._bind_target(node.target, value, self.exprs.convert(node.annotation.annotation))
        if node.value is not None:
            self.record_targets([node.target], node.value)

    def _bind_target(self, target: cst.BaseExpression, value, annotation) -> None:
        if isinstance(target, cst.Name):
            record = Assign(value=value, line=self.line, annotation=annotation)
            self.scope.assigns.setdefault(target.value, []).append(record)
            return
        if isinstance(target, (cst.Tuple, cst.List)):
            self._bind_unpacked(target, value)
            return
        if not isinstance(target, cst.Attribute):
            return
        if not self._bind_self_attr(target, value, annotation) and value is not None:
            self.record_attr(target, value)

    def _bind_unpacked(self, target: cst.Tuple | cst.List, value: Expr | None) -> None:
        """``a, b = x, y`` binds ``a`` to ``x`` and ``b`` to ``y``; ``a, b = f()`` binds ``a``
        to ``f()[0]`` and ``b`` to ``f()[1]`` (what a returned tuple holds can be evaluated).
        Otherwise (a starred name, a literal of another length, no value) every name is bound
        to an unknown value: a lookup stops at this binding, as Python's does, instead of
        finding an outer one of the same name."""
        elements = target.elements
        starred = any(isinstance(e, cst.StarredElement) for e in elements)
        items = value.items if isinstance(value, Seq) else ()
        paired = not starred and len(items) == len(elements)
        indexed = not starred and value is not None and not isinstance(value, (Seq, Unknown))
        for position, element in enumerate(elements):
            part: Expr = Unknown("Unpacked")
            if paired:
                part = items[position]
            elif indexed:
                assert value is not None
                part = Subscript(value, (Const(position),))
            self._bind_target(element.value, part, None)

    def _bind_self_attr(self, target: cst.Attribute, value, annotation) -> bool:
        """``self.x[: T] = value`` in a method is an instance attribute of its class (True)."""
        dotted = dotted_name(target)
        if not dotted or not dotted.startswith("self.") or dotted.count(".") != 1:
            return False
        if len(self.owners) >= 3 and isinstance(self.owners[-2], ClassInfo):
            store_attr(self.owners[-2], dotted[5:], value, annotation)
            return True
        return False

    def visit_Import(self, node: cst.Import) -> None:
        """``import a.b`` binds ``a``; ``import a.b as c`` binds ``c`` to ``a.b``."""
        for alias in node.names:
            module = dotted_name(alias.name) or ""
            self.summary.imports.append(
                ImportRecord(module, (), 0, self.line, self.type_checking > 0)
            )
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local, target = alias.asname.name.value, module
            else:
                local = target = module.split(".")[0]
            self.scope.imports[local] = ImportBinding(target, None, 0, self.line)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """``from .m import x as y`` binds ``y`` to ``(m, x, level 1)``."""
        module = dotted_name(node.module) if node.module is not None else ""
        level = len(node.relative)
        if isinstance(node.names, cst.ImportStar):
            self.summary.imports.append(
                ImportRecord(module or "", ("*",), level, self.line, self.type_checking > 0)
            )
            return
        names: list[str] = []
        for alias in node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else ""
            names.append(name)
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.scope.imports[local] = ImportBinding(module or "", name, level, self.line)
        self.summary.imports.append(
            ImportRecord(module or "", tuple(names), level, self.line, self.type_checking > 0)
        )

    def _record_import(self, module: str, names: tuple[str, ...], level: int) -> None:
        record = ImportRecord(module, names, level, self.line, self.type_checking > 0)
        self.summary.imports.append(record)

    def visit_Call_func(self, node: cst.Call) -> None:
        """Record every call with the line of its callee, its loops and the blocks guarding it."""
        call = self.exprs.convert(node)
        assert isinstance(call, Call)
        loops, guards = tuple(self.loop_stack[-1]), self.guard_depth[-1]
        use, in_finally, awaited = self.call_use(node)
        in_except = self.except_depth[-1] > 0
        lambdas = tuple(h for h in self.lambdas if h is not None) if self.lambdas else ()
        site = CallSite(
            call, self.line, loops, guards, use, in_finally, in_except, lambdas, awaited
        )
        self.scope.calls.append(site)
        if in_except and not self.lambdas:  # a lambda's body runs only when it is called
            self.note_handed(call)
        self._note_lambdas(node, call)

    def visit_For(self, node: cst.For) -> None:
        """Bind loop targets to the items of the iterable (evaluated per iteration later)."""
        loop = self.line + len(node.leading_lines)
        iterable = self.exprs.convert(node.iter)
        self.scope.loops[loop] = iterable
        bind_loop(self.scope.assigns, node.target, iterable, loop, self.line)
        self.paused.append(loop)

    def visit_For_body(self, node: cst.For) -> None:
        """The body runs once per item (``CallSite.loops``); the iterable was evaluated once,
        before the loop, as a comprehension's outermost one is."""
        self.loop_stack[-1].append(self.paused.pop())

    def leave_For_body(self, node: cst.For) -> None:
        """The ``else`` block of a loop runs once, outside the iteration."""
        self.loop_stack[-1].pop()

    def visit_MatchCase_body(self, node: cst.MatchCase) -> None:
        """A ``case`` body runs only when its pattern matches: guarded, as an ``if`` body."""
        self._guard()

    def leave_MatchCase_body(self, node: cst.MatchCase) -> None:
        """End of a guarded block."""
        self._unguard()

    def _guard(self) -> None:
        self.guard_depth[-1] += 1

    def _unguard(self) -> None:
        self.guard_depth[-1] -= 1

    def visit_If_body(self, node: cst.If) -> None:
        """Calls under a condition are marked as guarded; ``if TYPE_CHECKING:`` is noted, and
        where a module's ``if __name__ == "__main__":`` body starts."""
        if is_type_checking(node.test):
            self.type_checking += 1
        if self.scope is self.summary.scope and is_main_guard(node.test):
            self.main_start = self.line
        self._guard()

    def leave_If_body(self, node: cst.If) -> None:
        """End of a guarded block (``Scope.main_guard``: the main guard's body)."""
        if is_type_checking(node.test):
            self.type_checking -= 1
        if self.scope is self.summary.scope and is_main_guard(node.test):
            self.scope.main_guard = (*self.scope.main_guard, (self.main_start, self.line))
        self._unguard()

    def visit_Else_body(self, node: cst.Else) -> None:
        """``else`` blocks are guarded too."""
        self._guard()

    def leave_Else_body(self, node: cst.Else) -> None:
        """End of a guarded block."""
        self._unguard()

    def visit_While_body(self, node: cst.While) -> None:
        """Loop bodies run any number of times (guarded, and a loop for the N+1 rule)."""
        self._guard()
        self.enter_repeat("While")

    def leave_While_body(self, node: cst.While) -> None:
        """End of a guarded block."""
        self._unguard()
        self.leave_repeat()

    def visit_Return(self, node: cst.Return) -> None:
        """Returned expressions (factories that build apps or dependencies), the line of each
        ``return`` (bare ones apart) and the ``if`` blocks holding it."""
        if len(self.owners) == 1:
            return
        if node.value is not None:
            self.scope.returns.append(self.exprs.convert(node.value))
            self.mark_use(node.value, "return")
        self.note_return(node.value)

    def visit_Raise(self, node: cst.Raise) -> None:
        """Raised expressions (``HTTPException(status_code=401)``); a bare ``raise`` too marks
        the handler it is in."""
        if self.except_depth[-1]:
            self.note_raise(node.exc)
        self.note_exit()
        if node.exc is not None:
            self.scope.raises.append((self.exprs.convert(node.exc), self.line))
            self.note_raised(node.exc)
        else:
            self.scope.reraises = True


#: The lines of one ``def``: from its first decorator to its last line.
Span = tuple[int, int]


def build_summary(path: str, module: str, is_package: bool, tree: cst.Module) -> ModuleSummary:
    """Walk a parsed module once and return its summary (no findings yet)."""
    return walk_module(path, module, is_package, tree)[0]


def walk_module(
    path: str, module: str, is_package: bool, tree: cst.Module, continued: bool = True
) -> tuple[ModuleSummary, list[Span]]:
    """``build_summary``, with the span of every function (redefinitions and nested ones
    included, in source order), for the file rules that bound a function by its lines. The
    summary's ``line_count`` is the number of line ends the walk counted. ``continued``: the
    source may have a backslash continuation (False: whitespace nodes are not walked)."""
    summary = ModuleSummary(path=path, module=module, is_package=is_package, line_count=0)
    collector = Collector(summary)
    walk(tree, collector, () if continued else (cst.SimpleWhitespace,))
    summary.line_count = max(collector.line - 1, 0)
    return summary, [(f.start_line, f.end_line) for f in collector.functions]


__all__ = ["Collector", "Name", "Span", "build_summary", "parse_directive", "walk_module"]
