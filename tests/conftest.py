"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from helpers import write_project

ProjectWriter = Callable[..., Path]


@pytest.fixture
def project(tmp_path: Path) -> ProjectWriter:
    """``project(files, options=..., select=...)`` writes a project and returns its root."""

    def make(files: Mapping[str, str], **kwargs: object) -> Path:
        return write_project(tmp_path / "proj", files, **kwargs)  # type: ignore[arg-type]

    return make
