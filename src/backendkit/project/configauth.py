"""A dependency that authenticates only when the configuration asks for it::

    def check_api_key(request: Request) -> None:
        if not settings.API_KEY:
            return                          # no key configured: everyone gets in
        if request.headers.get("X-API-Key") != settings.API_KEY:
            raise HTTPException(401)

OpenAI-compatible servers and most self-hosted tools make the key optional this way. Read as
one function, the early return lets every caller through before the 401, so the dependency
checked nothing and the route was "open" (BK101 said it had no authentication dependency). It
is two configurations: with a key, the dependency checks the header; without one, it lets
everyone in. ``config_skip`` finds such a return: under an ``if`` before the first 401/403, not
holding it, whose test reads only configuration (module-level names and imports:
``API_KEY``, ``settings.auth_enabled``, ``os.environ.get(...)``; a parameter a settings
dependency fills, ``settings_param``; not another parameter, a local or anything derived from
the request). The resolver then makes the dependency two alternatives
(``alternatives.py``): as configured (the function without that return) and letting callers
through, selected at the return, so the route is reported once per dependency as a
configuration switch (BK101, or BK102 when a lenient scheme is left), not route by route.
A return under a test of the request (``if request.url.path in OPEN: return``) is no
configuration: the callers it picks are let through, as before; but one under a lookup of the
request's path in an allow-list the operator configures (lightrag's ``if respect_whitelist and
path_is_whitelisted(request.scope): return``) is a switch (``_allow_listed``).

The same switch written with an ``else`` (fastchat's ``if API_KEYS: <check> else: return
None``, or ``if not KEY: return None else: <check>``) is found from the line of the ``if``'s
``else:`` (``IfBlock.orelse``): a return in the branch that does not hold the 401, outside
the ``if`` blocks nested there. An ``elif`` is no ``else``: ``if settings.maintenance: raise
503 elif key != KEY: raise 401`` rejects anonymous callers in every configuration.
"""

from __future__ import annotations

import builtins
import copy
import re
from collections.abc import Callable, Sequence

from backendkit.project.closures import closed_over
from backendkit.project.configvalues import always_true, never_taken
from backendkit.project.credhelpers import connection_param, injected_target
from backendkit.project.index import ProjectIndex
from backendkit.project.rejections import Bearers
from backendkit.project.returns import Origin
from backendkit.project.symbols import (
    ClassSym,
    Ctx,
    External,
    FuncSym,
    ParamSym,
    Unresolved,
    VarSym,
)
from backendkit.summary.model import CallSite, IfBlock, Name, Param, Scope

_BUILTINS = frozenset(dir(builtins))
#: the name of a function that looks a path up in an allow-list (``path_is_whitelisted``)
ALLOW_LIST = re.compile(r"white_?list|allow_?list|public_?path|exempt", re.IGNORECASE)
#: what tells a request's path
_PATH_PARTS = frozenset({"scope", "url", "url.path"})
#: builtins whose result depends only on their arguments (``len(KEYS)``)
_PURE = frozenset({"len", "bool", "int", "str", "float", "any", "all", "min", "max", "sorted"})


def config_skip(
    index: ProjectIndex,
    func: FuncSym,
    raise_lines: list[int],
    early: bool = True,
    helper_lines: Callable[[], Sequence[int]] = tuple,
    bearers: Bearers | None = None,
) -> tuple[Origin, FuncSym] | None:
    """Where ``func`` skips its 401/403 (raised on ``raise_lines``) in some configuration,
    and ``func`` as configured to check (without that return); None when it does not.
    ``early``: its returns before the check let callers through (else only a return in the
    other branch of an ``if``/``else`` can skip it). ``helper_lines`` gives its calls of
    project functions that reject, which a test on the configuration must skip too.
    ``bearers``: its credentials, whose presence picks no callers before they are checked."""
    if not raise_lines:
        return None
    first = min(raise_lines)
    scope = func.info.scope
    body = func.ctx.enter(func.info)
    builds = _builder(index, body)
    for block in scope.ifs:
        if block.first >= first:
            continue
        lines, how = _skipping(scope, block, first, early, builds)
        lines = [line for line in lines if _configured(index, (scope, block, line), body, bearers)]
        if lines and block.reads and _selected(index, block.reads, body):
            text = f"{func.info.name}'s {how} on {_test(block)}"
            origin = (func.ctx.module.path, lines[0], text)
            return origin, _without(func, set(lines))
    return _guarded(index, func, raise_lines, helper_lines)


