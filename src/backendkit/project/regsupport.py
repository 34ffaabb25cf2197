"""Two facts about a registration call the app model reads (``appmodel.AppModel``): the
iterations of the static loops around it, and why an included router imported from a project
module could not be followed."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice, product

from backendkit.project.evaluate import Evaluator
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx, Unresolved
from backendkit.project.text import expr_text
from backendkit.summary.model import CallSite, Expr, Name

__all__ = ["MAX_ITERATIONS", "iterations", "opaque_note"]

MAX_ITERATIONS = 64  # loops registering routers are expanded up to this many iterations


def iterations(evaluator: Evaluator, site: CallSite, ctx: Ctx) -> Iterator[bool]:
    """Yield once per iteration of the loops around ``site`` (once when there are none or
    their length is not static), with the evaluator bound to that iteration: whether an
    item of the iteration was added to its list under a condition."""
    guards = [evaluator.lists.guards(loop, ctx) for loop in site.loops]
    static = [g for g in guards if g is not None]
    if not site.loops or len(static) != len(guards):
        yield False
        return
    keys = [(ctx.module.module, loop) for loop in site.loops]
    for combo in islice(product(*(range(len(g)) for g in static)), MAX_ITERATIONS):
        evaluator.env.update(zip(keys, combo, strict=True))
        try:
            yield _added_conditionally(static, combo)
        finally:
            for key in keys:
                evaluator.env.pop(key, None)


def _added_conditionally(guards: list[list[bool]], combo: tuple[int, ...]) -> bool:
    """Whether the item of some loop in the iteration ``combo`` (one position per loop) was
    added to its list under a condition (``guards``: per loop, per position)."""
    return any(guard[position] for guard, position in zip(guards, combo, strict=True))


def opaque_note(index: ProjectIndex, expr: Expr | None, ctx: Ctx) -> str:
    """Why an included router is not analysed when it is a name imported from a project
    module ("" otherwise)."""
    module = _project_import(index, expr, ctx)
    if module is None:
        return ""
    value = index.value(expr, ctx)
    reason = f" ({value.reason})" if isinstance(value, Unresolved) else ""
    return (
        f"{expr_text(expr)} from project module {module} could not be resolved{reason}: "
        "its routes are not analysed"
    )


def _project_import(index: ProjectIndex, expr: Expr | None, ctx: Ctx) -> str | None:
    """The project module a name's head is imported from in ``ctx``, if it is."""
    if not isinstance(expr, Name):
        return None
    head = expr.dotted.partition(".")[0]
    for scope in reversed(ctx.scopes):
        binding = scope.imports.get(head)
        if binding is not None:
            module = index.absolute(binding.module, binding.level, ctx.module)
            return module if module and index.is_project_module(module) else None
        if head in scope.assigns or head in scope.functions or head in scope.params:
            return None
    return None
