"""Re-exports the application under a second name."""

from .app import application as app

__all__ = ["app"]