def _selected(index: ProjectIndex, reads: Sequence[str], body: Ctx) -> bool:
    """A test that reads only configuration, or configuration and the path of the request
    looked up in a configured allow-list (``_allow_listed``): a configuration decides."""
    if all(configuration(index, read, body) for read in reads):
        return True
    return _allow_listed(index, reads, body)


def _allow_listed(index: ProjectIndex, reads: Sequence[str], body: Ctx) -> bool:
    """lightrag's ``if respect_whitelist and path_is_whitelisted(request.scope): return``: a
    function named for an allow-list of paths (``ALLOW_LIST``) handed the request's scope or
    URL, beside configuration only. Which paths it lets through is the operator's setting
    (the whitelist comes from the environment), so the return is a configuration switch. A
    test of the path against the project's own list (``if request.url.path in OPEN:``) is
    not: those routes are open in every configuration."""
    checks = [read for read in reads if ALLOW_LIST.search(read.rpartition(".")[2])]
    paths = {read for read in reads if _request_path(read, body)}
    rest = [read for read in reads if read not in paths]
    return bool(checks and paths) and all(_fixed(index, read, body) for read in rest)


def _fixed(index: ProjectIndex, read: str, body: Ctx) -> bool:
    """``read`` is configuration, or a name of a function around ``body``'s (a factory's
    ``respect_whitelist=True``): the same for every request."""
    if configuration(index, read, body):
        return True
    symbol = index.lookup(read.partition(".")[0], body)
    return isinstance(symbol, (ParamSym, VarSym)) and len(symbol.ctx.scopes) < len(body.scopes)


def _request_path(read: str, body: Ctx) -> bool:
    """``request.scope``, ``request.url`` or ``request.url.path`` of the connection parameter
    (``Request``, ``HTTPConnection``, ``WebSocket``) of the function ``body`` is in."""
    head, _, rest = read.partition(".")
    owner = body.owners[-1]
    if rest not in _PATH_PARTS or owner is None:
        return False
    return any(param.name == head and connection_param(param) for param in owner.params)


def live_returns(index: ProjectIndex, func: FuncSym) -> FuncSym:
    """``func`` without the returns it never takes, under an ``if`` whose test is only the
    absence of configuration that is always set (``if not API_KEYS: return`` on keys split
    from the environment, ``[""]`` at least; ``configvalues.never_taken``): they let no
    caller through in any configuration. ``func`` itself when it has none."""
    scope = func.info.scope
    if not scope.ifs or not (scope.return_lines or scope.bare_returns):
        return func
    body = func.ctx.enter(func.info)
    dead = set()
    for block in scope.ifs:
        if block.absent or block.forms:
            returns = _returns_in(scope, block, block.first, block.end)
            dead |= {line for line in returns if never_taken(index, block, line, body)}
    return _without(func, dead) if dead else func


