"""The early rules as a queue both processes take from (``pipeline.py``).

The early rules (``ProjectRule.links`` False) run in a forked child while this process links
and runs the late rules. Which side finishes first depends on the project: on the scaled
template the child is done long before linking is; on the package corpus BK303 alone takes
0.4 s and this process sat idle for 0.37 s of a 1.1 s pre-commit run, waiting for the child.

So the early rules are items of a queue, heaviest first (by ``ProjectRule.cost``; the rules
that share the import graphs are one item: ``fanout.cost_items``, as the late split uses), and
each process takes the next item whenever it is free: the child from the start, this process
once its own work is done. The queue is a pipe written and closed before the fork, holding
each item's number as two bytes: a read takes one item or finds the end, never waits, and two
processes never get the same item (a pipe read of two bytes is atomic). An item the child took
but never delivered (it failed or was stopped) is run here afterwards.

Every item starts from the memos as the index left them (its ``run`` restores them), so its
findings do not depend on which process ran it, nor after what.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from backendkit.fanout import cost_items
from backendkit.findings import Finding
from backendkit.rules.base import ProjectRule

#: the findings of some early rules, by position in the list of early rules
Found = dict[int, list[Finding]]
_WIDTH = 2  # bytes per item number in the pipe


class RuleQueue:
    """The items (lists of positions in ``rules``) still to run, heaviest first; ``shared``:
    in a pipe that a forked child takes from too (made before the fork)."""

    def __init__(self, rules: Sequence[ProjectRule], shared: bool) -> None:
        self.items = cost_items(rules)
        self._next = 0  # the next item, when not shared
        self._fd: int | None = None
        if shared and self.items:
            read_end, write_end = os.pipe()
            numbers = range(len(self.items))
            try:
                os.write(write_end, b"".join(n.to_bytes(_WIDTH, "big") for n in numbers))
            finally:
                os.close(write_end)  # so that an empty queue reads as its end, never waits
            self._fd = read_end

    def take(self) -> list[int] | None:
        """The next item's positions, or None when every item is taken."""
        if self._fd is None:
            if self._next >= len(self.items):
                return None
            self._next += 1
            return self.items[self._next - 1]
        data = os.read(self._fd, _WIDTH)
        return self.items[int.from_bytes(data, "big")] if len(data) == _WIDTH else None

    def drain(self, run: Callable[[list[int]], Found]) -> Found:
        """``run`` every item this process takes, until none is left: their findings."""
        found: Found = {}
        while (item := self.take()) is not None:
            found.update(run(item))
        return found

    def close(self) -> None:
        """Release the pipe (this process's end; the child's closes when it exits); nothing
        is taken after this."""
        self._next = len(self.items)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


__all__ = ["Found", "RuleQueue"]
