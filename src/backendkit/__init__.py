"""backendkit: FastAPI-aware linting, route inventory, graphs and project scaffolding."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from backendkit.engine import analyze

__all__ = ["__version__", "analyze"]


def __getattr__(name: str) -> Any:
    """Import the engine lazily so ``backendkit --version`` stays fast."""
    if name == "analyze":
        from backendkit.engine import analyze

        return analyze
    raise AttributeError(name)