def _guarded(
    index: ProjectIndex,
    func: FuncSym,
    raise_lines: list[int],
    helper_lines: Callable[[], Sequence[int]],
) -> tuple[Origin, FuncSym] | None:
    """The ``if`` tests that skip every rejection of ``func`` (its 401/403s on
    ``raise_lines``, the calls of rejecting helpers on ``helper_lines``, after the test) in
    some configuration: one ``if`` holding them all whose test is an ``and`` with an operand
    that reads only configuration and may be false (``if API_KEY and key != API_KEY:
    raise``, ``if settings.auth_enabled and not token:``; not ``REQUIRE = True``, nor
    ``os.getenv("K", "") is not None``: ``configvalues``); or, for each rejection, an ``if``
    holding it whose test requires a configured name to be set (``if API_KEY:``, ``if
    API_KEY and not token: raise 401`` then ``if API_KEY and token != API_KEY: raise 403``,
    ``if STRICT: ... elif API_KEY and ...``): with none of them set, nothing is checked.
    Configured to check, ``func`` is what it is."""
    body = func.ctx.enter(func.info)
    blocks = [(b, ops) for b in func.info.scope.ifs if (ops := _switching(index, b, body))]
    if not blocks or not all(any(_under(b, line) for b, _ops in blocks) for line in raise_lines):
        return None
    lines = [*raise_lines, *helper_lines()]
    found = _one_test(blocks, lines) or _set_tests(blocks, lines)
    if found is None:
        return None
    line, how, names = found
    return (func.ctx.module.path, line, f"{func.info.name}'s {how} on {names}"), func


def _one_test(blocks: list[Block], lines: list[int]) -> tuple[int, str, str] | None:
    """The first ``and`` test of ``blocks`` holding every line of ``lines``: its line, and
    the configuration its first switching operand reads."""
    for block, ops in blocks:
        if block.parts and all(_under(block, line) for line in lines):
            return block.first, "test", _named(ops[0][0])
    return None


def _set_tests(blocks: list[Block], lines: list[int]) -> tuple[int, str, str] | None:
    """For each line of ``lines``, a test of ``blocks`` holding it that requires a configured
    name to be set: the line of the first, and the configuration they read."""
    found = [_set_test(blocks, line) for line in lines]
    chosen = [test for test in found if test is not None]
    if len(chosen) < len(found):
        return None
    first = min(block.first for block, _part in chosen)
    how = "test" if len({block.first for block, _part in chosen}) == 1 else "tests"
    return first, how, ", ".join(dict.fromkeys(_named(part) for _block, part in chosen))


def _switches(index: ProjectIndex, part: tuple[str, ...], form: tuple[str, str], body: Ctx) -> bool:
    """An ``and`` operand reading only configuration that may be false (``form``: what it
    requires of one name, ``configvalues.always_true``)."""
    if not part or not all(configuration(index, read, body) for read in part):
        return False
    return not always_true(index, form, part, body)


Operand = tuple[tuple[str, ...], tuple[str, str]]  # an operand's reads and its form
Block = tuple[IfBlock, list[Operand]]  # an ``if`` and the operands that switch it


def _switching(index: ProjectIndex, block: IfBlock, body: Ctx) -> list[Operand]:
    """The operands of ``block``'s ``and`` test that read only configuration and may be
    false; of a test that is no ``and``, the test when it requires a configured name to be
    set (``if API_KEY:``, ``if KEY is not None:``)."""
    parts = block.parts or (block.reads,)
    forms = block.forms or (("", ""),) * len(parts)
    found = [(part, form) for part, form in zip(parts, forms, strict=False)]
    if not block.parts:
        found = [(part, form) for part, form in found if form[0]]
    return [(part, form) for part, form in found if _switches(index, part, form, body)]


def _under(block: IfBlock, line: int) -> bool:
    """``line`` is in ``block``'s body, after its test (a call in the test may run before
    any operand)."""
    return block.first + block.test_lines < line and block.in_body(line)


def _set_test(blocks: list[Block], line: int) -> tuple[IfBlock, tuple[str, ...]] | None:
    """The first of ``blocks`` holding ``line`` under an operand that requires a configured
    name to be set (false when none is), and that operand's reads."""
    for block, ops in blocks:
        set_ops = [part for part, (kind, _name) in ops if kind]
        if set_ops and _under(block, line):
            return block, set_ops[0]
    return None


def _named(part: tuple[str, ...]) -> str:
    """The configuration an operand reads, for the message (builtins left out: ``bool``)."""
    names = [read for read in part if read not in _BUILTINS] or list(part)
    return ", ".join(names)


