"""Hints for misspelt names in the configuration (``[tool.backendkit.complexty]``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'complexity'?)`` when one of ``choices`` is close to ``word``, else
    an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""
