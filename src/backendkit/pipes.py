"""Output to a reader that stops early (``backendkit rules | head``, ``lint -o json | true``).

Python raises ``BrokenPipeError`` on the first write (or flush) after the reader has gone
(``OSError`` when the descriptor was closed before the start: ``>&-``), which would end the
command as an internal error. Like ``grep`` and ``ruff``, backendkit stops
writing instead: the rest of its output is dropped without a word, the command runs to its
end and exits with the status its result calls for (1 when ``lint`` found something, whether
or not anyone read it).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
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
            except (OSError, ValueError) as error:
                self._drop_if_gone(error)
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        """Write each of ``lines``."""
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        """Flush, unless the reader has gone."""
        if not self.closed_early:
            try:
                self._stream.flush()
            except (OSError, ValueError) as error:
                self._drop_if_gone(error)

    def _drop_if_gone(self, error: Exception) -> None:
        """Stop writing when ``error`` says the reader or the descriptor is gone; raise any
        other error (a full disk, a character the encoding cannot write): that output is
        lost, and the command must say so."""
        gone = isinstance(error, OSError) and error.errno in (errno.EPIPE, errno.EBADF)
        closed = type(error) is ValueError and bool(getattr(self._stream, "closed", False))
        if not (gone or closed):
            raise error
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
        sys.stdout = PipeSafe(sys.stdout or _nowhere())  # type: ignore[assignment]
    if not isinstance(sys.stderr, PipeSafe):
        sys.stderr = PipeSafe(sys.stderr or _nowhere())  # type: ignore[assignment]


def _nowhere() -> TextIO:
    """Where the output of a stream closed before the start goes (``backendkit rules >&-``:
    Python then has no ``sys.stdout`` at all)."""
    return open(os.devnull, "w", encoding="utf-8")  # lives as long as the process


__all__ = ["PipeSafe", "guard_output"]