def _skipping(
    scope: Scope, block: IfBlock, first: int, early: bool, harmless: Callable[[CallSite], bool]
) -> tuple[list[int], str]:
    """The returns by which ``block`` skips the 401/403 on line ``first``, and how to name
    them: all of its returns when it ends before that line (``if not KEY: return``; only
    when ``early`` returns count); when it holds it, those of a branch that does not: the
    ``else`` of a check in the body (``if KEYS: <check> else: return None``), or the body of
    a check in an ``elif`` or ``else`` (``if MASTER_KEY is None: return User() elif key is
    None: raise 401``), that nothing in that branch can reject before (``_plain``)."""
    if not block.holds(first):
        found = _returns_in(scope, block, block.first, block.end) if early else []
        return found, "early return"
    nested = [b for b in scope.ifs if b is not block and block.first < b.first < block.end]
    branches = _other_branches(block, first)
    kept = [
        line
        for start, end, _name in branches
        for line in _returns_in(scope, block, start, end)
        if _plain(scope, nested, start, line, harmless)
    ]
    return kept, branches[0][2] if branches else ""


def _other_branches(block: IfBlock, first: int) -> list[tuple[int, int, str]]:
    """``(start, end, name)`` of the branches of ``block`` that do not hold line ``first``
    and run instead of it: the ``else`` of a line in the body; the body of a line in an
    ``elif`` or the ``else`` (and the ``else`` of a line in an ``elif``)."""
    orelse = (block.orelse, block.end, "else-branch return")
    if block.in_body(first):
        return [orelse] if block.orelse else []
    in_else = bool(block.orelse) and first >= block.orelse  # named as it always was
    body = "else-branch return" if in_else else "early return"
    found = [(block.first + block.test_lines, block.body_end, body)]
    if block.orelse and not in_else:
        found.append(orelse)
    return found if block.body_end else []


def _plain(
    scope: Scope, nested: list[IfBlock], start: int, line: int, harmless: Callable[[CallSite], bool]
) -> bool:
    """The return on ``line`` lets every caller of its branch (which starts after ``start``)
    through: no ``if`` of the branch holds it (its test may read the request), and nothing
    in the branch up to it may reject a caller: no ``raise`` and no call (a check of that
    configuration of its own, ``return verify_remote(token)``) but one that only builds a
    value (``harmless``: ``return User("anonymous")``)."""
    if any(b.holds(line) for b in nested):
        return False
    if any(start < at <= line for _call, at in scope.raises):
        return False
    return not any(start < site.line <= line and not harmless(site) for site in scope.calls)


def _builder(index: ProjectIndex, body: Ctx) -> Callable[[CallSite], bool]:
    """Whether a call in ``body`` only builds a value: a class called (a project class whose
    ``__init__`` raises nothing, or a library's named in CamelCase), which rejects no caller
    of a dependency (its value is handed to the endpoint, never sent)."""

    def builds(site: CallSite) -> bool:
        func = site.call.func
        target = index.resolve_expr(func, body) if isinstance(func, Name) else None
        if isinstance(target, ClassSym):  # unless its constructor may reject the caller
            init = index.class_member(target, "__init__")
            return not (isinstance(init, FuncSym) and init.info.scope.raises)
        return isinstance(target, External) and target.last[:1].isupper()

    return builds


def _returns_in(scope: Scope, block: IfBlock, start: int, end: int) -> list[int]:
    """The lines of the ``return`` statements (with or without a value) in ``block`` on
    lines ``start <= line < end``."""
    returns = (*scope.return_lines, *scope.bare_returns)
    return sorted(line for line in returns if block.holds(line) and start <= line < end)


def _configured(
    index: ProjectIndex, at: tuple[Scope, IfBlock, int], body: Ctx, bearers: Bearers | None
) -> bool:
    """The return on line ``at[2]`` (in the ``if`` ``at[1]`` of scope ``at[0]``) is taken for
    every request of a configuration: no other ``if`` holds it under a test of the request,
    nested in that ``if`` (hayhooks' ``elif getattr(request.state, "tracing_operator", False)
    is True: return``) or around it (``if token: if token not in TOKENS: raise ...``, then
    ``if not KEY_SET: return``: checked bearers only), which picks callers, not a
    configuration; unless every caller without a checked credential may get there
    (``_anyone``)."""
    scope, block, line = at
    others = [
        b
        for b in scope.ifs
        if b is not block and b.holds(line) and not _anyone(scope, b, line, bearers)
    ]
    return all(configuration(index, read, body) for b in others for read in b.reads)


