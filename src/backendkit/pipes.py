"""Output to a reader that stops early (``backendkit rules | head``, ``lint -o json | true``).

Python raises ``BrokenPipeError`` on the first write (or flush) after the reader has gone,
which would end the command as an internal error. Like ``grep`` and ``ruff``, backendkit stops
writing instead: the rest of its output is dropped without a word, the command runs to its
end and exits with the status its result calls for (1 when ``lint`` found something, whether
or not anyone read it).
"""

from __future__ import annotations

import os
from typing import TextIO


class PipeSafe:
    """A text stream that drops its output once the reader has closed the pipe."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.closed_early = False

    def write(self, text: str) -> int:
        """Write ``text``, or drop it when the reader has gone."""
        if not self.closed_early:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        """Flush, unless the reader has gone."""
        if not self.closed_early:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop()

    def _drop(self) -> None:
        """Stop writing, and point the descriptor at ``/dev/null`` so that nothing else (a
        final flush, a child process) meets the broken pipe."""
        self.closed_early = True
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self._stream.fileno())
            os.close(null)
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def guard_output() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` drop their output once their reader has gone."""
    import sys

    if not isinstance(sys.stdout, PipeSafe):
        sys.stdout = PipeSafe(sys.stdout)  # type: ignore[assignment]
    if not isinstance(sys.stderr, PipeSafe):
        sys.stderr = PipeSafe(sys.stderr)  # type: ignore[assignment]


__all__ = ["PipeSafe", "guard_output"]
