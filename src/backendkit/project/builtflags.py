"""What an instance dependency was built with, read into its ``__call__``.

A class dependency often takes a flag when it is built, and its ``__call__`` checks only when
the flag says so::

    class CurrentUser:
        def __init__(self, required: bool = True):
            self.required = required

        async def __call__(self, token=Depends(bearer)):
            if token is None:
                if self.required:
                    raise HTTPException(401)
                return None

``Depends(CurrentUser(required=False))`` lets anonymous callers through; ``CurrentUser()``
does not. Read once for every instance, the 401 under ``if self.required:`` was a check of
both (dstack's ``ProxyAuth(auto_enforce=False)`` routes were ``required``, though anonymous
callers reach them). ``as_built`` gives the ``__call__`` as one instance has it: the body of
an ``if`` that a flag the constructor call sets to a literal makes false never runs, so its
raises, calls and returns are left out. A flag given anything but a literal (a setting, a
variable) is not decided: the ``__call__`` is read as before. ``closure_built`` does the same
for a function a factory returns (``Depends(require_key(enabled=False))``), its flags the
factory's parameters.
"""

from __future__ import annotations

import copy

from backendkit.project.index import ProjectIndex
from backendkit.project.initargs import Args, bind_call, bind_params
from backendkit.project.symbols import ClassSym, Ctx, FuncSym, Instance, VarSym
from backendkit.summary.model import Call, Const, IfBlock, Name, Scope


def as_built(index: ProjectIndex, call: FuncSym, inst: Instance) -> FuncSym:
    """``call`` (the ``__call__`` of ``inst``'s class) without the ``if`` bodies that the
    literal flags ``inst`` was built with make dead (itself when there are none)."""
    if not isinstance(inst.cls, ClassSym):
        return call
    flags = _flags(index, inst)
    if not flags:
        return call
    dead = [block for block in call.info.scope.ifs if _dead(block, flags)]
    return _pruned(call, dead) if dead else call


def closure_built(
    index: ProjectIndex, call: Call, ctx: Ctx, value: FuncSym
) -> tuple[FuncSym, tuple[tuple[str, object], ...]]:
    """``value`` (a function the factory ``call`` returns, defined in it: ``require_key()``)
    as that call builds it: without the ``if`` bodies the literal arguments (or defaults) of
    the factory's parameters make dead (``if not enabled: return``); and those literals, by
    name (empty when nothing is decided, ``value`` itself then)."""
    factory = index.value(call.func, ctx)
    if not isinstance(factory, FuncSym) or value.info not in factory.info.scope.functions.values():
        return value, ()
    flags = _literal_params(factory, call, ctx, value)
    dead = [block for block in value.info.scope.ifs if _dead(block, flags)]
    if not dead:
        return value, ()
    return _pruned(value, dead), tuple(sorted(flags.items(), key=repr))


def _literal_params(factory: FuncSym, call: Call, ctx: Ctx, value: FuncSym) -> dict[str, object]:
    """The parameters of ``factory`` that ``call`` (read in ``ctx``) binds to a literal, or
    leaves to a literal default, and that ``value`` reads as they came (``_kept_params``)."""
    bound = bind_call(factory, Args.of(call, ctx))
    kept = _kept_params(factory.info.scope, value)
    return {n: e.value for n, (e, _ctx) in bound.items() if isinstance(e, Const) and n in kept}


def _kept_params(factory: Scope, value: FuncSym) -> set[str]:
    """The names of ``factory``'s scope that ``value`` (a function defined in it) reads as
    the factory's parameters left them: neither the factory (``required = required and
    ENABLED``) nor ``value`` itself (a parameter or local of the same name) binds them."""
    inner = value.info.scope
    own = {p.name for p in value.info.params} | set(inner.assigns) | inner.rebinds
    return set(factory.params) - own - set(factory.assigns) - factory.rebinds


def _flags(index: ProjectIndex, inst: Instance) -> dict[str, object]:
    """``self.attr`` -> the literal the constructor call gives it: an attribute ``__init__``
    sets to one of its parameters, bound to a literal by ``inst``'s call or by default."""
    assert isinstance(inst.cls, ClassSym)
    init = index.class_member(inst.cls, "__init__")
    if not isinstance(init, FuncSym):
        return {}
    bound = bind_params(init, Args.of(inst.call, inst.ctx))
    flags: dict[str, object] = {}
    for attr, expr in inst.cls.info.instance_attrs.items():
        if isinstance(expr, Name) and expr.dotted in bound:
            given = bound[expr.dotted][0]
            if isinstance(given, Const):
                flags[f"self.{attr}"] = given.value
    return flags


def _dead(block: IfBlock, flags: dict[str, object]) -> bool:
    """The body of ``block`` never runs with these ``flags``: a flag its test requires to be
    true is false (``if self.required:``, ``if self.strict and not token:``), or the test (or
    an operand of its ``and``) is the absence of a flag that is true (``if not self.enabled:``,
    ``if not auth_enabled and not authenticated:``)."""
    if any(name in flags and not flags[name] for name in block.present):
        return True
    operands = block.parts or (block.reads,)  # an ``and``'s operands, or the whole test
    alone = [part[0] for part in operands if len(part) == 1 and part[0] in block.absent]
    return any(name in flags and bool(flags[name]) for name in alone)


def _pruned(func: FuncSym, dead: list[IfBlock]) -> FuncSym:
    """``func`` without the raises, calls and returns in the bodies of the ``dead`` blocks (a
    copy; the summary is unchanged)."""
    old: Scope = func.info.scope
    scope = copy.copy(old)
    scope.raises = [(call, line) for call, line in old.raises if _live(dead, line, True)]
    scope.calls = [site for site in old.calls if _live(dead, site.line, False)]
    _prune_returns(scope, old, dead)
    info = copy.copy(func.info)
    info.scope = scope
    return FuncSym(info, func.ctx)


def _prune_returns(scope: Scope, old: Scope, dead: list[IfBlock]) -> None:
    """Set ``scope``'s returns to those of ``old`` outside the ``dead`` bodies."""
    kept = [
        (expr, line)
        for expr, line in zip(old.returns, old.return_lines, strict=False)
        if _live(dead, line, True)
    ]
    scope.returns = [expr for expr, _line in kept]
    scope.return_lines = tuple(line for _expr, line in kept)
    scope.bare_returns = tuple(line for line in old.bare_returns if _live(dead, line, True))


def _live(dead: list[IfBlock], line: int, statement: bool) -> bool:
    """``line`` is in no dead body; a ``raise`` or ``return`` (a ``statement``) on the line of
    the test is in the body (``if not self.enabled: return``), a call there may be in the
    test."""
    return not any(b.in_body(line) and (line > b.first + b.test_lines or statement) for b in dead)


def bound_once(symbol: VarSym, ctx: Ctx) -> bool:
    """``symbol``'s variable, read by its plain name in ``ctx`` (its own module), has one
    assignment and nothing else binds it (an import, a function's ``global``; another module
    could set it only through a dotted name, ``auth.protected = ...``)."""
    scope = symbol.ctx.scopes[-1]
    once = len(scope.assigns.get(symbol.name, ())) == 1 and symbol.name not in scope.imports
    return once and symbol.name not in scope.rebinds and symbol.ctx.module is ctx.module


__all__ = ["as_built", "bound_once", "closure_built"]
