"""The ``backendkit`` command: the compiled-dataclass cache (``codecache``) is installed
before anything else is imported, then the command line runs (``cli.main``)."""

from __future__ import annotations


def main() -> None:
    """Console-script entry point."""
    from backendkit import codecache

    codecache.install()
    from backendkit.cli import main as run

    run()


__all__ = ["main"]
