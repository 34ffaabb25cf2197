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


def decode_source(data: bytes) -> tuple[str | None, str]:
    """Python source as text, decoded as Python decodes it (PEP 263: a UTF-8 BOM or a
    ``coding`` declaration on the first two lines, else UTF-8; ``tokenize.detect_encoding``
    finds which), or None and the reason on one line."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # an unknown encoding name, a BOM contradicting the cookie
        if not str(error.msg).startswith("invalid or missing"):
            return None, " ".join(str(error.msg).split())
        encoding = "utf-8"  # no declaration, and not UTF-8 text: say where it is not
    try:
        return data.decode(encoding), ""
    except UnicodeDecodeError as error:
        name = "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding
        return None, f"file is not {name} text ({error.reason} at byte {error.start})"


def read_source(path: str) -> str | None:
    """A Python file's text, decoded as Python decodes it (``decode_source``); None when it
    cannot be read or decoded."""
    data, _problem = read_bytes(path)
    return None if data is None else decode_source(data)[0]


__all__ = ["FileTask", "decode_source", "read_bytes", "read_source"]
