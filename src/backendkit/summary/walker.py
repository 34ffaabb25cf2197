"""A read-only walk over a libcst tree that calls a ``CSTVisitor``'s hooks without rebuilding.

libcst's ``CSTNode.visit`` always rebuilds every node (``_visit_and_replace_children`` plus the
dataclass validation of each new node), even for a read-only ``CSTVisitor``: that is about two
thirds of the per-file pass. ``walk`` calls the same hooks, ``visit_<Node>``, ``leave_<Node>``,
``visit_<Node>_<attr>`` and ``leave_<Node>_<attr>``, in the same document order, and skips the
children of a node whose ``visit_<Node>`` returns ``False``, but never builds a node.

The order of a node's child attributes is libcst's own: it is read, once per node class, from
the bytecode of that class's ``_visit_and_replace_children``: each call of ``visit_required`` /
``visit_optional`` / ``visit_sentinel`` / ``visit_sequence`` passes the field name as its first
string constant, and the calls run in document order (they are keyword arguments of the
rebuilt node, evaluated left to right). Reading the code sees every attribute, even one that is
empty on the first node met, which recording a live visit would miss; it costs about 0.1 ms per
class and needs no source files. A class whose code does not have that shape is walked by libcst
itself (``node.visit``), so an unexpected libcst version is slower, never wrong.
``tests/test_walker.py`` checks the fields against libcst's source and that both walks emit the
same event sequence on real code.
"""

from __future__ import annotations

import dis
from collections.abc import Callable, Collection, Iterator
from functools import cache
from types import FunctionType

import libcst as cst

# libcst's child-visiting helpers; True for those that take a sequence of nodes
VISIT_HELPERS = {
    "visit_required": False,
    "visit_optional": False,
    "visit_sentinel": False,
    "visit_sequence": True,
    "visit_iterable": True,
    "visit_body_sequence": True,
    "visit_body_iterable": True,
}

# (attribute, is_sequence): a sequence attribute that is None gets no hooks (libcst skips it).
Fields = tuple[tuple[str, bool], ...]
#: A hook as a plain function of (visitor, node), or None.
Hook = Callable[[cst.CSTVisitor, cst.CSTNode], object] | None
Plan = tuple[Hook, Hook, tuple[tuple[str, bool, Hook, Hook], ...]]

#: Plans of every (visitor class, node class) met so far: the hooks are looked up once per
#: process, not once per file (that lookup was 13% of the walk on small files).
_PLANS: dict[type, dict[type, Plan]] = {}
#: How a child attribute's value is walked, per type: 1 a node, 2 a sequence, 0 not at all.
#: ``isinstance(value, cst.CSTNode)`` goes through ``ABCMeta`` and was 10% of the walk.
_KINDS: dict[type, int] = {}


def _kind(cls: type) -> int:
    found = 1 if issubclass(cls, cst.CSTNode) else 2 if issubclass(cls, (tuple, list)) else 0
    _KINDS[cls] = found
    return found


def _visit_calls(func: Callable[..., object]) -> Iterator[tuple[str, str]]:
    """``(helper, field)`` for each visit-helper call in ``func``'s code, in order; raises
    ``ValueError`` when the code does not have the expected shape."""
    helper: str | None = None
    for ins in dis.get_instructions(func):
        if ins.opname == "LOAD_GLOBAL" and ins.argval in VISIT_HELPERS:
            if helper is not None:
                raise ValueError(f"{helper} without a field name")
            helper = ins.argval
        elif helper is not None and ins.opname == "LOAD_CONST" and isinstance(ins.argval, str):
            yield helper, ins.argval
            helper = None
    if helper is not None:
        raise ValueError(f"{helper} without a field name")


@cache
def _fields_of_code(func: Callable[..., object]) -> Fields | None:
    """The attributes one ``_visit_and_replace_children`` visits, in order; None if unsure."""
    fields: dict[str, bool] = {}
    try:
        for helper, name in _visit_calls(func):
            # one field visited as a sequence in one branch (ImportFrom.names) may be None
            fields[name] = fields.get(name, False) or VISIT_HELPERS[helper]
    except (TypeError, ValueError):
        return None
    return tuple(fields.items())


def fields_of(cls: type[cst.CSTNode]) -> Fields | None:
    """The child attributes libcst visits on nodes of ``cls``, in document order (None when
    they cannot be read from libcst's code)."""
    return _fields_of_code(cls._visit_and_replace_children)


