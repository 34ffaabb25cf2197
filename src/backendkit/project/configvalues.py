"""Configuration that is always set, whatever the environment says: an ``and`` operand on it
is always true, so it switches nothing (``configauth._guarded``)::

    API_KEY = os.getenv("API_KEY", "")          # never None: a str default
    API_KEYS = [k.strip() for k in API_KEY.split(",")]   # never empty: [""] at least

    if API_KEY is not None and key != API_KEY:  # always checks
    if API_KEYS and key not in API_KEYS:        # always checks

A name is read through its one assignment (a name assigned twice may be either value), and
the names it is assigned from in turn. An instance of a project class is true unless its
class defines ``__bool__`` or ``__len__``. ``os.getenv("X", "d")`` may still be empty
(``X=""``), ``os.getenv("X")`` may be None, ``"".split()`` is ``[]`` and a filtered
comprehension (``[k for k in keys if k]``) may be empty: all of those may switch.
"""

from __future__ import annotations

from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, Ctx, External, Unresolved, VarSym
from backendkit.summary.model import (
    Attr,
    BinOp,
    Call,
    Const,
    DictExpr,
    Expr,
    FString,
    IfBlock,
    Name,
    Scope,
    Seq,
    Starred,
    Subscript,
    Unknown,
)

#: builtins that return a value, never None, whatever they are given
_MAKERS = frozenset(
    {"str", "int", "float", "bool", "list", "dict", "set", "tuple", "frozenset", "len", "sorted"}
)
#: str methods (bytes' too) that return a str or a list, never None
_STR_METHODS = frozenset(
    {"split", "rsplit", "strip", "lstrip", "rstrip", "lower", "upper", "casefold", "replace"}
    | {"splitlines", "title", "format", "join", "encode", "decode", "removeprefix"}
)
#: containers built from one iterable: empty only when it is
_COPIES = frozenset({"list", "tuple", "set", "frozenset", "sorted"})
_GETENV = frozenset({"os.getenv", "os.environ.get"})
_DEPTH = 4


def always_true(
    index: ProjectIndex, form: tuple[str, str], part: tuple[str, ...], ctx: Ctx
) -> bool:
    """The ``and`` operand reading ``part`` (in ``ctx``), which requires ``form`` of one name
    (``flow.test_forms``: ``("truthy", "KEYS")``, ``("not None", "KEY")``), is true in every
    configuration; an operand of another form only when it reads one name bound to a true
    literal (``REQUIRE = True``)."""
    kind, subject = form
    if kind and all(read == subject or read in ("bool", "len") for read in part):
        found = _value(index, subject, ctx, 0)
        if found is None:
            return False
        test = _never_empty if kind == "truthy" else _never_none
        return test(index, *found, 0)
    if len(part) != 1:
        return False
    found = _value(index, part[0], ctx, 0)
    return found is not None and isinstance(found[0], Const) and bool(found[0].value)


def never_taken(index: ProjectIndex, block: IfBlock, line: int, ctx: Ctx) -> bool:
    """The ``return`` on ``line``, in ``block`` (read in ``ctx``), is never taken: in the
    body, the test is only the absence of a name that is always true (``if not API_KEYS:
    return``, ``if KEYS is None:``); in the ``else``, it requires that name set (``if
    API_KEYS: <check> else: return``)."""
    if block.in_body(line):
        names = block.absent
        test = _never_empty
    elif len(block.forms) == 1 and block.forms[0][0]:
        kind, name = block.forms[0]
        names, test = (name,), (_never_empty if kind == "truthy" else _never_none)
    else:
        return False
    if len(names) != 1 or not all(read in (names[0], "bool", "len") for read in block.reads):
        return False
    found = _value(index, names[0], ctx, 0)
    return found is not None and test(index, *found, 0)


def _value(index: ProjectIndex, dotted: str, ctx: Ctx, depth: int) -> tuple[Expr, Ctx] | None:
    """What ``dotted`` is bound to, and where that value is read: a variable's one
    assignment (None when the scope assigns it again: either may hold)."""
    found = index.lookup(dotted, ctx)
    if not isinstance(found, VarSym) or found.assign.value is None or depth > _DEPTH:
        return None
    scope = found.ctx.scopes[-1] if found.ctx.scopes else None
    if scope is not None and _rebound(scope, found.name):
        return None
    return found.assign.value, found.ctx


def _rebound(scope: Scope, name: str) -> bool:
    """``scope`` binds ``name`` more than once, or a function of it (a method too) binds the
    same name (``global API_KEY`` in a start-up hook: the summary does not say which)."""
    if name in scope.aug_assigns or len(scope.assigns.get(name, ())) > 1:
        return True
    methods = [f for cls in scope.classes.values() for f in cls.scope.functions.values()]
    functions = [*scope.functions.values(), *methods]
    return any(name in func.scope.assigns for func in functions)


def _named(index: ProjectIndex, expr: Expr, ctx: Ctx) -> str:
    """The qualified name of what ``expr`` (a name) stands for: ``os.getenv`` for ``getenv``
    imported from ``os``, ``len`` for the builtin; "" for anything else."""
    if not isinstance(expr, Name):
        return ""
    found = index.lookup(expr.dotted, ctx)
    if isinstance(found, External):
        return found.qualname.removeprefix("builtins.")
    return expr.dotted if isinstance(found, Unresolved) and "." not in expr.dotted else ""


