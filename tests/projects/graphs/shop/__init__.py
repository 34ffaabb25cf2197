from .services import OrderService

__all__ = ["OrderService"]
