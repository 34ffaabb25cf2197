"""Source files are decoded as Python decodes them (PEP 263): a BOM or a ``coding``
declaration on the first two lines, else UTF-8."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.filetask import decode_source
from helpers import write_project

LATIN1 = """\
# -*- coding: latin-1 -*-
from fastapi import FastAPI

app = FastAPI(debug=True)
NAME = "café"
"""


def _project(tmp_path: Path, data: bytes) -> Path:
    root = write_project(tmp_path / "p", {"app/__init__.py": ""})
    (root / "app" / "main.py").write_bytes(data)
    return root


def _codes(root: Path) -> list[tuple[str, str, int, str]]:
    result = analyze([root], use_cache=False)
    return [(f.code, f.path, f.line, f.message) for f in result.findings]


def test_a_declared_latin1_file_is_analysed(tmp_path: Path) -> None:
    """Not BK001: the file parses, and its findings (BK106 at line 4) are reported."""
    root = _project(tmp_path, LATIN1.encode("latin-1"))
    assert [c[:3] for c in _codes(root)] == [("BK106", "app/main.py", 4)]


def test_undeclared_latin1_is_still_not_utf8(tmp_path: Path) -> None:
    """Without the declaration Python rejects the same bytes, and so does backendkit."""
    data = LATIN1.split("\n", 1)[1].encode("latin-1")
    (finding,) = _codes(_project(tmp_path, data))
    assert finding[:3] == ("BK001", "app/main.py", 1)
    assert finding[3].startswith("File could not be analysed: file is not UTF-8 text")


def test_an_unknown_encoding_is_one_bk001_line(tmp_path: Path) -> None:
    data = b"# coding: klingon\nx = 1\n"
    (finding,) = _codes(_project(tmp_path, data))
    assert finding[:3] == ("BK001", "app/main.py", 1)
    assert finding[3] == "File could not be analysed: unknown encoding: klingon"
    assert "\n" not in finding[3]


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"x = 1\n", "x = 1\n"),
        (b"\xef\xbb\xbfx = '\xc3\xa9'\n", "x = 'é'\n"),  # UTF-8 with a BOM
        (
            b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '\x80'\n",
            "#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '€'\n",
        ),
        (b"# coding: latin-1\nx = '\xc3\xa9'\n", "# coding: latin-1\nx = 'Ã©'\n"),  # as Python
    ],
)
def test_decode_source_follows_python(data: bytes, text: str) -> None:
    assert decode_source(data) == (text, "")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"x = '\xe9'\n", "file is not UTF-8 text (invalid continuation byte at byte 5)"),
        (b"\xef\xbb\xbf# coding: latin-1\nx = 1\n", "encoding problem"),
        (b"# coding: ascii\nx = '\xe9'\n", "file is not ascii text"),
    ],
)
def test_decode_source_problems(data: bytes, words: str) -> None:
    decoded, problem = decode_source(data)
    assert decoded is None
    assert words in problem
    assert "\n" not in problem


def test_snippets_and_metrics_read_a_declared_file_as_the_analysis_does(tmp_path: Path) -> None:
    """The reporters' source (snippets, fingerprints) and the report's metrics decode the file
    as the per-file pass does, not as UTF-8 only."""
    from backendkit.commands import SourceCache
    from backendkit.report.metrics import measure_file

    root = _project(tmp_path, LATIN1.encode("latin-1"))
    lines = SourceCache(root)("app/main.py")
    assert lines is not None
    assert lines[4] == 'NAME = "café"'
    assert measure_file(root, "app/main.py") is not None