def _method(index: ProjectIndex, call: Call, ctx: Ctx) -> str:
    """The name of the method ``call`` calls on a value (``split`` of ``KEYS.split(",")``,
    of ``os.getenv("K", "").split(",")``); "" for a function (``shlex.split``)."""
    if isinstance(call.func, Attr):
        return call.func.attr
    if not isinstance(call.func, Name) or "." not in call.func.dotted:
        return ""
    external = isinstance(index.lookup(call.func.dotted, ctx), External)
    return "" if external else call.func.dotted.rpartition(".")[2]


def _instance(index: ProjectIndex, call: Call, ctx: Ctx) -> bool:
    """``call`` makes an instance of a project class that is always true: none of its
    classes defines ``__bool__`` or ``__len__``, and none is a library's (``dict``)."""
    if not isinstance(call.func, Name):
        return False
    cls = index.lookup(call.func.dotted, ctx)
    if not isinstance(cls, ClassSym) or index.external_bases(cls):
        return False
    return all(index.class_member(cls, name) is None for name in ("__bool__", "__len__"))


#: the ``Unknown`` kinds of comprehensions (``exprs._comprehension``): never None
_COMPREHENSIONS = frozenset(
    {"NonEmpty", "ListComp", "SetComp", "GeneratorExp", "DictComp", "Slices", "Placeholders"}
)


def _never_none(index: ProjectIndex, expr: Expr, ctx: Ctx, depth: int) -> bool:
    """``expr`` (read in ``ctx``) is never None."""
    if isinstance(expr, Name):
        found = _value(index, expr.dotted, ctx, depth + 1)
        return found is not None and _never_none(index, *found, depth + 1)
    if isinstance(expr, Const):
        return expr.value is not None
    if isinstance(expr, Unknown):
        return expr.kind in _COMPREHENSIONS
    if isinstance(expr, Subscript):  # os.environ["KEY"]: a KeyError when unset
        return _named(index, expr.value, ctx) == "os.environ"
    if isinstance(expr, Call):
        return _call_never_none(index, expr, ctx, depth)
    return isinstance(expr, (Seq, DictExpr, FString, BinOp))


def _call_never_none(index: ProjectIndex, call: Call, ctx: Ctx, depth: int) -> bool:
    """``call`` never returns None: a builtin that makes a value, a str method, or
    ``os.getenv`` / ``os.environ.get`` with a default that is never None."""
    name = _named(index, call.func, ctx)
    if name in _MAKERS or _instance(index, call, ctx):
        return True
    if name in _GETENV:
        default = call.arg(1, "default")
        return default is not None and _never_none(index, default, ctx, depth + 1)
    return _method(index, call, ctx) in _STR_METHODS


def env_read(index: ProjectIndex, call: Call, ctx: Ctx) -> tuple[Expr | None, Expr | None] | None:
    """``(key, default)`` of ``os.getenv(key, default)`` / ``os.environ.get(key, default)``
    (resolved through the imports: ``from os import getenv``), or None for any other call."""
    if _named(index, call.func, ctx) not in _GETENV:
        return None
    return call.arg(0, "key"), call.arg(1, "default")


def _never_empty(index: ProjectIndex, expr: Expr, ctx: Ctx, depth: int) -> bool:
    """``expr`` (read in ``ctx``) is always truthy: a true literal, a literal container with
    an element, a comprehension that yields (``Unknown("NonEmpty")``), ``x.split(sep)``, or
    a copy of one of those (``set(...)``)."""
    if isinstance(expr, Name):
        found = _value(index, expr.dotted, ctx, depth + 1)
        return found is not None and _never_empty(index, *found, depth + 1)
    if isinstance(expr, Call):
        return depth <= _DEPTH and _call_never_empty(index, expr, ctx, depth)
    return _literal_never_empty(expr)


def _literal_never_empty(expr: Expr) -> bool:
    """``expr`` is a true literal, a literal container with an element, or a comprehension
    that yields."""
    if isinstance(expr, Const):
        return bool(expr.value)
    if isinstance(expr, Seq):
        return any(not isinstance(item, Starred) for item in expr.items)
    if isinstance(expr, DictExpr):
        return any(key is not None for key, _value in expr.items)
    return isinstance(expr, Unknown) and expr.kind == "NonEmpty"


def _call_never_empty(index: ProjectIndex, call: Call, ctx: Ctx, depth: int) -> bool:
    """``call`` is ``x.split(sep)`` or a copy of something never empty (``set(...)``)."""
    if _method(index, call, ctx) in ("split", "rsplit"):
        return bool(call.args) and call.args[0] != Const(None)
    if _instance(index, call, ctx):
        return True
    copied = _named(index, call.func, ctx) in _COPIES and len(call.args) == 1
    return copied and _never_empty(index, call.args[0], ctx, depth + 1)


__all__ = ["always_true", "env_read", "never_taken"]
