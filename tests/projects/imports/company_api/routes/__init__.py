"""Re-exports: some routers under new names, some modules."""

from . import items, orders
from .reports import router as reports_router

__all__ = ["items", "orders", "reports_router"]