def _anyone(scope: Scope, block: IfBlock, line: int, bearers: Bearers | None) -> bool:
    """A caller without a checked credential may take the branch of ``block`` holding
    ``line``: the one a caller without what its test asks for takes (``_missing_branch``), or
    the body of ``if token:`` before the token is checked (``Bearers.checked``), where a
    made-up token gets too."""
    if _missing_branch(block, line):
        return True
    if bearers is None or not bearers.requires(block) or not block.in_body(line):
        return False
    return not bearers.checked(scope, line)


def _missing_branch(block: IfBlock, line: int) -> bool:
    """``line`` is in the branch of ``block`` that a caller without what its test asks for
    takes (the body of ``if not token:``, the ``elif`` or ``else`` of ``if token:``): every
    anonymous caller gets there, so that test picks no callers of a configuration."""
    return bool(block.absent) if block.in_body(line) else bool(block.present)


def configuration(index: ProjectIndex, read: str, body: Ctx, closures: bool = True) -> bool:
    """``read`` (``API_KEY``, ``settings.auth.enabled``, ``os.environ.get``) starts with a
    module-level name or import, a parameter a settings dependency fills
    (``settings_param``), or, with ``closures``, a name of a factory around ``body``
    (``closed_over``): the same for every request."""
    head = read.partition(".")[0]
    symbol = index.lookup(head, body)
    if closures and isinstance(symbol, (ParamSym, VarSym)) and closed_over(index, symbol, body):
        return True
    if isinstance(symbol, ParamSym):
        params = symbol.func.params
        found = params[symbol.index] if symbol.index < len(params) else None
        return found is not None and settings_param(index, found, symbol.head())
    if isinstance(symbol, Unresolved):
        return read in _PURE  # ``len(KEYS) > 0``: the builtin, not a name of the project
    return not (isinstance(symbol, VarSym) and len(symbol.ctx.scopes) > 1)


def settings_param(index: ProjectIndex, param: Param, ctx: Ctx) -> bool:
    """``param`` (whose default is read in ``ctx``) is filled by a project dependency that
    takes nothing from the request (it has no parameters) and yields no per-request resource
    (nothing, or configuration: llama-cpp-python's ``yield _server_settings``): ``settings:
    Settings = Depends(get_settings)``, the settings object FastAPI's documentation
    recommends."""
    target = injected_target(param)
    if not isinstance(target, Name):
        return False
    found = index.lookup(target.dotted, ctx)
    if not isinstance(found, FuncSym) or found.info.params:
        return False
    body = found.ctx.enter(found.info)
    yielded = [value for value, _line in found.info.scope.yields]
    return all(isinstance(v, Name) and configuration(index, v.dotted, body) for v in yielded)


def _test(block: IfBlock) -> str:
    """What the test reads, for the message: ``API_KEY`` or ``settings.a, settings.b``."""
    return ", ".join(dict.fromkeys(block.reads))


def _without(func: FuncSym, lines: set[int]) -> FuncSym:
    """``func`` with the returns on ``lines`` left out (a copy; the summary is unchanged)."""
    scope = copy.copy(func.info.scope)
    kept = [
        (expr, line)
        for expr, line in zip(scope.returns, scope.return_lines, strict=False)
        if line not in lines
    ]
    scope.returns = [expr for expr, _line in kept]
    scope.return_lines = tuple(line for _expr, line in kept)
    scope.bare_returns = tuple(line for line in scope.bare_returns if line not in lines)
    info = copy.copy(func.info)
    info.scope = scope
    return FuncSym(info, func.ctx)


__all__ = ["config_skip", "configuration", "live_returns", "settings_param"]
