"""The control-flow blocks a summary records (``Scope.tries``, ``Scope.ifs``,
``Scope.narrowed``): named tuples of lines and names, as plain as the rest of ``model``."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from backendkit.summary.model import Expr


class Handler(NamedTuple):
    """One ``except`` clause: what it names (None for a bare ``except:``), whether a
    ``raise`` statement of its scope is inside it (re-raising, or raising another error),
    whether it stores the error it binds (``except E as error: saved = error``) or hands it
    to a call that is not a plain name (other than a ``REPORT_CALLS`` one), and the calls of
    a name it makes outside lambdas, each with whether it is handed the error itself
    (``(("handle_error", True),)`` for ``handle_error(e=error)``): a project function among
    them may raise the error again (``caught.py``)."""

    caught: Expr | None
    raises: bool
    hands: bool = False
    calls: tuple[tuple[str, bool], ...] = ()
    changes: bool = False  # it raises another error than the one it caught
    #: the statuses it raises the caught error again for, when its only statement is ``if
    #: e.status_code == 401: raise`` (``in (401, 403)``; () for any other body)
    reraise_on: tuple[Expr, ...] = ()
    #: its last statement raises the caught error again and nothing in it returns: whatever it
    #: catches leaves it (``except HTTPException: log(...); raise``)
    always: bool = False


def _spans(block: TryBlock | IfBlock, line: int) -> bool:
    """``line`` is in ``block``: ``first <= line < end`` (a ``try`` body, an ``if`` with its
    test and branches)."""
    return block.first <= line < block.end


class TryBlock(NamedTuple):
    """A ``try`` statement with ``except`` (or ``except*``) clauses: its body holds the calls
    on lines ``first <= line < end``; its handlers are in source order (the first that matches
    runs). ``final`` is the line its ``finally:`` starts on when a ``return`` is one of that
    block's own statements (0: none): it swallows every error raised on lines ``first <= line
    < final``, handlers included (such a ``try`` is recorded without handlers too). A ``with
    contextlib.suppress(...)`` block is one too: its ``manager`` is the callee (``suppress``),
    its one handler catches the call's arguments and does nothing. A named tuple, as
    ``Handler``: a summary holds one per ``try`` of the file (on 2,428 files the records added
    1.3% to the pickled summaries, 1.9% as frozen dataclasses)."""

    first: int
    end: int
    handlers: tuple[Handler, ...]
    final: int = 0
    manager: Expr | None = None

    holds = _spans  # ``block.holds(line)``

    def covers(self, line: int) -> bool:
        """An error raised on ``line`` may be caught here: in the body, or before a
        ``finally:`` that returns."""
        return self.first <= line < max(self.end, self.final)


class IfBlock(NamedTuple):
    """An ``if`` (or ``elif``) statement holding a ``raise`` or ``return`` of its scope: the
    statements on lines ``first <= line < end`` (its test, body, ``elif`` and ``else``
    branches; an ``elif`` is a block of its own nested in it) run as its test decides, and
    ``reads`` are the names and attribute chains the test reads, callees included, in source
    order (``if not user.active or token is None``: ``("user.active", "token")``); ``parts``
    those of each operand of an ``and`` test (else ()), ``forms`` what each (or the test)
    requires of one name (``flow.test_forms``; () if nothing). The test spans ``test_lines``
    lines after the first.
    ``orelse`` is the line of its ``else:`` (0 without one; an ``elif`` is not an ``else``).
    A named tuple; an ``if`` without a ``raise`` or ``return`` is in ``ifs`` only at module
    level. ``present`` are the names the test requires to be truthy or not ``None``, ``absent``
    those whose absence makes it hold (``flow.test_absence``; ``absent_calls``: callees, as
    ``request.cookies.get``). ``body_end``: the line of its ``else:``/``elif`` (0: none)."""

    first: int
    end: int
    reads: tuple[str, ...]
    test_lines: int = 0
    orelse: int = 0
    present: tuple[str, ...] = ()
    body_end: int = 0
    absent: tuple[str, ...] = ()
    parts: tuple[tuple[str, ...], ...] = ()
    forms: tuple[tuple[str, str], ...] = ()
    absent_calls: tuple[str, ...] = ()
    #: (name, other) for an ``and`` test with the operands ``name`` and ``name == other``
    #: (``if key and key == api_key:``; ``testshapes.key_matches``)
    matches: tuple[tuple[str, str], ...] = ()

    holds = _spans  # ``block.holds(line)``

    def in_body(self, line: int) -> bool:
        """``line`` is in the body, which runs only when the test holds (not in an ``elif``
        or ``else`` branch)."""
        return self.first <= line < (self.body_end or self.end)

    def in_test(self, line: int) -> bool:
        """``line`` is one of the lines of the test (``first`` up to its closing ``:``)."""
        return self.first <= line <= self.first + self.test_lines


class Narrowing(NamedTuple):
    """An ``if isinstance(name, T):`` (or an ``and`` part of its test): its body, lines ``first
    <= line < end``, runs only when ``name`` is an instance of one of ``types`` (last names)."""

    first: int
    end: int
    name: str
    types: tuple[str, ...]
