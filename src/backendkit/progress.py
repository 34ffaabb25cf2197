"""A progress bar on stderr for long per-file passes: only in an interactive terminal, never in
CI or when stderr is piped, and only when there are many files to parse."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

MIN_FILES = 200  # fewer files parse in a few seconds: a bar would only flicker


def wants_progress(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """True when ``stream`` is a terminal and the environment is not CI or a dumb terminal."""
    env = os.environ if environ is None else environ
    if env.get("CI") or env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


class ProgressBar:
    """A ``runner.Progress`` callback that shows a bar once a pass has ``min_files`` files."""

    def __init__(self, stream: TextIO, min_files: int = MIN_FILES) -> None:
        self.stream = stream
        self.min_files = min_files
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def shows(self, total: int) -> bool:
        """Whether a pass over ``total`` files gets a bar."""
        return total >= self.min_files

    def __call__(self, done: int, total: int) -> None:
        """Advance the bar to ``done`` of ``total`` files (started on first use)."""
        if self.bar is None:
            if not self.shows(total):
                return
            self._start(total)
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=done, total=total)
            if done >= total:  # the pass is over: stop the bar's refresh thread now, so the
                self.close()  # project pass runs in a single-threaded process (fanout.py)

    def _start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        console = Console(file=self.stream)
        self.bar = Progress(
            "parsing",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task("parsing", total=total)

    def close(self) -> None:
        """Remove the bar from the terminal."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


__all__ = ["MIN_FILES", "ProgressBar", "wants_progress"]
