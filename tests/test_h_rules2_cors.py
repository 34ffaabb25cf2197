"""BK103 and a wildcard a helper returns on one of its paths: ``allow_origins=_get_origins()``
where the helper binds ``computed = ["*"]`` when the setting is unset is reported; a helper
whose every binding lists origins is not."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from backendkit.rules.keywordline import keyword_line
from helpers import write_project

MAIN = """\
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware


def _get_origins():
    raw = os.getenv("CORS_ORIGINS")
    if raw is None or raw.strip() == "":
        computed = ["*"]
    else:
        computed = [o.strip() for o in raw.split(",")]
    return computed


def _listed_origins():
    raw = os.getenv("CORS_ORIGINS")
    if raw is None:
        computed = ["https://app.example.com"]
    else:
        computed = raw.split(",")
    return computed


ORIGINS = _get_origins()
app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=_get_origins(), allow_credentials=True)
app.add_middleware(CORSMiddleware, allow_origins=ORIGINS)
app.add_middleware(CORSMiddleware, allow_origins=_listed_origins(), allow_credentials=True)
"""


def test_a_wildcard_on_one_path_of_a_helper(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    found = [
        (f.line, f.severity.value, f.message.split(":")[0].split(";")[0])
        for f in analyze([root]).findings
        if f.code == "BK103"
    ]
    assert found == [
        (
            27,
            "error",
            "CORS allow_origins contains '*' on one of the paths of _get_origins() together "
            "with allow_credentials=True",
        ),
        (28, "warning", "CORS allow_origins contains '*' on one of the paths of _get_origins()"),
    ]


UNPACKED = """\
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware


def _get_cors_config():
    configured = os.getenv("CORS_ORIGINS")
    if configured:
        return configured.split(","), True
    return ["*"], True


def _listed_config():
    return ["https://a.example"], True


origins, allow_credentials = _get_cors_config()
listed, listed_credentials = _listed_config()
app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=allow_credentials)
app.add_middleware(CORSMiddleware, allow_origins=listed, allow_credentials=listed_credentials)
"""


def test_a_wildcard_unpacked_from_a_helper_tuple(tmp_path: Path) -> None:
    """litellm's ``origins, allow_cors_credentials = _get_cors_config()`` with a fallback of
    ``["*"], True``: the unpacked names are the items of the returned tuples."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": UNPACKED})
    found = [(f.line, f.severity.value) for f in analyze([root]).findings if f.code == "BK103"]
    assert found == [(21, "error")]


SPREAD = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware import Middleware

app = FastAPI(
    middleware=[
        Middleware(
            CORSMiddleware,
            allow_credentials=True,
            allow_origins=["*"],
        )
    ]
)
app.add_middleware(
    CORSMiddleware,
    allow_origin_regex=".*",  # backendkit: ignore[BK103]
)
app.add_middleware(  # backendkit: ignore[BK103]
    CORSMiddleware,
    allow_origins=["*"],
)
"""


def test_reported_on_the_line_of_the_option(tmp_path: Path) -> None:
    """A call written over several lines is reported on the line of the option at fault,
    where a suppression comment goes; one on the call's first line still applies."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": SPREAD})
    found = [f for f in analyze([root], use_cache=False).findings if f.code == "BK103"]
    assert [(f.line, f.message.split()[1]) for f in found] == [(10, "allow_origins")]
    assert found[0].extra["alt_lines"] == [7]
    unused = [f for f in analyze([root], use_cache=False).findings if f.code == "BK004"]
    assert unused == []


def test_keyword_line_falls_back_to_the_call(tmp_path: Path) -> None:
    """The line of a keyword inside the call named, not one of a later call or of a nested
    one; the call's own line when the keyword is not written there or the file is gone."""
    source = tmp_path / "m.py"
    source.write_text(
        "x = [\n    f(\n        g(a=1),\n        **opts,\n    ),\n    h(\n        a=2,\n"
        "    ),\n]\n",
        encoding="utf-8",
    )
    assert keyword_line(source, 2, "f", "a") == 2
    assert keyword_line(source, 3, "g", "a") == 3
    assert keyword_line(source, 6, "h", "a") == 7
    assert keyword_line(tmp_path / "gone.py", 6, "h", "a") == 6


LOCALS = """\
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware


def _get_cors_config(env: str | None = None):
    raw = env if env is not None else os.getenv("CORS_ORIGINS")
    if raw is None or raw.strip() == "":
        computed_origins = ["*"]
    else:
        computed_origins = [o.strip() for o in raw.split(",") if o.strip()]
    computed_credentials = "*" not in computed_origins
    return computed_origins, computed_credentials


def _listed_config():
    computed = ["https://a.example"]
    return computed, True


origins, credentials = _get_cors_config()
listed, listed_credentials = _listed_config()
app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=credentials)
app.add_middleware(CORSMiddleware, allow_origins=listed, allow_credentials=listed_credentials)
"""


def test_a_wildcard_bound_to_a_local_of_a_returned_tuple(tmp_path: Path) -> None:
    """litellm's ``return computed_origins, computed_credentials`` where ``computed_origins =
    ["*"]`` when the variable is unset: each local of the returned tuple counts every value it
    is bound to."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": LOCALS})
    found = [(f.line, f.severity.value) for f in analyze([root]).findings if f.code == "BK103"]
    assert found == [(25, "warning")]