def _hook(visitor: cst.CSTVisitor, name: str, shared: bool) -> Hook:
    """The visitor's hook ``name`` as a function of (visitor, node), or None when absent or
    one of libcst's no-op stubs (marked ``_is_no_op``, as libcst's batched visitors also skip
    them). ``shared``: looked up on the class, so the plan serves every instance."""
    found = getattr(type(visitor) if shared else visitor, name, None)
    if found is None or getattr(found, "_is_no_op", False):
        return None
    if shared:
        return found  # type: ignore[no-any-return]
    return lambda _visitor, node: found(node)


@cache
def _shareable(cls: type) -> bool:
    """Whether every hook of ``cls`` is a plain function, so a plan of unbound functions serves
    all its instances (a ``staticmethod`` or other descriptor hook is looked up per walk).
    Hooks are read once per class: one patched onto the class later is not seen."""
    seen: set[str] = set()
    for klass in cls.__mro__:  # what ``inspect.getattr_static`` finds, 1,600 names at once
        for name, value in vars(klass).items():
            if name in seen or not name.startswith(("visit_", "leave_")):
                continue
            seen.add(name)
            if not isinstance(value, FunctionType):
                return False
    return True


def _delegate(visitor: cst.CSTVisitor, node: cst.CSTNode) -> bool:
    """A node of a class whose fields are unknown: libcst walks it, our walk skips it."""
    node.visit(visitor)
    return False


class _Walk:
    """One walk: hooks are looked up once per node class (and, for visitors whose hooks are
    all defined on their class, once per process) and reused."""

    def __init__(self, visitor: cst.CSTVisitor, skip: Collection[type] = ()) -> None:
        self.visitor = visitor
        #: how each child attribute's type is walked; ``skip``'s classes not at all
        self.kinds = {**_KINDS, **dict.fromkeys(skip, 0)} if skip else _KINDS
        self.shared = _shareable(type(visitor)) and not any(
            k.startswith(("visit_", "leave_")) for k in vars(visitor)
        )
        self.plans: dict[type, Plan] = _PLANS.setdefault(type(visitor), {}) if self.shared else {}

    def plan(self, cls: type[cst.CSTNode]) -> Plan:
        """The visitor's hooks for ``cls`` and its child attributes; for a class whose fields
        are unknown, a ``visit`` that lets libcst walk the node and skips our own walk."""
        name = cls.__name__
        visitor, shared = self.visitor, self.shared
        fields = fields_of(cls)
        if fields is None:
            found: Plan = (_delegate, None, ())
        else:
            attrs = tuple(
                (
                    attr,
                    is_seq,
                    _hook(visitor, f"visit_{name}_{attr}", shared),
                    _hook(visitor, f"leave_{name}_{attr}", shared),
                )
                for attr, is_seq in fields
            )
            found = (
                _hook(visitor, f"visit_{name}", shared),
                _hook(visitor, f"leave_{name}", shared),
                attrs,
            )
        self.plans[cls] = found
        return found

    def node(self, node: cst.CSTNode) -> None:
        """Visit ``node``, its children in document order, then leave it."""
        visit, leave, attrs = self.plans.get(type(node)) or self.plan(type(node))
        visitor = self.visitor
        if (visit is None or visit(visitor, node) is not False) and attrs:
            self.children(node, attrs)
        if leave is not None:
            leave(visitor, node)

    def children(self, node: cst.CSTNode, attrs: tuple[tuple[str, bool, Hook, Hook], ...]) -> None:
        """Walk each child attribute of ``node`` between its attribute hooks."""
        visitor, kinds = self.visitor, self.kinds
        for attr, is_seq, enter, exit_ in attrs:
            value = getattr(node, attr)
            if value is None and is_seq:
                continue
            if enter is not None:
                enter(visitor, node)
            kind = kinds.get(type(value))
            if kind is None:
                kind = kinds[type(value)] = _kind(type(value))
            if kind == 1:
                self.node(value)
            elif kind == 2:
                for item in value:
                    self.node(item)
            if exit_ is not None:
                exit_(visitor, node)


def walk(tree: cst.CSTNode, visitor: cst.CSTVisitor, skip: Collection[type] = ()) -> None:
    """Call ``visitor``'s hooks over ``tree`` as ``tree.visit(visitor)`` would, read-only.

    A node of a class in ``skip`` held by a child attribute is not walked (neither its hooks
    nor its children): for classes whose hooks the caller knows do nothing in this tree
    (``SimpleWhitespace`` in a file without a backslash continuation, about 40% of all
    nodes). Metadata-dependent visitors are not supported: use ``MetadataWrapper.visit``.
    """
    _Walk(visitor, skip).node(tree)


__all__ = ["VISIT_HELPERS", "fields_of", "walk"]
