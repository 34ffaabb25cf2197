"""What the per-file pass is given for one file, and how it reads it: light enough to import on
a warm run, which never parses (``perfile`` holds the parsing)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileTask:
    """One file to summarise: where it is and how it is named in the project."""

    abs_path: str
    rel_path: str
    module: str
    is_package: bool


def read_bytes(path: str) -> tuple[bytes | None, str]:
    """A file's bytes, or None and the reason it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read(), ""
    except OSError as error:
        return None, f"cannot read file: {error.strerror or error}"


__all__ = ["FileTask", "read_bytes"]
